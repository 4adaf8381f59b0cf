# SPDX-License-Identifier: Apache-2.0
"""ward on a pure cgroup v2 host. Not collected on the (v1 hybrid) host: tests/vm runs it as
    tests/vm/run --cgroup v2 -- python3 -m pytest tests/integration/v2_cgroups.py
Resources, the eBPF device filter, CLONE_INTO_CGROUP, freeze, update and cleanup, all on v2."""

import os
import time

import pytest

CG = "/sys/fs/cgroup"
MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def _pure_v2():
    with open("/proc/self/mountinfo") as f:
        fstypes = {line.split(" - ")[1].split()[0] for line in f if " /sys/fs/cgroup" in line}
    assert fstypes == {"cgroup2"}, f"not a pure cgroup v2 host: {fstypes}"


def _read(cg, name):
    with open(f"{CG}{cg}/{name}") as f:
        return f.read().strip()


def _created(ctx, b):
    cid = ctx.new_id()
    ctx.create(cid, b)
    return cid, ctx.cgroups_path(cid)


def test_resources_written(ctx):
    b = ctx.bundle(script="sleep 60")
    b.linux["resources"].update({
        "memory": {"limit": 64 * MIB, "swap": 128 * MIB, "reservation": 32 * MIB},
        "cpu": {"shares": 1024, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"},
        "pids": {"limit": 77},
        "hugepageLimits": [{"pageSize": "2MB", "limit": 4 * 2 * MIB}],
    })
    cid, cg = _created(ctx, b)
    assert int(_read(cg, "memory.max")) == 64 * MIB
    assert int(_read(cg, "memory.swap.max")) == 64 * MIB      # v1 swap is memory+swap
    assert int(_read(cg, "memory.low")) == 32 * MIB
    assert _read(cg, "cpu.max") == "50000 100000"
    assert _read(cg, "cpu.weight") == "100"                   # 1024 shares
    assert _read(cg, "cpuset.cpus") == "0"
    assert _read(cg, "pids.max") == "77"
    assert int(_read(cg, "hugetlb.2MB.max")) == 8 * MIB


def test_io_weight(ctx):
    if not os.path.exists(f"{CG}/cgroup.controllers") or \
            "io" not in open(f"{CG}/cgroup.controllers").read().split():
        pytest.fail("the VM's cgroup v2 root has no io controller")
    b = ctx.bundle(script="sleep 60")
    b.linux["resources"]["blockIO"] = {"weight": 500}
    cid, cg = _created(ctx, b)
    # blkio weight 500 on io.weight's 1..10000 scale, as runc converts it
    assert _read(cg, "io.weight") == f"default {1 + (500 - 10) * 9999 // 990}"


def test_init_born_in_its_cgroup_and_namespace_root(ctx):
    b = ctx.bundle(script="cat /proc/self/cgroup; sleep 60")
    b.add_namespace("cgroup")
    cid, cg = _created(ctx, b)
    pid = ctx.rt.state(cid)["pid"]
    with open(f"/proc/{pid}/cgroup") as f:
        assert f.read().strip() == f"0::{cg}"
    ctx.rt.start(cid)


def test_pids_limit_enforced(ctx):
    b = ctx.bundle(script="for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; echo started; "
                          "kill $(jobs -p) 2>/dev/null; wait")
    b.linux["resources"]["pids"] = {"limit": 4}
    res = ctx.run(ctx.new_id(), b)
    assert "can't fork" in res.err or "Resource temporarily unavailable" in res.err, res


def test_memory_limit_oom_kills(ctx):
    b = ctx.bundle(script="x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo survived")
    b.linux["resources"]["memory"] = {"limit": 16 * MIB, "swap": 16 * MIB}
    res = ctx.run(ctx.new_id(), b)
    assert "survived" not in res.out, res


def test_device_filter_denies_and_allows(ctx):
    # /dev/kmsg (c 1:11) is built into every kernel (the VM loads no fuse module); opening it
    # write-only needs no CAP_SYSLOG
    dev = {"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 0o666}
    b = ctx.bundle(script="echo ward-test > /dev/kmsg && echo opened || echo denied")
    b.linux["devices"] = [dev]
    assert ctx.run_ok(b).strip() == "denied"
    b = ctx.bundle(script="echo ward-test > /dev/kmsg && echo opened || echo denied")
    b.linux["devices"] = [dev]
    b.linux["resources"]["devices"].append(
        {"allow": True, "type": "c", "major": 1, "minor": 11, "access": "rw"})
    assert ctx.run_ok(b).strip() == "opened"


def test_null_and_ptmx_usable_under_the_filter(ctx):
    b = ctx.bundle(script="echo x > /dev/null && head -c 4 /dev/zero | wc -c")
    assert ctx.run_ok(b).strip() == "4"


def test_pause_resume_freezes(ctx):
    b = ctx.bundle(script="i=0; while true; do i=$((i+1)); done")
    cid, cg = _created(ctx, b)
    ctx.rt.start(cid)
    time.sleep(0.3)
    ctx.rt.call("pause", cid, check=True)
    assert ctx.rt.state(cid)["status"] == "paused"
    assert _read(cg, "cgroup.freeze") == "1"
    assert "frozen 1" in _read(cg, "cgroup.events")
    ctx.rt.call("resume", cid, check=True)
    assert ctx.rt.state(cid)["status"] == "running"
    assert "frozen 0" in _read(cg, "cgroup.events")


def test_update_memory(ctx):
    b = ctx.bundle(script="sleep 60")
    b.linux["resources"]["memory"] = {"limit": 64 * MIB}
    cid, cg = _created(ctx, b)
    ctx.rt.start(cid)
    res_file = ctx.path("resources.json")
    with open(res_file, "w") as f:
        f.write('{"memory":{"limit":100663296},"pids":{"limit":50}}')
    res = ctx.rt.call("update", "--resources", res_file, cid)
    assert res.rc == 0, res
    assert int(_read(cg, "memory.max")) == 96 * MIB
    assert _read(cg, "pids.max") == "50"


def test_kill_all_and_cleanup_on_delete(ctx):
    b = ctx.bundle(script="sleep 100 & sleep 100 & wait")
    cid, cg = _created(ctx, b)
    ctx.rt.start(cid)
    assert os.path.isdir(CG + cg)
    ctx.rt.kill(cid, "KILL", all_=True)
    ctx.rt.wait_status(cid, "stopped")
    ctx.rt.delete(cid)
    assert not os.path.exists(CG + cg)


def test_update_refused_half_way_changes_nothing(ctx):
    """memory is written before cpu; a realtime runtime (which v2 does not have) is refused after
    it: the memory limit is rolled back and the saved config is unchanged."""
    b = ctx.bundle(script="sleep 60")
    b.linux["resources"]["memory"] = {"limit": 64 * MIB}
    cid, cg = _created(ctx, b)
    saved = os.path.join(ctx.rt.root, cid, "config.json")
    before = open(saved).read()
    res = ctx.rt.call("update", "--memory", "100m", "--cpu-rt-runtime", "1000", cid)
    assert res.rc == 1 and "realtime" in res.err and "rolled back" not in res.err, res
    assert int(_read(cg, "memory.max")) == 64 * MIB
    assert open(saved).read() == before
    res = ctx.rt.call("update", "--memory", "100m", cid)
    assert res.rc == 0, res
    assert int(_read(cg, "memory.max")) == 100 * MIB


def test_state_records_the_oom_kill(ctx):
    b = ctx.bundle(script="x=a; while true; do x=$x$x$x$x; done")  # the init itself grows
    b.linux["resources"]["memory"] = {"limit": 16 * MIB, "swap": 16 * MIB}
    cid, cg = _created(ctx, b)
    ctx.rt.start(cid)
    st = ctx.rt.wait_status(cid, "stopped")
    assert st["status"] == "stopped"
    assert st["ward"]["oomKilled"] is True, st
    stats = ctx.rt.call("events", "--stats", cid, check=True)
    assert '"type":"stats"' in stats.out
