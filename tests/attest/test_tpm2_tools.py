# SPDX-License-Identifier: Apache-2.0
"""Cross-checks with a verifier and a quoter nobody here wrote: tpm2-tools."""
import base64
import json

REJECTED = 4


def ward_quote_files(ward, tmp_path, nonce):
    ward.measure("c1")
    ward.measure("c2")
    ev = tmp_path / "evidence.json"
    ward.quote(nonce, ev, "--pcrs", "16,23")
    doc = json.loads(ev.read_text())
    (tmp_path / "q.msg").write_bytes(base64.b64decode(doc["attest"]))
    (tmp_path / "q.sig").write_bytes(base64.b64decode(doc["signature"]))
    (tmp_path / "ak.pem").write_text(doc["ak_pem"])
    (tmp_path / "q.pcrs").write_bytes(bytes.fromhex(doc["pcrs"]["16"] + doc["pcrs"]["23"]))
    return doc


def checkquote(swtpm, tmp_path, nonce):
    return swtpm.tools("tpm2_checkquote", "-u", str(tmp_path / "ak.pem"),
                       "-m", str(tmp_path / "q.msg"), "-s", str(tmp_path / "q.sig"),
                       "-f", str(tmp_path / "q.pcrs"), "-F", "values", "-g", "sha256",
                       "-q", nonce, "-l", "sha256:16,23", check=False)


def test_tpm2_checkquote_accepts_wards_quote(ward, swtpm, tmp_path, nonce):
    doc = ward_quote_files(ward, tmp_path, nonce)
    r = checkquote(swtpm, tmp_path, nonce)
    assert r.returncode == 0, r.stderr
    assert doc["pcrs"]["23"].upper() in r.stdout
    # control: the same tool rejects it for another nonce
    r = checkquote(swtpm, tmp_path, "11" * 32)
    assert r.returncode != 0
    assert "Error validating nonce" in r.stderr


def tools_quote(swtpm, tmp_path, nonce):
    """EK + AK + quote made entirely by tpm2-tools."""
    ctx = lambda n: str(tmp_path / n)
    swtpm.tools("tpm2_createek", "-c", ctx("ek.ctx"), "-G", "ecc", "-u", ctx("ek.pub"))
    swtpm.tools("tpm2_createak", "-C", ctx("ek.ctx"), "-c", ctx("ak.ctx"), "-G", "ecc",
                "-g", "sha256", "-s", "ecdsa", "-u", ctx("tak.pem"), "-f", "pem",
                "-n", ctx("ak.name"))
    swtpm.tools("tpm2_flushcontext", "-t")
    swtpm.tools("tpm2_quote", "-c", ctx("ak.ctx"), "-l", "sha256:23", "-q", nonce,
                "-m", ctx("t.msg"), "-s", ctx("t.sig"), "-o", ctx("t.pcrs"), "-F", "values",
                "-g", "sha256")
    swtpm.tools("tpm2_flushcontext", "-t")


def test_ward_verifies_a_tpm2_tools_quote(ward, swtpm, tmp_path, nonce):
    ward.measure("c1")
    ward.measure("c2")
    tools_quote(swtpm, tmp_path, nonce)
    events = [json.loads(l) for l in ward("log", check=0).stdout.splitlines()]
    doc = {
        "version": 1,
        "pcrs": {"23": (tmp_path / "t.pcrs").read_bytes().hex()},
        "attest": base64.b64encode((tmp_path / "t.msg").read_bytes()).decode(),
        "signature": base64.b64encode((tmp_path / "t.sig").read_bytes()).decode(),
        "event_log": events,
    }
    ev = tmp_path / "tools.json"
    ev.write_text(json.dumps(doc))
    r = ward("verify", str(ev), "--nonce", nonce, "--ak", str(tmp_path / "tak.pem"))
    assert r.returncode == 0, r.stderr
    assert "events: 2" in r.stdout and "attestation key: given" in r.stdout
    # controls: wrong nonce, and ward's own AK instead of tpm2-tools' one
    r = ward("verify", str(ev), "--nonce", "22" * 32, "--ak", str(tmp_path / "tak.pem"))
    assert r.returncode == REJECTED and "nonce does not match" in r.stderr
    node = ward("node", check=0).stdout
    pem = node.split("attestation key:\n", 1)[1].split("endorsement key:")[0]
    (tmp_path / "ward-ak.pem").write_text(pem)
    r = ward("verify", str(ev), "--nonce", nonce, "--ak", str(tmp_path / "ward-ak.pem"))
    assert r.returncode == REJECTED and "signature does not verify" in r.stderr


def test_ek_matches_tpm2_createek(ward, swtpm, tmp_path):
    swtpm.tools("tpm2_createek", "-c", str(tmp_path / "ek.ctx"), "-G", "ecc",
                "-u", str(tmp_path / "ek.pem"), "-f", "pem")
    swtpm.tools("tpm2_flushcontext", "-t")
    node = ward("node", check=0).stdout
    ek = node.split("endorsement key:\n", 1)[1]
    assert ek.strip() == (tmp_path / "ek.pem").read_text().strip()
