# SPDX-License-Identifier: Apache-2.0
"""Measure, quote and verify on swtpm; every way of tampering fails with its own message."""
import base64
import json

import pytest

REJECTED = 4


def load(path):
    return json.loads(path.read_text())


def save(path, doc):
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def evidence(ward, swtpm, tmp_path, nonce):
    """Three measured containers and a quote over PCR 23."""
    for cid in ("c1", "c2", "c3"):
        ward.measure(cid)
    out = tmp_path / "evidence.json"
    ward.quote(nonce, out)
    return out


def verify(ward, path, nonce, *extra):
    return ward("verify", str(path), "--nonce", nonce, *extra)


def test_quote_then_verify(ward, swtpm, evidence, nonce):
    doc = load(evidence)
    assert doc["node_class"] == "vtpm" and doc["weak"] is True
    assert doc["nonce"] == nonce
    assert [e["data"]["id"] for e in doc["event_log"]] == ["c1", "c2", "c3"]
    # the PCR the TPM holds is the one quoted, and the one the log replays to
    assert doc["pcrs"]["23"] == swtpm.pcr(23)
    replay = ward("log", "--replay", check=0).stdout
    assert f"pcr 23 (3 events, reset " in replay and doc["pcrs"]["23"] in replay
    r = verify(ward, evidence, nonce)
    assert r.returncode == 0, r.stderr
    assert "verified: yes" in r.stdout
    assert "node class: vtpm (weak)" in r.stdout
    assert "events: 3" in r.stdout
    assert "not authenticated" in r.stdout


def test_verify_with_the_nodes_ak(ward, evidence, nonce, tmp_path):
    node = ward("node", check=0).stdout
    assert "class: vtpm (weak)" in node
    pem = node.split("attestation key:\n", 1)[1].split("-----END PUBLIC KEY-----")[0]
    ak = tmp_path / "ak.pem"
    ak.write_text(pem + "-----END PUBLIC KEY-----\n")
    r = verify(ward, evidence, nonce, "--ak", str(ak))
    assert r.returncode == 0, r.stderr
    assert "attestation key: given" in r.stdout
    # the same AK again: the primary is deterministic
    assert load(evidence)["ak_pem"] == ak.read_text()


def test_other_key_rejected(ward, evidence, nonce, tmp_path):
    import subprocess
    key = tmp_path / "other.pem"
    subprocess.run(f"openssl ecparam -name prime256v1 -genkey -noout | openssl ec -pubout -out {key}",
                   shell=True, check=True, capture_output=True)
    r = verify(ward, evidence, nonce, "--ak", str(key))
    assert r.returncode == REJECTED
    assert "quote signature does not verify" in r.stderr


def test_wrong_nonce(ward, evidence):
    r = verify(ward, evidence, "00" * 32)
    assert r.returncode == REJECTED
    assert r.stderr == ("ward attest: quote nonce does not match "
                        "(quote made for another nonce: replayed?)\n")


def test_changed_pcr_value(ward, evidence, nonce, tmp_path):
    doc = load(evidence)
    doc["pcrs"]["23"] = "ab" * 32
    r = verify(ward, save(tmp_path / "x.json", doc), nonce)
    assert r.returncode == REJECTED
    assert "PCR values do not match the quoted PCR digest" in r.stderr


def flip(b64, offset, mask=0x01):
    raw = bytearray(base64.b64decode(b64))
    raw[offset] ^= mask
    return base64.b64encode(bytes(raw)).decode()


