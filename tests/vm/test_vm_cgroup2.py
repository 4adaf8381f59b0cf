# SPDX-License-Identifier: Apache-2.0
"""cgroup v2 in the VM: tests/vm/run --cgroup v2 mounts a pure cgroup2 hierarchy."""
import pytest

from vmtest import GUEST, explain, facts, vm_run

CONTROLLERS = {"cpuset", "cpu", "io", "memory", "hugetlb", "pids"}


@pytest.fixture(scope="module", name="cg")
def fixture_cg():
    res = vm_run("sh", GUEST / "cgroup2.sh", options=["--cgroup", "v2"], timeout=240)
    return res, facts(res.stdout)


def test_script_completes(cg):
    res, _ = cg
    assert res.returncode == 0, explain(res)


def test_pure_cgroup2_at_sys_fs_cgroup(cg):
    res, f = cg
    assert f.get("fstype") == "cgroup2fs", explain(res)
    assert f.get("mounts") == "cgroup2", explain(res)  # no v1 hierarchy anywhere


def test_all_controllers_enabled_for_children(cg):
    res, f = cg
    available = set(f.get("controllers", "").split())
    assert CONTROLLERS <= available, explain(res)
    assert set(f.get("subtree_control", "").split()) == available, explain(res)
    assert set(f.get("child controllers", "").split()) == available, explain(res)


def test_child_limits_are_written(cg):
    res, f = cg
    assert f.get("memory.max") == str(64 << 20), explain(res)
    assert f.get("pids.max") == "5", explain(res)
    assert f.get("cpu.max") == "50000 100000", explain(res)
    assert f.get("cpuset.cpus.effective") == "0", explain(res)


def test_process_moves_into_child(cg):
    res, f = cg
    assert f.get("moved") == "0::/ward-smoke", explain(res)
    assert f.get("procs after exit") == "0", explain(res)


def test_pids_max_refuses_forks(cg):
    res, f = cg
    name, _, count = f.get("pids.events", "").partition(" ")
    assert name == "max" and int(count) >= 1, explain(res)


def test_memory_max_oom_kills(cg):
    res, f = cg
    assert f.get("oom status") == "137", explain(res)  # SIGKILL
    assert int(f.get("oom_kill", "0")) >= 1, explain(res)


def test_child_is_removed(cg):
    res, f = cg
    assert f.get("rmdir") == "gone", explain(res)
