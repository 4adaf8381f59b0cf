# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the attest/ suite: a private swtpm per test, and the ward-attest helper.

Each test gets its own swtpm on a free loopback port pair (data P, control P+1), with its own
state directory, stopped by pid at the end. There is no skip for a missing /dev/tpm0: swtpm is
the TPM here. WARD_BUILD_DIR locates ward-attest (lib.common; default: the repository root).
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lib.common import built  # noqa: E402
from swtpm import Swtpm, free_port_pair  # noqa: E402,F401  (tests import free_port_pair here)

WARD_ATTEST = Path(built("ward-attest"))


class Ward:
    """Runs ward-attest with a default --tcti and --log."""

    def __init__(self, tpm: Swtpm, log: Path):
        self.tpm = tpm
        self.log = log

    def __call__(self, *args, tcti=True, log=True, check=None):
        cmd = [str(WARD_ATTEST), *args]
        if tcti and self.tpm is not None:
            cmd += ["--tcti", self.tpm.tcti]
        if log:
            cmd += ["--log", str(self.log)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if check is not None:
            assert r.returncode == check, (cmd, r.returncode, r.stdout, r.stderr)
        return r

    def measure(self, cid, config="sha256:" + "c" * 64, image="sha256:" + "d" * 64):
        data = f'{{"id":"{cid}","config_digest":"{config}","image_digest":"{image}"}}'
        return self("measure", "--type", "container", "--data", data, check=0)

    def quote(self, nonce, out, *extra):
        return self("quote", "--nonce", nonce, "--out", str(out), *extra, check=0)


@pytest.fixture(scope="session", autouse=True)
def _binary():
    if not WARD_ATTEST.is_file():
        pytest.fail(f"{WARD_ATTEST} not built (set WARD_BUILD_DIR to the build directory)")
    for tool in ("swtpm", "tpm2_quote", "tpm2_checkquote"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is required (apt-get install swtpm tpm2-tools)")


@pytest.fixture
def swtpm(tmp_path):
    t = Swtpm(tmp_path / "swtpm").start()
    yield t
    t.stop()


@pytest.fixture
def ward(swtpm, tmp_path):
    return Ward(swtpm, tmp_path / "attest" / "events.log")


@pytest.fixture
def nonce():
    return os.urandom(32).hex()
