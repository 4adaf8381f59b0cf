# SPDX-License-Identifier: Apache-2.0
"""Bad TCTI strings, an unreachable or full TPM, a corrupt log: clear errors, nothing written."""
import subprocess

import pytest

from conftest import WARD_ATTEST, Ward, free_port_pair

USAGE, NO_TPM = 2, 3


def run(*args):
    return subprocess.run([str(WARD_ATTEST), *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("tcti,why", [
    ("mssim:host=127.0.0.1", "unsupported"),
    ("tabrmd", "unsupported"),
    ("", "empty string"),
    ("device:dev/tpm0", "device: needs an absolute path"),
    ("swtpm:port=65535", "bad value for port"),
    ("swtpm:port=12ab", "bad value for port"),
    ("swtpm:host=a b", "bad value for host"),
    ("swtpm:colour=blue", "unknown swtpm option \"colour\""),
    ("swtpm:port=2321,port=2323", "port given twice"),
    ("swtpm:path=/x.sock,port=2321", "path excludes host and port"),
    ("swtpm:host", "expected key=value"),
])
def test_bad_tcti(tmp_path, tcti, why, nonce):
    log, out = tmp_path / "events.log", tmp_path / "q.json"
    for args in (["measure", "--type", "container", "--data", '{"id":"x"}'],
                 ["quote", "--nonce", nonce, "--out", str(out)], ["node"]):
        r = run(*args, "--tcti", tcti, "--log", str(log))
        assert r.returncode == USAGE, r
        assert r.stderr.startswith("ward attest: TCTI") and why in r.stderr, r.stderr
    assert not log.exists() and not out.exists()


def test_unreachable_swtpm(tmp_path, nonce):
    port = free_port_pair()  # nothing listens there
    tcti = f"swtpm:host=127.0.0.1,port={port}"
    log, out = tmp_path / "events.log", tmp_path / "q.json"
    r = run("measure", "--type", "container", "--data", '{"id":"x"}', "--tcti", tcti,
            "--log", str(log))
    assert r.returncode == NO_TPM
    assert r.stderr.startswith(f'ward attest: TPM at "{tcti}": connect: ')
    assert "cannot reach the TPM" in r.stderr
    r = run("quote", "--nonce", nonce, "--out", str(out), "--tcti", tcti, "--log", str(log))
    assert r.returncode == NO_TPM and "cannot reach the TPM" in r.stderr
    assert not log.exists() and not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_no_tpm(tmp_path, nonce):
    log = tmp_path / "events.log"
    r = run("quote", "--nonce", nonce, "--tcti", "none", "--log", str(log))
    assert r.returncode == NO_TPM and r.stderr == 'ward attest: no TPM (TCTI is "none")\n'
    r = run("quote", "--nonce", nonce, "--tcti", "device:/dev/ward-no-such-tpm")
    assert r.returncode == NO_TPM
    assert "TPM device /dev/ward-no-such-tpm: No such file or directory" in r.stderr
    r = run("node", "--tcti", "none")
    assert r.returncode == 0 and r.stdout.startswith("class: none (weak)\ntcti: none\n")
    assert not log.exists()


def test_full_object_table(ward, swtpm, tmp_path, nonce):
    ward.measure("c1")
    # three transient objects left behind by someone else: the table is full
    for i in range(3):
        swtpm.tools("tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", str(tmp_path / f"{i}.ctx"))
    assert len(swtpm.transient_handles()) == 3
    out = tmp_path / "q.json"
    before = ward.log.read_bytes()
    r = ward("quote", "--nonce", nonce, "--out", str(out))
    assert r.returncode == 1
    assert "attestation key: TPM2_CreatePrimary" in r.stderr
    assert "TPM object memory full" in r.stderr and "tpm2_flushcontext -t" in r.stderr
    assert not out.exists() and ward.log.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("q.json")]
    swtpm.tools("tpm2_flushcontext", "-t")
    ward.quote(nonce, out)
    assert ward("verify", str(out), "--nonce", nonce).returncode == 0


def drop_line(text, n):
    lines = text.split(b"\n")
    return b"\n".join(lines[:n] + lines[n + 1:])


def swap_first_lines(text):
    lines = text.split(b"\n")
    return b"\n".join([lines[1], lines[0]] + lines[2:])


@pytest.mark.parametrize("damage,message", [
    (lambda t: t.replace(b"\n", b"\n{not json\n", 1), ":2: not valid JSON"),
    (lambda t: t[:-10], ":3: incomplete line (no newline): log truncated"),
    (lambda t: t.replace(b'"id":"c2"', b'"id":"cX"'), ":2: digest does not match the event"),
    (lambda t: drop_line(t, 1), "line 2: seq 2 after seq 0: events missing"),
    (swap_first_lines, "line 2: seq 0 after seq 1: events out of order"),
    (lambda t: t.replace(b'"pcr":23', b'"pcr":99', 1), ":1: pcr: must be an integer from 0 to 23"),
])
def test_corrupt_event_log(ward, swtpm, tmp_path, nonce, damage, message):
    for cid in ("c1", "c2", "c3"):
        ward.measure(cid)
    ward.log.write_bytes(damage(ward.log.read_bytes()))
    before, pcr = ward.log.read_bytes(), swtpm.pcr(23)
    r = ward("measure", "--type", "container", "--data", '{"id":"c3"}')
    assert r.returncode == 1 and message in r.stderr, r.stderr
    assert r.stderr.startswith(f"ward attest: {ward.log}")
    assert ward.log.read_bytes() == before and swtpm.pcr(23) == pcr  # nothing extended or written
    out = tmp_path / "q.json"
    r = ward("quote", "--nonce", nonce, "--out", str(out))
    assert r.returncode == 1 and message in r.stderr
    assert not out.exists()
    r = ward("log")
    assert r.returncode == 1 and message in r.stderr and r.stdout == ""


@pytest.mark.parametrize("args,message", [
    (["--type", "Container", "--data", '{"id":"x"}'], 'event type "Container": must be'),
    (["--type", "container", "--data", '["x"]'], "event data: must be a JSON object"),
    (["--type", "container", "--data", '{"id":1}'], "event data.id: must be a string"),
    (["--type", "container", "--data", '{"id":"a","id":"b"}'], 'duplicate key "id"'),
    # RFC 8259 strings only: a \u0000 would have measured "a", invalid UTF-8 another reading
    (["--type", "container", "--data", '{"id":"a\\u0000b"}'], "id: contains a NUL character"),
    (["--type", "container", "--data", b'{"id":"\xc0\x80"}'], "id: is not valid UTF-8"),
    (["--type", "container", "--data", '{"id":"\\ud800x"}'], "id: contains an unpaired UTF-16"),
    (["--type", "container", "--data", '{"ID":"x"}'], 'key "ID": must be'),
    (["--type", "container", "--data", '{"id":"a\\u0007"}'], "no control characters"),
    (["--type", "container", "--data", "{"], "event data: not JSON"),
    (["--type", "container"], "--type TYPE and --data JSON are required"),
])
def test_bad_measure_input(ward, swtpm, args, message):
    r = ward("measure", *args)
    assert r.returncode == USAGE and message in r.stderr, r.stderr
    assert not ward.log.exists() and swtpm.pcr(23) == "00" * 32


@pytest.mark.parametrize("args,message", [
    (["quote"], "quote: --nonce HEX is required"),
    (["quote", "--nonce", "xyz"], "--nonce: not a hex string"),
    (["quote", "--nonce", "0011"], "--nonce: must be 8 to 64 bytes, got 2"),
    (["quote", "--nonce", "00" * 32, "--pcrs", "24"], "PCR numbers are 0-23"),
    (["quote", "--nonce", "00" * 32, "--pcrs", "1,,2"], "expected numbers 0-23"),
    (["verify", "--nonce", "00" * 32], "verify: the evidence FILE is required"),
    (["node", "--nonce", "00" * 32], "node: does not take --nonce"),
    (["quote", "--nonce", "00" * 32, "--nonce", "11" * 32], "--nonce given twice"),
    (["frobnicate"], 'unknown command "frobnicate"'),
    (["node", "--config", "/nonexistent/ward.conf"], "/nonexistent/ward.conf"),
])
def test_usage_errors(args, message):
    r = run(*args, "--tcti", "none")
    assert r.returncode == USAGE and message in r.stderr, r.stderr
    assert r.stderr.startswith("ward attest: ")


def test_config_file(swtpm, tmp_path, nonce):
    log = tmp_path / "conf-log" / "events.log"
    conf = tmp_path / "ward.conf"
    conf.write_text(f"tpm.tcti = {swtpm.tcti}\ntpm.pcr = 16\nattest.event_log = {log}\n")
    r = run("measure", "--config", str(conf), "--type", "container", "--data", '{"id":"x"}')
    assert r.returncode == 0, r.stderr
    assert '"pcr":16' in r.stdout and log.exists()
    assert swtpm.pcr(16) != "00" * 32 and swtpm.pcr(23) == "00" * 32
    out = tmp_path / "q.json"
    assert run("quote", "--config", str(conf), "--nonce", nonce, "--out", str(out)).returncode == 0
    assert run("verify", str(out), "--config", str(conf), "--nonce", nonce).returncode == 0
    # --tcti overrides ward.conf
    r = run("quote", "--config", str(conf), "--nonce", nonce, "--tcti", "none")
    assert r.returncode == NO_TPM
    conf.write_text("tpm.tcti = bogus\n")
    r = run("node", "--config", str(conf))
    assert r.returncode == USAGE and "tpm.tcti: must be none, device:PATH or swtpm" in r.stderr


def test_help_and_argv0():
    r = run("--help")
    assert r.returncode == 0 and "quote --nonce HEX" in r.stdout
    r = subprocess.run(["ward attest", "bogus"], executable=str(WARD_ATTEST), capture_output=True,
                       text=True)
    assert r.returncode == USAGE and "(see ward attest --help)" in r.stderr


def test_log_must_be_a_regular_file(ward, swtpm, tmp_path):
    ward.measure("c1")
    real = ward.log.with_name("real.log")
    ward.log.rename(real)
    ward.log.symlink_to(real)
    r = ward("measure", "--type", "container", "--data", '{"id":"c2"}')
    assert r.returncode == 1 and f"event log {ward.log}:" in r.stderr, r.stderr
    # checked before the PCR is touched: the real log still replays to the PCR
    assert len(real.read_text().splitlines()) == 1
    replay = ward("log", "--replay", "--log", str(real), log=False, check=0).stdout
    assert swtpm.pcr(23) in replay


def test_extend_refused_writes_nothing(ward, swtpm, tmp_path):
    """PCR 17 cannot be extended from locality 0: the TPM says no, and no log appears."""
    conf = tmp_path / "ward.conf"
    conf.write_text("tpm.pcr = 17\n")
    r = ward("measure", "--config", str(conf), "--type", "container", "--data", '{"id":"c1"}')
    assert r.returncode == 1
    assert r.stderr.startswith("ward attest: PCR 17: TPM2_PCR_Extend: ")
    assert not ward.log.exists()
    assert swtpm.pcr(17) == "ff" * 32  # untouched (PCRs 17-22 start as all ones)
