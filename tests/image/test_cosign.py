# SPDX-License-Identifier: Apache-2.0
"""cosign key signatures: the cosign-made fixtures, and openssl-made .sig manifests in a layout."""
import json
import shutil

import pytest

from conftest import (COSIGN_REPO, FIX, cosign_sign_layout, image_manifest_digest,
                      make_key, make_oci_image, policy_for, sigstore_req)

MATCH_REPO = {"type": "matchRepository"}
EXACT_REPO = {"type": "exactRepository", "dockerRepository": COSIGN_REPO}


@pytest.mark.parametrize("name", ["valid", "valid-2", "mixed"])
def test_cosign_fixture_accepted_with_identity(verify, name):
    pol = policy_for(sigstore_req(identity=MATCH_REPO), transport="docker")
    r = verify(pol, f"dir:{FIX}/dir-img-cosign-{name}", "--identity", COSIGN_REPO + ":latest",
               json_out=True)
    assert r.returncode == 0, r.stdout + r.stderr
    d = r.decision
    assert d["decision"] == "accepted" and d["transport"] == "docker" and d["scope"] == ""
    assert d["requirements"][0]["passed"] and "cosign.pub" in d["requirements"][0]["detail"]


def test_cosign_mixed_lists_the_failing_signature(verify):
    pol = policy_for(sigstore_req(identity=EXACT_REPO))
    r = verify(pol, f"dir:{FIX}/dir-img-cosign-mixed", json_out=True)
    assert r.returncode == 0
    sigs = r.decision["requirements"][0]["signatures"]
    assert [s["accepted"] for s in sigs] == [False, True]
    assert "does not verify" in sigs[0]["reason"]


def test_cosign_valid_without_identity_needs_exact_repository(verify):
    """A dir: image has no Docker identity: matchRepository cannot pass, exactRepository can."""
    img = f"dir:{FIX}/dir-img-cosign-valid"
    assert verify(policy_for(sigstore_req(identity=EXACT_REPO)), img).returncode == 0
    r = verify(policy_for(sigstore_req(identity=MATCH_REPO)), img)
    assert r.returncode == 4 and "needs the image's Docker reference" in r.stdout


def test_cosign_valid_with_tag_needs_its_own_identity(verify):
    """Made by containers/image: identity skopeo-signed:tag, checked with the default rule."""
    pol = policy_for(sigstore_req(), transport="docker")
    img = f"dir:{FIX}/dir-img-cosign-valid-with-tag"
    assert verify(pol, img, "--identity", "192.168.64.2:5000/skopeo-signed:tag").returncode == 0
    r = verify(pol, img, "--identity", "192.168.64.2:5000/skopeo-signed:other")
    assert r.returncode == 4 and "is not accepted for" in r.stdout


@pytest.mark.parametrize("name,reason", [
    ("modified-manifest", "signature is for manifest sha256:634a8f35"),
    ("manifest-digest-error", "schema 1 manifests are not supported"),
    ("other-attachment", 'payload media type "text/plain"'),
])
def test_cosign_fixture_refused(verify, name, reason):
    pol = policy_for(sigstore_req(identity=EXACT_REPO))
    r = verify(pol, f"dir:{FIX}/dir-img-cosign-{name}")
    assert r.returncode == 4 and "REFUSED" in r.stdout, r.stdout + r.stderr
    assert reason in r.stdout


def test_cosign_unknown_key_refused(verify, tmp_path):
    img = tmp_path / "img"
    img.mkdir()
    shutil.copy(FIX / "dir-img-cosign-valid/manifest.json", img / "manifest.json")
    shutil.copy(FIX / "unknown-cosign-key.signature", img / "signature-1")
    r = verify(policy_for(sigstore_req(identity=EXACT_REPO)), f"dir:{img}")
    assert r.returncode == 4 and "cryptographic signature does not verify" in r.stdout
    # control: the same manifest with the known key's signature is accepted
    shutil.copy(FIX / "dir-img-cosign-valid/signature-1", img / "signature-2")
    assert verify(policy_for(sigstore_req(identity=EXACT_REPO)), f"dir:{img}").returncode == 0


