# SPDX-License-Identifier: Apache-2.0
"""GPG simple signing: skopeo-signed images (a throwaway key), containers/image's fixtures, and
ward's decision against skopeo's own on the same policies."""
import shutil

import pytest

from conftest import FIX, GPG_IDENTITY, gpg_req, policy_for, run

EXACT = {"type": "exactReference", "dockerReference": GPG_IDENTITY}


def test_skopeo_signed_accepted(verify, skopeo_signed, signer):
    r = verify(policy_for(gpg_req(signer.pub, EXACT)), f"dir:{skopeo_signed}", json_out=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert signer.fpr in r.decision["requirements"][0]["detail"]
    # judged as docker://busybox-test:latest with the default identity rule
    r = verify(policy_for(gpg_req(signer.armored), transport="docker"), f"dir:{skopeo_signed}",
               "--identity", "busybox-test")
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("field", ["keyData", "keyPaths"])
def test_key_forms(verify, skopeo_signed, signer, other_signer, field):
    key = [other_signer.pub, signer.pub] if field == "keyPaths" else signer.pub
    assert verify(policy_for(gpg_req(key, EXACT, field)), f"dir:{skopeo_signed}").returncode == 0


def test_unsigned_refused(verify, oci_src, signer, tmp_path, session_dir):
    dest = tmp_path / "unsigned"
    run(["skopeo", "--policy", str(session_dir / "policy-any.json"), "copy",
         f"oci:{oci_src}:latest", f"dir:{dest}"])
    r = verify(policy_for(gpg_req(signer.pub, EXACT)), f"dir:{dest}")
    assert r.returncode == 4 and "the image has no signatures" in r.stdout


def test_other_key_refused(verify, skopeo_signed, other_signer):
    r = verify(policy_for(gpg_req(other_signer.pub, EXACT)), f"dir:{skopeo_signed}")
    assert r.returncode == 4 and "No public key" in r.stdout


def test_other_digest_refused(verify, skopeo_signed, signer, tmp_path):
    img = tmp_path / "img"
    shutil.copytree(skopeo_signed, img)
    (img / "manifest.json").write_bytes((img / "manifest.json").read_bytes() + b"\n")
    r = verify(policy_for(gpg_req(signer.pub, EXACT)), f"dir:{img}")
    assert r.returncode == 4 and "signature is for manifest" in r.stdout


def test_other_identity_refused(verify, skopeo_signed, signer):
    other = {"type": "exactReference", "dockerReference": "busybox-test:v2"}
    r = verify(policy_for(gpg_req(signer.pub, other)), f"dir:{skopeo_signed}")
    assert r.returncode == 4
    assert f"signature identity {GPG_IDENTITY} is not accepted for" in r.stdout


@pytest.mark.parametrize("sig,reason", [
    ("image", None),
    ("expired", "Signature expired"),
    ("unknown-key", "No public key"),
    ("corrupt", "Bad signature"),
    ("invalid-blob", "payload: "),
    ("unsigned-literal", "exactly one signature"),
    ("invalid-reference", "repository name must be lowercase"),
])
def test_containers_image_gpg_fixtures(verify, tmp_path, sig, reason):
    img = tmp_path / "img"
    img.mkdir()
    shutil.copy(FIX / "image.manifest.json", img / "manifest.json")
    shutil.copy(FIX / f"{sig}.signature", img / "signature-1")
    pol = policy_for(gpg_req(FIX / "pubring.gpg", {"type": "matchRepository"}),
                     transport="docker")
    r = verify(pol, f"dir:{img}", "--identity", "testing/manifest:latest")
    if reason is None:
        assert r.returncode == 0, r.stdout
    else:
        assert r.returncode == 4 and reason in r.stdout, r.stdout


def test_form_not_recognised(verify, tmp_path, signer):
    img = tmp_path / "img"
    img.mkdir()
    shutil.copy(FIX / "image.manifest.json", img / "manifest.json")
    (img / "signature-1").write_bytes(b"{\"not\": \"a signature\"}")
    (img / "signature-2").write_bytes(b"\x00other-format\n{}")
    r = verify(policy_for(gpg_req(signer.pub), transport="docker"), f"dir:{img}", "--identity",
               "testing/manifest")
    assert r.returncode == 4
    assert "not an OpenPGP message (first byte 0x7b)" in r.stdout
    assert "unrecognised signature format" in r.stdout


def skopeo_accepts(policy_path, image, tmp_path):
    dest = tmp_path / "skopeo-dest"
    shutil.rmtree(dest, ignore_errors=True)
    r = run(["skopeo", "--policy", str(policy_path), "copy", "--remove-signatures", image,
             f"dir:{dest}"], check=False)
    return r.returncode == 0


def test_same_decision_as_skopeo(verify, skopeo_signed, signer, other_signer, tmp_path):
    scope = str(skopeo_signed)
    parent = str(skopeo_signed.parent)
    policies = {
        "exact": policy_for(gpg_req(signer.armored, EXACT)),
        "exact-v2": policy_for(gpg_req(signer.armored, {"type": "exactReference",
                                                        "dockerReference": "busybox-test:v2"})),
        "exact-repo": policy_for(gpg_req(signer.pub, {"type": "exactRepository",
                                                      "dockerRepository": "busybox-test"})),
        "other-key": policy_for(gpg_req(other_signer.pub, EXACT)),
        "both-keys": policy_for(gpg_req([other_signer.pub, signer.pub], EXACT, "keyPaths")),
        "default-identity": policy_for(gpg_req(signer.pub)),
        "reject": {"default": [{"type": "reject"}]},
        "accept": {"default": [{"type": "insecureAcceptAnything"}]},
        "reject-in-specific-scope": {
            "default": [{"type": "insecureAcceptAnything"}],
            "transports": {"dir": {parent: [{"type": "insecureAcceptAnything"}],
                                   scope: [{"type": "reject"}]}}},
        "accept-in-specific-scope": {
            "default": [{"type": "reject"}],
            "transports": {"dir": {parent: [{"type": "reject"}],
                                   scope: [gpg_req(signer.pub, EXACT)]}}},
        "parent-scope": {
            "default": [{"type": "reject"}],
            "transports": {"dir": {parent: [gpg_req(signer.pub, EXACT)],
                                   "": [{"type": "reject"}]}}},
        "all-must-pass": {"default": [gpg_req(signer.pub, EXACT),
                                      gpg_req(other_signer.pub, EXACT)]},
        "signed-base-layer": {"default": [{"type": "signedBaseLayer", "baseLayerIdentity": {
            "type": "exactRepository", "dockerRepository": "busybox-test"}}]},
    }
    expect_accept = {"exact", "exact-repo", "both-keys", "accept", "accept-in-specific-scope",
                     "parent-scope"}
    for name, pol in policies.items():
        ward = verify(pol, f"dir:{skopeo_signed}")
        skopeo = skopeo_accepts(verify.policy(pol), f"dir:{skopeo_signed}", tmp_path)
        assert ward.returncode in (0, 4), (name, ward.stderr)
        assert (ward.returncode == 0) == skopeo, (name, ward.stdout, skopeo)
        assert (ward.returncode == 0) == (name in expect_accept), (name, ward.stdout)
