# SPDX-License-Identifier: Apache-2.0
"""The policy and the command line: malformed policies, lookaside directories, the helper split."""
import json
import shutil
import subprocess

import pytest

from conftest import BUILD, FIX, WARD, policy_for, run, sigstore_req


@pytest.mark.parametrize("text,message", [
    ('{"default":[{"type":"insecureAcceptAnything"}],"transport":{}}', "transport: unknown field"),
    ('{"default":[{"type":"signedBy","keyType":"GPGKeys"}]}', "default[0]: exactly one of"),
    ('{"default":[{"type":"insecureAcceptAnything"}],"default":[]}', 'duplicate key "default"'),
    ('{"default":[{"type":"acceptEverything"}]}', 'unknown requirement type "acceptEverything"'),
    ('{"default":[{"type":"reject"}],"transports":{"docker":{"x":[{"type":"sigstoreSigned",'
     '"keyPath":"/k","signedIdentity":{"type":"exactReference","dockerReference":"a"}}]}}}',
     "transports.docker.x[0].signedIdentity.dockerReference: docker.io/library/a contains "
     "neither a tag nor a digest"),
])
def test_malformed_policy_is_a_usage_error(verify, text, message):
    r = verify(text, f"dir:{FIX}/dir-img-cosign-valid")
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert r.stdout == ""


def test_missing_policy_fails(tmp_path):
    r = run([str(WARD), "image", "verify", "--policy", str(tmp_path / "none.json"),
             f"dir:{FIX}/dir-img-cosign-valid"], check=False)
    assert r.returncode == 1 and "No such file" in r.stderr


def test_policy_path_from_ward_conf(tmp_path):
    pol = tmp_path / "p.json"
    pol.write_text(json.dumps(policy_for(sigstore_req(identity={
        "type": "exactRepository",
        "dockerRepository": "192.168.64.2:5000/cosign-signed-single-sample"}))))
    conf = tmp_path / "ward.conf"
    conf.write_text(f"policy.path = {pol}\n")
    r = run([str(WARD), "image", "verify", "--config", str(conf),
             f"dir:{FIX}/dir-img-cosign-valid"], check=False)
    assert r.returncode == 0, r.stdout + r.stderr


def test_bad_image_names(verify):
    pol = {"default": [{"type": "insecureAcceptAnything"}]}
    assert verify(pol, "docker://busybox").returncode == 2
    assert verify(pol, "oci:/nonexistent/layout").returncode == 1
    r = verify(pol, f"dir:{FIX}/dir-img-cosign-valid", "--identity", "Not/Valid")
    assert r.returncode == 2 and "lowercase" in r.stderr


def test_lookaside(verify, tmp_path):
    """<base>/<repo>@sha256=<hex>/signature-N, read up to the first missing N."""
    img = tmp_path / "img"
    img.mkdir()
    shutil.copy(FIX / "dir-img-cosign-valid/manifest.json", img / "manifest.json")
    repo = "192.168.64.2:5000/cosign-signed-single-sample"
    sigdir = tmp_path / "lookaside/cosign-signed-single-sample@sha256=" \
        "634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"
    sigdir.mkdir(parents=True)
    shutil.copy(FIX / "unknown-cosign-key.signature", sigdir / "signature-1")
    shutil.copy(FIX / "dir-img-cosign-valid/signature-1", sigdir / "signature-3")
    pol = policy_for(sigstore_req(identity={"type": "matchRepository"}), transport="docker")
    args = ["--lookaside", str(tmp_path / "lookaside"), "--identity", repo + ":latest"]
    r = verify(pol, f"dir:{img}", *args)
    assert r.returncode == 4 and "does not verify" in r.stdout  # signature-3 is never read
    shutil.move(sigdir / "signature-3", sigdir / "signature-2")
    assert verify(pol, f"dir:{img}", *args).returncode == 0
    r = verify(pol, f"dir:{img}", "--lookaside", str(tmp_path / "lookaside"))
    assert r.returncode == 2 and "needs the image's identity" in r.stderr


def test_identity_digest_must_match(verify):
    pol = policy_for(sigstore_req(identity={"type": "matchRepository"}), transport="docker")
    repo = "192.168.64.2:5000/cosign-signed-single-sample"
    good = "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00"
    img = f"dir:{FIX}/dir-img-cosign-valid"
    assert verify(pol, img, "--identity", f"{repo}@{good}").returncode == 0
    r = verify(pol, img, "--identity", f"{repo}@sha256:{'1' * 64}")
    assert r.returncode == 4 and "the identity names manifest" in r.stdout


def test_ward_links_no_trust_library():
    out = subprocess.run(["ldd", str(WARD)], capture_output=True, text=True).stdout
    assert "libgpgme" not in out and "libcrypto" not in out and "libarchive" not in out
    helper = subprocess.run(["ldd", str(BUILD / "ward-image")], capture_output=True,
                            text=True).stdout
    assert "libgpgme" in helper and "libcrypto" in helper  # control: the helper has them
