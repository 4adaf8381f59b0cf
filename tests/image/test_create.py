# SPDX-License-Identifier: Apache-2.0
"""`ward create` with image.policy = enforce: only bundles of verified images, unchanged since
`ward image unpack`, get created; controls show the same bundles pass when nothing is wrong."""
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import WARD, make_key, run
from layouts import entry, make_layout, tar_bytes

REF = "example.com/app:1"


def busybox_layer():
    data = Path("/bin/busybox").read_bytes()
    return tar_bytes([entry("bin/", "dir", mode=0o755),
                      entry("bin/busybox", data=data, mode=0o755),
                      entry("bin/sh", "symlink", target="busybox"),
                      entry("etc/motd", data=b"signed content\n")])


@pytest.fixture
def env(tmp_path):
    """A signed layout, its key, a policy that wants that key, and a ward.conf enforcing it."""
    from conftest import cosign_sign_layout
    layout = tmp_path / "oci"
    make_layout(layout, [busybox_layer()], config={"Cmd": ["/bin/sh", "-c", "sleep 30"]})
    priv, pub = make_key(tmp_path, "ec")
    cosign_sign_layout(layout, priv, "ec", "example.com/app")
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({
        "default": [{"type": "reject"}],
        "transports": {"docker": {"example.com": [{
            "type": "sigstoreSigned", "keyPath": str(pub),
            "signedIdentity": {"type": "matchRepository"}}]}}}))
    records = tmp_path / "records"
    conf = tmp_path / "ward.conf"
    conf.write_text(f"image.policy = enforce\npolicy.path = {policy}\nimage.records = {records}\n")
    return {"tmp": tmp_path, "layout": layout, "policy": policy, "records": records, "conf": conf}


def unpack(env, bundle, policy=None, identity=REF, image=None):
    args = [str(WARD), "image", "unpack", "--policy", str(policy or env["policy"]),
            "--records", str(env["records"])]
    if identity:
        args += ["--identity", identity]
    return run(args + [image or f"oci:{env['layout']}:latest", str(bundle)], check=False)


def create(env, bundle, conf=None):
    cid = "img-" + uuid.uuid4().hex[:8]
    root = env["tmp"] / "state"
    g = [str(WARD), "--root", str(root), "--config", str(conf or env["conf"])]
    errf = env["tmp"] / f"{cid}.err"
    # the created init keeps ward's stdio: write to files, not pipes, or the call never ends
    with open(errf, "w") as err:
        p = subprocess.run(g + ["create", "--bundle", str(bundle), cid], stdout=subprocess.DEVNULL,
                           stderr=err, stdin=subprocess.DEVNULL, timeout=60)
    if p.returncode == 0:
        run(g + ["delete", "--force", cid], check=False)
    return subprocess.CompletedProcess(p.args, p.returncode, "", errf.read_text())


def test_verified_bundle_is_created(env):
    bundle = env["tmp"] / "bundle"
    r = unpack(env, bundle)
    assert r.returncode == 0, r.stderr
    ann = json.loads((bundle / "config.json").read_text())["annotations"]
    assert ann["ward.image.ref"] == REF
    assert (env["records"] / (ann["ward.image.digest"][7:] + ".json")).exists()
    r = create(env, bundle)
    assert r.returncode == 0, r.stderr


def test_changed_rootfs_is_refused(env):
    bundle = env["tmp"] / "bundle"
    assert unpack(env, bundle).returncode == 0
    with open(bundle / "rootfs/etc/motd", "a") as f:
        f.write("tampered\n")
    r = create(env, bundle)
    assert r.returncode != 0 and "the rootfs changed since ward image unpack" in r.stderr
    # control: with image.policy off the same bundle is created
    off = env["tmp"] / "off.conf"
    off.write_text("image.policy = off\n")
    assert create(env, bundle, conf=off).returncode == 0


def test_added_file_is_refused(env):
    bundle = env["tmp"] / "bundle"
    assert unpack(env, bundle).returncode == 0
    (bundle / "rootfs/bin/extra").write_text("x")
    r = create(env, bundle)
    assert r.returncode != 0 and "the rootfs changed" in r.stderr


def test_unsigned_image_bundle_is_refused(env, tmp_path):
    unsigned = tmp_path / "unsigned"
    make_layout(unsigned, [busybox_layer()])
    anyp = tmp_path / "any.json"
    anyp.write_text('{"default":[{"type":"insecureAcceptAnything"}]}')
    bundle = tmp_path / "bundle-unsigned"
    assert unpack(env, bundle, policy=anyp, image=f"oci:{unsigned}:latest").returncode == 0
    r = create(env, bundle)
    assert r.returncode != 0 and "the policy refuses" in r.stderr