def test_tampered_attest_blob(ward, evidence, nonce, tmp_path):
    doc = load(evidence)
    # the header: no longer TPM_GENERATED_VALUE
    bad = dict(doc, attest=flip(doc["attest"], 0))
    r = verify(ward, save(tmp_path / "a.json", bad), nonce)
    assert r.returncode == REJECTED
    assert "attest: magic is not TPM_GENERATED_VALUE" in r.stderr
    # bytes appended after the structure
    raw = base64.b64decode(doc["attest"]) + b"\0"
    bad = dict(doc, attest=base64.b64encode(raw).decode())
    r = verify(ward, save(tmp_path / "b.json", bad), nonce)
    assert r.returncode == REJECTED
    assert "attest: trailing bytes after the TPMS_ATTEST structure" in r.stderr
    # a content byte (the clock): caught by the signature
    bad = dict(doc, attest=flip(doc["attest"], 80))
    r = verify(ward, save(tmp_path / "c.json", bad), nonce)
    assert r.returncode == REJECTED
    assert "quote signature does not verify" in r.stderr


def test_tampered_signature(ward, evidence, nonce, tmp_path):
    doc = load(evidence)
    sig = base64.b64decode(doc["signature"])
    assert sig[:4] == bytes.fromhex("0018000b")  # ECDSA, SHA-256
    bad = dict(doc, signature=flip(doc["signature"], len(sig) - 1))
    r = verify(ward, save(tmp_path / "s.json", bad), nonce)
    assert r.returncode == REJECTED
    assert "quote signature does not verify with the attestation key" in r.stderr
    bad = dict(doc, signature=base64.b64encode(sig[:-3]).decode())
    r = verify(ward, save(tmp_path / "t.json", bad), nonce)
    assert r.returncode == REJECTED
    assert "signature: not a TPMT_SIGNATURE structure" in r.stderr


def test_truncated_event_log(ward, evidence, nonce, tmp_path):
    doc = load(evidence)
    # the last event dropped: the log no longer replays to the quoted PCR
    r = verify(ward, save(tmp_path / "t.json", dict(doc, event_log=doc["event_log"][:-1])), nonce)
    assert r.returncode == REJECTED
    assert "event log replay does not reproduce PCR 23 (2 events replayed" in r.stderr
    # one from the middle dropped: a gap in seq
    cut = [doc["event_log"][0], doc["event_log"][2]]
    r = verify(ward, save(tmp_path / "m.json", dict(doc, event_log=cut)), nonce)
    assert r.returncode == REJECTED
    assert "entry 2: seq 2 after seq 0: events missing" in r.stderr


def test_reordered_event_log(ward, evidence, nonce, tmp_path):
    doc = load(evidence)
    log = doc["event_log"]
    r = verify(ward, save(tmp_path / "r.json", dict(doc, event_log=[log[1], log[0], log[2]])),
               nonce)
    assert r.returncode == REJECTED
    assert "entry 2: seq 0 after seq 1: events out of order" in r.stderr


def test_altered_event(ward, evidence, nonce, tmp_path):
    doc = load(evidence)
    doc["event_log"][1]["data"]["image_digest"] = "sha256:" + "e" * 64
    r = verify(ward, save(tmp_path / "e.json", doc), nonce)
    assert r.returncode == REJECTED
    assert "entry 2: digest does not match the event (event altered)" in r.stderr


def test_quote_two_pcrs(ward, swtpm, nonce, tmp_path):
    ward.measure("only-23")
    out = tmp_path / "q.json"
    ward.quote(nonce, out, "--pcrs", "16,23")
    doc = load(out)
    assert sorted(doc["pcrs"]) == ["16", "23"] and doc["pcrs"]["16"] == "00" * 32
    assert verify(ward, out, nonce).returncode == 0
    # something outside ward extends PCR 16: the log cannot explain it
    swtpm.tools("tpm2_pcrextend", "16:sha256=" + "11" * 32)
    ward.quote(nonce, out, "--pcrs", "16,23")
    r = verify(ward, out, nonce)
    assert r.returncode == REJECTED
    assert "event log replay does not reproduce PCR 16" in r.stderr


