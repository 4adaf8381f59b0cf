# SPDX-License-Identifier: Apache-2.0
"""cgroup v1 resources (this host): limits written, seen inside, enforced, removed on delete."""

import os

import pytest

from lib import hostcheck
from lib.common import wait_pid_gone

pytestmark = pytest.mark.skipif(not os.path.isdir("/sys/fs/cgroup/memory"),
                                reason="these tests are for a cgroup v1 host (tests/vm has v2)")

MEM_LIMIT = 64 * 1024 * 1024


def _read(controller, cgpath, name):
    with open(hostcheck.cgroup_file(controller, cgpath, name)) as f:
        return f.read().strip()


def _resourced_bundle(ctx, script="sleep 60"):
    b = ctx.bundle(script=script)
    b.linux["resources"].update({
        "memory": {"limit": MEM_LIMIT},
        "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"},
        "pids": {"limit": 77},
    })
    return b


def test_resources_written_to_host_cgroup(ctx):
    b = _resourced_bundle(ctx)
    cid = ctx.new_id()
    ctx.create(cid, b)
    cg = ctx.cgroups_path(cid)
    assert int(_read("memory", cg, "memory.limit_in_bytes")) == MEM_LIMIT
    assert _read("cpu", cg, "cpu.shares") == "512"
    assert _read("cpu", cg, "cpu.cfs_quota_us") == "50000"
    assert _read("cpu", cg, "cpu.cfs_period_us") == "100000"
    assert _read("cpuset", cg, "cpuset.cpus") == "0"
    assert _read("pids", cg, "pids.max") == "77"
    pid = ctx.rt.state(cid)["pid"]
    for controller in ("memory", "cpu", "pids", "devices", "freezer"):
        procs = _read(controller, cg, "cgroup.procs").split()
        assert str(pid) in procs, (controller, procs)


def test_resources_seen_inside(ctx):
    b = _resourced_bundle(ctx, script=(
        "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares "
        "/sys/fs/cgroup/pids/pids.max"))
    b.add_namespace("cgroup")
    assert ctx.run_ok(b).split() == [str(MEM_LIMIT), "512", "77"]


def test_pids_limit_enforced(ctx):
    b = ctx.bundle(script="for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; echo started; "
                          "kill $(jobs -p) 2>/dev/null; wait")
    b.linux["resources"]["pids"] = {"limit": 4}
    res = ctx.run(ctx.new_id(), b)
    assert "can't fork" in res.err or "Resource temporarily unavailable" in res.err, res


def test_cgroup_removed_on_delete(ctx):
    b = _resourced_bundle(ctx)
    cid = ctx.new_id()
    ctx.create(cid, b)
    ctx.rt.start(cid)
    cg = ctx.cgroups_path(cid)
    assert len(hostcheck.cgroup_dirs(cg)) >= 5
    pid = ctx.rt.state(cid)["pid"]
    ctx.rt.delete(cid, force=True)
    assert wait_pid_gone(pid)
    assert hostcheck.cgroup_dirs(cg) == []


def test_cgroup_removed_after_run(ctx):
    b = _resourced_bundle(ctx, script="true")
    cid = ctx.new_id()
    ctx.run_ok(b, cid=cid)
    assert hostcheck.cgroup_dirs(ctx.cgroups_path(cid)) == []


def test_nested_absolute_cgroups_path(ctx):
    b = ctx.bundle(script="cat /proc/self/cgroup")
    cid = ctx.new_id()
    cg = f"/{cid}-parent/{cid}"
    b.linux["cgroupsPath"] = cg
    ctx.cgroups.append(cg)
    try:
        lines = ctx.run_ok(b, cid=cid).splitlines()
        mem = [line for line in lines if ":memory:" in line]
        assert mem and mem[0].endswith(cg), lines
        assert hostcheck.cgroup_dirs(cg) == []
    finally:
        hostcheck.remove_cgroup_tree(f"/{cid}-parent")


def test_relative_cgroups_path(ctx):
    """A relative cgroupsPath lands below the runtime's own cgroup; it is removed on delete."""
    b = ctx.bundle(script="cat /proc/self/cgroup")
    b.remove_namespace("cgroup")
    cid = ctx.new_id()
    rel = f"{cid}-rel"
    b.linux["cgroupsPath"] = rel
    lines = ctx.run_ok(b, cid=cid).splitlines()
    mem = [line for line in lines if ":memory:" in line]
    assert mem and mem[0].endswith("/" + rel), lines
    own = {}
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            own[ctrls] = path
    mem_dir = os.path.join("/sys/fs/cgroup/memory", own["memory"].lstrip("/"), rel)
    assert not os.path.exists(mem_dir)