def test_claimed_identity_must_pass_the_policy(env):
    """The annotations are claims: another reference for the same bundle is judged anew."""
    bundle = env["tmp"] / "bundle"
    assert unpack(env, bundle).returncode == 0
    cfg = json.loads((bundle / "config.json").read_text())
    cfg["annotations"]["ward.image.ref"] = "other.example.org/app:1"
    (bundle / "config.json").write_text(json.dumps(cfg))
    r = create(env, bundle)
    assert r.returncode != 0 and "the policy refuses" in r.stderr


def test_no_identity_refused_under_reject_default(env, tmp_path):
    bundle = env["tmp"] / "bundle"
    assert unpack(env, bundle).returncode == 0
    cfg = json.loads((bundle / "config.json").read_text())
    for k in list(cfg["annotations"]):
        if k.startswith("ward.image."):
            del cfg["annotations"][k]
    (bundle / "config.json").write_text(json.dumps(cfg))
    r = create(env, bundle)
    assert r.returncode != 0 and "names no image" in r.stderr
    # control: a policy whose default accepts anything lets the image-less bundle run
    anyp = tmp_path / "any.json"
    anyp.write_text('{"default":[{"type":"insecureAcceptAnything"}]}')
    conf = tmp_path / "any.conf"
    conf.write_text(f"image.policy = enforce\npolicy.path = {anyp}\n")
    assert create(env, bundle, conf=conf).returncode == 0


def test_unknown_digest_refused(env):
    bundle = env["tmp"] / "bundle"
    assert unpack(env, bundle).returncode == 0
    cfg = json.loads((bundle / "config.json").read_text())
    cfg["annotations"]["ward.image.digest"] = "sha256:" + "e" * 64
    (bundle / "config.json").write_text(json.dumps(cfg))
    r = create(env, bundle)
    assert r.returncode != 0 and "no record of a verified unpack" in r.stderr


def test_gpg_lookaside_from_ward_conf(tmp_path, signer):
    """A GPG signature made by skopeo standalone-sign, in a lookaside directory named by
    ward.conf: unpack and create both find it; without the lookaside, create refuses."""
    layout = tmp_path / "oci"
    make_layout(layout, [busybox_layer()])
    index = json.loads((layout / "index.json").read_text())
    digest = index["manifests"][0]["digest"]
    manifest = layout / "blobs/sha256" / digest[7:]
    sigdir = tmp_path / "lookaside" / f"team/app@sha256={digest[7:]}"
    sigdir.mkdir(parents=True)
    run(["skopeo", "standalone-sign", str(manifest), "registry.example.com/team/app:2",
         signer.fpr, "-o", str(sigdir / "signature-1")], env=signer.env)
    policy = tmp_path / "gpg-policy.json"
    policy.write_text(json.dumps({"default": [{"type": "reject"}], "transports": {"docker": {
        "registry.example.com/team": [{"type": "signedBy", "keyType": "GPGKeys",
                                       "keyPath": str(signer.pub)}]}}}))
    records = tmp_path / "records"
    conf = tmp_path / "ward.conf"
    conf.write_text(f"image.policy = enforce\npolicy.path = {policy}\nimage.records = {records}\n"
                    f"image.lookaside = {tmp_path / 'lookaside'}\n")
    bundle = tmp_path / "bundle"
    r = run([str(WARD), "image", "unpack", "--config", str(conf), "--identity",
             "registry.example.com/team/app:2", f"oci:{layout}:latest", str(bundle)], check=False)
    assert r.returncode == 0, r.stderr
    env = {"tmp": tmp_path, "conf": conf}
    r = create(env, bundle)
    assert r.returncode == 0, r.stderr
    bare = tmp_path / "bare.conf"
    bare.write_text(f"image.policy = enforce\npolicy.path = {policy}\nimage.records = {records}\n")
    r = create(env, bundle, conf=bare)
    assert r.returncode != 0 and "the policy refuses" in r.stderr


def test_records_writable_by_others_refused(env):
    bundle = env["tmp"] / "bundle"
    assert unpack(env, bundle).returncode == 0
    os.chmod(env["records"], 0o777)
    r = create(env, bundle)
    assert r.returncode != 0 and "writable by others than root" in r.stderr
    os.chmod(env["records"], 0o700)  # control: the same bundle with a root-only directory
    assert create(env, bundle).returncode == 0
