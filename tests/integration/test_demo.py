# SPDX-License-Identifier: Apache-2.0
"""The README's first command ends in demo/run-demo: it must run, explain, and pass (ward only)."""

import os
import subprocess

import pytest

from lib.common import ward_binary

pytestmark = pytest.mark.ward_only

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _demo(*args):
    env = dict(os.environ, WARD=ward_binary())
    return subprocess.run([os.path.join(REPO, "demo", "run-demo"), *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_demo_explains_and_passes():
    r = _demo("--no-runc")
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    # what the config asked for, what ward enforced, each attempt and its layer, one verdict
    assert "CAP_SYS_ADMIN" in out and "no_new_privs: off" in out
    assert "seccomp baseline:" in out and "no_new_privs: on" in out
    assert out.count("ward: stopped by the seccomp baseline") == 2
    assert "ward: stopped by Landlock" in out
    assert "ward: stopped by no_new_privs" in out
    assert "ALLOWED" not in out
    assert "\033[" not in out          # plain text when not a terminal
    assert out.rstrip().endswith("demo: OK")


def test_demo_leaves_nothing_behind():
    before = {d for d in os.listdir("/tmp") if d.startswith("ward-demo.")}
    assert _demo("--no-runc").returncode == 0
    after = {d for d in os.listdir("/tmp") if d.startswith("ward-demo.")}
    assert after <= before