def test_only_events_since_tpm_reset(ward, swtpm, nonce, tmp_path):
    ward.measure("before-reboot")
    swtpm.stop()
    swtpm.start()  # a reboot: PCRs from zero, resetCount + 1
    ward.measure("after-reboot")
    out = tmp_path / "q.json"
    ward.quote(nonce, out)
    doc = load(out)
    assert [e["data"]["id"] for e in doc["event_log"]] == ["after-reboot"]
    assert [e["seq"] for e in doc["event_log"]] == [1]
    assert verify(ward, out, nonce).returncode == 0
    lines = ward("log", check=0).stdout.splitlines()
    assert len(lines) == 2
    # the event from before the reboot slipped into the evidence: rejected
    doc["event_log"].insert(0, json.loads(lines[0]))
    r = verify(ward, save(tmp_path / "old.json", doc), nonce)
    assert r.returncode == REJECTED
    assert "entry 1: measured at TPM reset" in r.stderr


def test_twenty_quotes_do_not_exhaust_object_slots(ward, swtpm, nonce, tmp_path):
    ward.measure("c1")
    for i in range(20):
        out = tmp_path / f"q{i}.json"
        ward.quote(nonce, out)
    assert verify(ward, out, nonce).returncode == 0
    assert swtpm.transient_handles() == []


def test_persistent_ak(ward, swtpm, nonce, tmp_path):
    conf = tmp_path / "ward.conf"
    conf.write_text("tpm.ak_handle = 0x81010002\n")
    ward.measure("c1")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    ward.quote(nonce, a, "--config", str(conf))
    assert "0x81010002" in swtpm.tools("tpm2_getcap", "handles-persistent").stdout
    ward.quote(nonce, b, "--config", str(conf))  # reused, not created again
    assert load(a)["ak_pem"] == load(b)["ak_pem"]
    assert verify(ward, b, nonce).returncode == 0
    assert swtpm.transient_handles() == []
    # the same template as the transient AK: the same key
    ward.quote(nonce, tmp_path / "c.json")
    assert load(tmp_path / "c.json")["ak_pem"] == load(a)["ak_pem"]


def test_persistent_handle_with_other_object(ward, swtpm, nonce, tmp_path):
    swtpm.tools("tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", str(tmp_path / "p.ctx"))
    swtpm.tools("tpm2_evictcontrol", "-C", "o", "-c", str(tmp_path / "p.ctx"), "0x81010003")
    swtpm.tools("tpm2_flushcontext", "-t")
    conf = tmp_path / "ward.conf"
    conf.write_text("tpm.ak_handle = 0x81010003\n")
    r = ward("quote", "--nonce", nonce, "--config", str(conf))
    assert r.returncode == 1
    assert "attestation key at 0x81010003: not a restricted ECC P-256 ECDSA signing key" in r.stderr


def test_tpm_not_started_yet(tmp_path, nonce):
    """A swtpm that has not seen TPM2_Startup: ward sends it."""
    from conftest import Swtpm, Ward
    tpm = Swtpm(tmp_path / "cold", flags="not-need-init").start()
    try:
        ward = Ward(tpm, tmp_path / "events.log")
        ward.measure("c1")
        out = tmp_path / "q.json"
        ward.quote(nonce, out)
        assert verify(ward, out, nonce).returncode == 0
    finally:
        tpm.stop()


def test_concurrent_measurements_keep_the_log_in_step(ward, swtpm, nonce, tmp_path):
    """Six measure processes at once: the lock keeps seq, log and PCR consistent."""
    import subprocess
    from conftest import WARD_ATTEST
    procs = [subprocess.Popen([str(WARD_ATTEST), "measure", "--tcti", swtpm.tcti, "--log",
                               str(ward.log), "--type", "container", "--data",
                               f'{{"id":"p{i}"}}'], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for i in range(6)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    events = [json.loads(l) for l in ward("log", check=0).stdout.splitlines()]
    assert [e["seq"] for e in events] == list(range(6))
    assert sorted(e["data"]["id"] for e in events) == [f"p{i}" for i in range(6)]
    assert swtpm.pcr(23) in ward("log", "--replay", check=0).stdout
    out = tmp_path / "q.json"
    ward.quote(nonce, out)
    assert verify(ward, out, nonce).returncode == 0
