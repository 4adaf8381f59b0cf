# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the image trust suite: real signers and fixtures nobody here wrote.

- containers/image's fixtures (Debian's golang-github-containers-image-dev): cosign-made and
  GPG-made signatures with their keys.
- a throwaway GPG key in a private GNUPGHOME and skopeo (`copy --sign-by`) as the GPG signer.
- openssl as the cosign-format signer (notes/image-signatures.md, section 5), writing the
  sha256-<hex>.sig manifest into an OCI layout made by umoci.
WARD_BUILD_DIR locates ward and ward-image (default: the repository root).
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("WARD_BUILD_DIR", ROOT))
WARD = BUILD / "ward"
FIX = Path("/usr/share/gocode/src/github.com/containers/image/signature/fixtures")
COSIGN_REPO = "192.168.64.2:5000/cosign-signed-single-sample"
GPG_IDENTITY = "docker.io/library/busybox-test:latest"


def run(cmd, check=True, env=None, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, **kw)
    if check:
        assert r.returncode == 0, (cmd, r.returncode, r.stdout, r.stderr)
    return r


class Verifier:
    """`ward image verify` with a policy written from a dict."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.n = 0

    def policy(self, pol) -> Path:
        self.n += 1
        p = self.tmp / f"policy-{self.n}.json"
        p.write_text(pol if isinstance(pol, str) else json.dumps(pol))
        return p

    def __call__(self, pol, image, *args, json_out=False):
        cmd = [str(WARD), "image", "verify", "--policy", str(self.policy(pol)), *args]
        if json_out:
            cmd.append("--json")
        r = run(cmd + [image], check=False)
        if json_out and r.returncode in (0, 4):
            r.decision = json.loads(r.stdout)
        return r


@pytest.fixture
def verify(tmp_path):
    return Verifier(tmp_path)


def sigstore_req(key=None, identity=None, key_data=None):
    req = {"type": "sigstoreSigned"}
    if key_data is not None:
        req["keyData"] = base64.b64encode(key_data).decode()
    else:
        req["keyPath"] = str(key or FIX / "cosign.pub")
    if identity:
        req["signedIdentity"] = identity
    return req


def gpg_req(key, identity=None, field="keyPath"):
    req = {"type": "signedBy", "keyType": "GPGKeys"}
    if field == "keyData":
        req["keyData"] = base64.b64encode(Path(key).read_bytes()).decode()
    elif field == "keyPaths":
        req["keyPaths"] = [str(k) for k in key]
    else:
        req["keyPath"] = str(key)
    if identity:
        req["signedIdentity"] = identity
    return req


def policy_for(req, transport="dir"):
    return {"default": [{"type": "reject"}], "transports": {transport: {"": [req]}}}


class GpgKey:
    def __init__(self, home: Path, name: str):
        self.home = home
        self.env = dict(os.environ, GNUPGHOME=str(home))
        home.mkdir(mode=0o700)
        run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key",
             f"{name} <{name}@example.com>", "rsa2048", "sign", "never"], env=self.env)
        out = run(["gpg", "--list-secret-keys", "--with-colons"], env=self.env).stdout
        self.fpr = [line.split(":")[9] for line in out.splitlines() if line.startswith("fpr")][0]
        self.pub = home.parent / f"{name}.pub.gpg"
        self.pub.write_bytes(subprocess.run(["gpg", "--export", self.fpr], env=self.env,
                                            capture_output=True, check=True).stdout)
        self.armored = home.parent / f"{name}.pub.asc"
        self.armored.write_text(run(["gpg", "--armor", "--export", self.fpr], env=self.env).stdout)

    def close(self):
        subprocess.run(["gpgconf", "--kill", "all"], env=self.env, capture_output=True)


def make_oci_image(layout: Path, files: dict):
    """A one-layer image made by umoci (the layer holds `files`)."""
    run(["umoci", "init", "--layout", str(layout)])
    run(["umoci", "new", "--image", f"{layout}:latest"])
    bundle = layout.parent / (layout.name + "-bundle")
    run(["umoci", "unpack", "--image", f"{layout}:latest", str(bundle)])
    for name, data in files.items():
        p = bundle / "rootfs" / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    run(["umoci", "repack", "--image", f"{layout}:latest", str(bundle)])
    run(["umoci", "config", "--image", f"{layout}:latest", "--config.cmd", "/bin/sh",
         "--os", "linux", "--architecture", "amd64"])
    run(["umoci", "gc", "--layout", str(layout)])
    shutil.rmtree(bundle)
    return layout


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("image")


@pytest.fixture(scope="session")
def signer(session_dir):
    key = GpgKey(session_dir / "gnupg-signer", "signer")
    yield key
    key.close()


@pytest.fixture(scope="session")
def other_signer(session_dir):
    key = GpgKey(session_dir / "gnupg-other", "other")
    yield key
    key.close()


@pytest.fixture(scope="session")
def oci_src(session_dir):
    return make_oci_image(session_dir / "oci-src", {"hello.txt": b"hello from the image\n"})


@pytest.fixture(scope="session")
def skopeo_signed(session_dir, signer, oci_src):
    """dir: copy signed by skopeo with the throwaway key, identity GPG_IDENTITY."""
    dest = session_dir / "dir-gpg"
    any_policy = session_dir / "policy-any.json"
    any_policy.write_text('{"default":[{"type":"insecureAcceptAnything"}]}')
    run(["skopeo", "--policy", str(any_policy), "copy", "--sign-by", signer.fpr,
         "--sign-identity", GPG_IDENTITY, f"oci:{oci_src}:latest", f"dir:{dest}"],
        env=signer.env)
    assert (dest / "signature-1").exists()
    return dest


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def add_blob(layout: Path, data: bytes) -> str:
    d = sha256(data)
    (layout / "blobs" / "sha256" / d[7:]).write_bytes(data)
    return d


def image_manifest_digest(layout: Path, tag="latest") -> str:
    index = json.loads((layout / "index.json").read_text())
    for m in index["manifests"]:
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            return m["digest"]
    raise KeyError(tag)


def openssl_sign(key: Path, payload: Path, kind: str) -> bytes:
    if kind == "ed25519":
        return run_bytes(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", str(key),
                          "-in", str(payload)])
    return run_bytes(["openssl", "dgst", "-sha256", "-sign", str(key), str(payload)])


def run_bytes(cmd):
    r = subprocess.run(cmd, capture_output=True, timeout=60)
    assert r.returncode == 0, (cmd, r.stderr)
    return r.stdout


def make_key(d: Path, kind: str):
    """(private, public PEM) made by openssl: ec (P-256), rsa or ed25519."""
    priv, pub = d / f"{kind}.key", d / f"{kind}.pub"
    if kind == "ec":
        run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(priv)])
    elif kind == "rsa":
        run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
             "-out", str(priv)])
    else:
        run(["openssl", "genpkey", "-algorithm", "ED25519", "-out", str(priv)])
    run(["openssl", "pkey", "-in", str(priv), "-pubout", "-out", str(pub)])
    return priv, pub


def cosign_sign_layout(layout: Path, key: Path, kind: str, identity: str, digest=None,
                       payload_bytes=None):
    """Add (or extend) the sha256-<hex>.sig manifest of the image's manifest, as cosign does."""
    target = image_manifest_digest(layout)
    digest = digest or target
    payload = payload_bytes or json.dumps(
        {"critical": {"identity": {"docker-reference": identity},
                      "image": {"docker-manifest-digest": digest},
                      "type": "cosign container image signature"},
         "optional": None}, separators=(",", ":")).encode()
    pfile = layout.parent / "payload.json"
    pfile.write_bytes(payload)
    sig = base64.b64encode(openssl_sign(key, pfile, kind)).decode()
    tag = "sha256-" + target[7:] + ".sig"
    index = json.loads((layout / "index.json").read_text())
    old = [m for m in index["manifests"]
           if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag]
    layers = []
    if old:
        prev = json.loads((layout / "blobs" / "sha256" / old[0]["digest"][7:]).read_text())
        layers = prev["layers"]
        index["manifests"].remove(old[0])
    pdig = add_blob(layout, payload)
    layers.append({"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                   "digest": pdig, "size": len(payload),
                   "annotations": {"dev.cosignproject.cosign/signature": sig}})
    config = json.dumps({"architecture": "", "os": "", "config": {},
                         "rootfs": {"type": "layers",
                                    "diff_ids": [l["digest"] for l in layers]}}).encode()
    manifest = json.dumps({"schemaVersion": 2,
                           "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": add_blob(layout, config), "size": len(config)},
                           "layers": layers}, separators=(",", ":")).encode()
    index["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "digest": add_blob(layout, manifest), "size": len(manifest),
                               "annotations": {"org.opencontainers.image.ref.name": tag}})
    (layout / "index.json").write_text(json.dumps(index))
    return tag
