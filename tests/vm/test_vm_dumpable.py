# SPDX-License-Identifier: Apache-2.0
"""CVE-2019-5736's door with fs.suid_dumpable=1: the kernel makes a process dumpable again (and
clears its parent-death signal) when its effective uid changes; ward sets both again after every
change of ids, so an init that became uid 1000 and waits on exec.fifo stays non-dumpable (its
/proc/PID/status belongs to root, not to uid 1000). One boot: guest/dumpable.py."""
import os

import pytest

from vmtest import GUEST, REPO, explain, facts, vm_run


@pytest.fixture(scope="module", name="guest")
def fixture_guest():
    ward = os.environ.get("WARD_RUNTIME") or str(REPO / "ward")
    unit = REPO / "tests" / "unit" / "test_process_setup"
    if not os.access(unit, os.X_OK):
        pytest.fail(f"{unit} is not built: make check (or make {unit.relative_to(REPO)})")
    res = vm_run("/usr/bin/python3", "-u", GUEST / "dumpable.py", ward, unit, timeout=480)
    return res, facts(res.stdout)


def test_guest_has_suid_dumpable_1(guest):
    res, f = guest
    assert res.returncode == 0 and f.get("suid_dumpable") == "1", explain(res)


def test_id_changes_keep_guards(guest):
    """The unit test (proc_setresid, proc_set_user) under fs.suid_dumpable=1."""
    res, f = guest
    assert f.get("unit_status") == "0", explain(res)
    assert "not ok" not in res.stdout, explain(res)


def test_init_after_setuid_not_dumpable(guest):
    """Control: the init did become uid 1000 (so the kernel did reset dumpable); ward made it
    non-dumpable again, so /proc/PID/status is root's."""
    res, f = guest
    assert f.get("create_status", "").startswith("0"), explain(res)
    assert f.get("init_euid") == "1000", explain(res)
    assert f.get("init_proc_owner") == "0", explain(res)