def test_cosign_key_data(verify):
    req = sigstore_req(identity=EXACT_REPO, key_data=(FIX / "cosign.pub").read_bytes())
    assert verify(policy_for(req), f"dir:{FIX}/dir-img-cosign-valid").returncode == 0


@pytest.fixture
def layout(tmp_path):
    return make_oci_image(tmp_path / "oci", {"a.txt": b"a\n"})


@pytest.mark.parametrize("kind", ["ec", "rsa", "ed25519"])
def test_openssl_sig_manifest_in_oci_layout(verify, layout, tmp_path, kind):
    priv, pub = make_key(tmp_path, kind)
    cosign_sign_layout(layout, priv, kind, "127.0.0.1:5000/test/busybox")
    pol = policy_for(sigstore_req(key=pub, identity={"type": "matchRepository"}),
                     transport="docker")
    r = verify(pol, f"oci:{layout}:latest", "--identity", "127.0.0.1:5000/test/busybox:latest",
               json_out=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.decision["manifestDigest"] == image_manifest_digest(layout)
    assert r.decision["requirements"][0]["signatures"][0]["source"].endswith(".sig layer 0")
    # the same layout without a tag: the one image that is not a signature
    assert verify(pol, f"oci:{layout}", "--identity",
                  "127.0.0.1:5000/test/busybox:latest").returncode == 0


def test_oci_layout_refusals(verify, layout, tmp_path):
    priv, pub = make_key(tmp_path, "ec")
    other_priv, _ = make_key(tmp_path, "rsa")
    pol = policy_for(sigstore_req(key=pub, identity={"type": "exactRepository",
                                                     "dockerRepository": "example.com/app"}),
                     transport="oci")
    img = f"oci:{layout}:latest"
    r = verify(pol, img)
    assert r.returncode == 4 and "the image has no signatures" in r.stdout
    cosign_sign_layout(layout, priv, "ec", "example.com/app",
                       digest="sha256:" + "0" * 64)
    r = verify(pol, img)
    assert r.returncode == 4 and "signature is for manifest sha256:000" in r.stdout
    cosign_sign_layout(layout, other_priv, "rsa", "example.com/app")
    r = verify(pol, img)
    assert r.returncode == 4 and "does not verify" in r.stdout
    cosign_sign_layout(layout, priv, "ec", "example.com/other")
    r = verify(pol, img)
    assert r.returncode == 4 and "signature identity example.com/other is not accepted" in r.stdout
    cosign_sign_layout(layout, priv, "ec", "example.com/app")
    r = verify(pol, img, json_out=True)
    assert r.returncode == 0, r.stdout
    reasons = [s.get("reason") for s in r.decision["requirements"][0]["signatures"]]
    assert len(reasons) == 4 and reasons[-1] is None and all(reasons[:-1])


def test_oci_tampered_signature_payload_fails(verify, layout, tmp_path):
    priv, pub = make_key(tmp_path, "ec")
    tag = cosign_sign_layout(layout, priv, "ec", "example.com/app")
    index = json.loads((layout / "index.json").read_text())
    sigm = [m for m in index["manifests"]
            if m["annotations"]["org.opencontainers.image.ref.name"] == tag][0]
    man = json.loads((layout / "blobs/sha256" / sigm["digest"][7:]).read_text())
    blob = layout / "blobs/sha256" / man["layers"][0]["digest"][7:]
    blob.write_bytes(blob.read_bytes().replace(b"example.com/app", b"example.com/apq"))
    pol = policy_for(sigstore_req(key=pub, identity={"type": "exactRepository",
                                                     "dockerRepository": "example.com/app"}),
                     transport="oci")
    r = verify(pol, f"oci:{layout}:latest")
    assert r.returncode == 1 and "content digest is" in r.stderr
