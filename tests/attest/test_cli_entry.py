# SPDX-License-Identifier: Apache-2.0
"""`ward attest ...` (the runtime's CLI) reaches the ward-attest helper: same results, its name."""
import json
import subprocess

from conftest import WARD_ATTEST

WARD = WARD_ATTEST.parent / "ward"


def test_ward_attest_quote_and_verify_through_ward(swtpm, tmp_path, nonce):
    log = tmp_path / "events.log"
    base = ["--tcti", swtpm.tcti, "--log", str(log)]
    r = subprocess.run([str(WARD), "attest", "measure", "--type", "container", "--data",
                        '{"id":"c1","config_digest":"sha256:' + "a" * 64 + '"}', *base],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "evidence.json"
    r = subprocess.run([str(WARD), "attest", "quote", "--nonce", nonce, "--out", str(out), *base],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["node_class"] == "vtpm"
    r = subprocess.run([str(WARD), "attest", "verify", str(out), "--nonce", nonce],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(WARD), "attest", "verify", str(out), "--nonce", "00" * 32],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 4 and "ward attest: " in r.stderr, (r.returncode, r.stderr)
