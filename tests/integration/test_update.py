# SPDX-License-Identifier: Apache-2.0
"""update: LinuxResources JSON (file or stdin, as podman and containerd write it) and runc's
flags, read back from the v1 cgroup files and from the saved config."""
import json
import os

import pytest

from exec_helpers import ctr, no_path_env, ward  # noqa: F401
from lib.common import wait_until

CG = "/sys/fs/cgroup"


def cg_read(ward, cid, controller, name):
    path = ward.state(cid)["ward"]["cgroupPath"]
    with open(f"{CG}/{controller}{path}/{name}") as f:
        return f.read().strip()


def saved_resources(ward, cid):
    with open(os.path.join(ward.root, cid, "config.json")) as f:
        return json.load(f)["linux"]["resources"]


def test_update_resources_from_stdin(ward, ctr):
    cid = ctr[0]
    doc = {"memory": {"limit": 268435456, "swap": 536870912}, "cpu": {"shares": 512}}
    r = ward.run("update", "--resources", "-", cid, input=json.dumps(doc))
    assert r.returncode == 0, r.stderr
    assert cg_read(ward, cid, "memory", "memory.limit_in_bytes") == "268435456"
    assert cg_read(ward, cid, "memory", "memory.memsw.limit_in_bytes") == "536870912"
    assert cg_read(ward, cid, "cpu", "cpu.shares") == "512"
    saved = saved_resources(ward, cid)
    assert saved["memory"] == {"limit": 268435456, "swap": 536870912}
    assert saved["cpu"]["shares"] == 512


def test_update_resources_file_as_podman_passes_it(ward, ctr, tmp_path):
    cid = ctr[0]
    f = tmp_path / "podman123"
    f.write_text(json.dumps({"memory": {"limit": 134217728}, "pids": {"limit": 50}}))
    r = ward.run("update", f"--resources={f}", cid, env={"PATH": "/usr/bin", "XDG_RUNTIME_DIR": ""})
    assert r.returncode == 0, r.stderr
    assert cg_read(ward, cid, "memory", "memory.limit_in_bytes") == "134217728"
    assert cg_read(ward, cid, "pids", "pids.max") == "50"


def test_update_flags(ward, ctr):
    cid = ctr[0]
    r = ward.run("update", "--memory", "300m", "--memory-swap", "1g", "--memory-reservation",
                 "100M", "--cpu-shares", "256", "--cpu-period", "100000", "--cpu-quota", "50000",
                 "--cpuset-cpus", "0", "--pids-limit", "64", "--blkio-weight", "300", cid,
                 env=no_path_env())
    assert r.returncode == 0, r.stderr
    assert cg_read(ward, cid, "memory", "memory.limit_in_bytes") == str(300 << 20)
    assert cg_read(ward, cid, "memory", "memory.memsw.limit_in_bytes") == str(1 << 30)
    assert cg_read(ward, cid, "memory", "memory.soft_limit_in_bytes") == str(100 << 20)
    assert cg_read(ward, cid, "cpu", "cpu.shares") == "256"
    assert cg_read(ward, cid, "cpu", "cpu.cfs_period_us") == "100000"
    assert cg_read(ward, cid, "cpu", "cpu.cfs_quota_us") == "50000"
    assert cg_read(ward, cid, "cpuset", "cpuset.cpus") == "0"
    assert cg_read(ward, cid, "pids", "pids.max") == "64"
    saved = saved_resources(ward, cid)
    assert saved["memory"]["limit"] == 300 << 20
    assert saved["cpu"]["quota"] == 50000 and saved["cpu"]["cpus"] == "0"
    assert saved["pids"]["limit"] == 64


@pytest.mark.parametrize("text,value", [("1048576", 1048576), ("512k", 512 << 10),
                                        ("64MiB", 64 << 20), ("1.5g", 3 << 29),
                                        ("200mb", 200 << 20)])
def test_update_memory_sizes(ward, ctr, text, value):
    r = ward.run("update", "--memory", text, ctr[0])
    assert r.returncode == 0, r.stderr
    # the kernel rounds the limit down to whole pages
    assert cg_read(ward, ctr[0], "memory", "memory.limit_in_bytes") == str(value // 4096 * 4096)


def test_updates_accumulate_in_the_saved_config(ward, ctr):
    cid = ctr[0]
    assert ward.run("update", "--memory", "200m", cid).returncode == 0
    assert ward.run("update", "--cpu-shares", "300", cid).returncode == 0
    saved = saved_resources(ward, cid)
    assert saved["memory"]["limit"] == 200 << 20
    assert saved["cpu"]["shares"] == 300


def test_flags_win_over_the_file(ward, ctr, tmp_path):
    f = tmp_path / "r.json"
    f.write_text(json.dumps({"memory": {"limit": 134217728}, "cpu": {"shares": 400}}))
    r = ward.run("update", "--resources", f, "--cpu-shares", "600", ctr[0])
    assert r.returncode == 0, r.stderr
    assert cg_read(ward, ctr[0], "cpu", "cpu.shares") == "600"
    assert cg_read(ward, ctr[0], "memory", "memory.limit_in_bytes") == "134217728"


@pytest.mark.parametrize("args,message", [
    (["--memory", "12x"], '--memory: invalid size "12x": unknown unit'),
    (["--memory", "lots"], '--memory: invalid size "lots"'),
    (["--cpu-shares", "-5"], "--cpu-shares -5: must be a non-negative integer"),
    (["--cpuset-cpus", "0;1"], "--cpuset-cpus 0;1: must be a list such as 0-3,7"),
    (["--blkio-weight", "5"], "update flags: blockIO.weight: must be between 10 and 1000"),
])
def test_update_flag_errors(ward, ctr, args, message):
    r = ward.run("update", *args, ctr[0])
    assert r.returncode == 1
    assert r.stderr.strip() == f"ward: {message}"


def test_update_bad_resources_file(ward, ctr, tmp_path):
    f = tmp_path / "res.json"
    f.write_text(json.dumps({"memory": {"limit": "big"}}))
    r = ward.run("update", "--resources", f, ctr[0])
    assert r.returncode == 1
    assert f"{f}: memory.limit: " in r.stderr


def test_update_bad_stdin(ward, ctr):
    r = ward.run("update", "--resources", "-", ctr[0], input="[1,2]")
    assert r.returncode == 1
    assert "resources (stdin): resources must be a JSON object" in r.stderr


def test_update_limit_below_usage_is_refused_and_not_recorded(ward, ctr):
    before = saved_resources(ward, ctr[0])
    r = ward.run("update", "--memory", "4096", ctr[0])
    assert r.returncode == 1
    assert "memory.limit" in r.stderr
    assert saved_resources(ward, ctr[0]) == before


def test_update_of_a_stopped_container(ward):
    cid, _ = ward.start(args=("true",))
    assert wait_until(lambda: ward.state(cid)["status"] == "stopped")
    r = ward.run("update", "--memory", "100m", cid)
    assert r.returncode == 1
    assert r.stderr.strip() == f'ward: container "{cid}" is not running'
    ward.run("delete", cid)


def test_update_refused_half_way_changes_nothing(ward, ctr):
    """A memory limit the kernel takes and a realtime runtime it refuses (above the period):
    all or nothing, so the memory limit is rolled back and the saved config is unchanged."""
    cid = ctr[0]
    mem_before = cg_read(ward, cid, "memory", "memory.limit_in_bytes")
    shares_before = cg_read(ward, cid, "cpu", "cpu.shares")
    saved_before = saved_resources(ward, cid)
    r = ward.run("update", "--memory", "200m", "--cpu-shares", "333", "--cpu-rt-period", "1000000",
                 "--cpu-rt-runtime", "2000000", cid)
    assert r.returncode == 1
    assert "rt_" in r.stderr, r.stderr
    assert cg_read(ward, cid, "memory", "memory.limit_in_bytes") == mem_before
    assert cg_read(ward, cid, "cpu", "cpu.shares") == shares_before
    assert saved_resources(ward, cid) == saved_before
    # control: the same limits without the bad value are applied
    r = ward.run("update", "--memory", "200m", "--cpu-shares", "333", cid)
    assert r.returncode == 0, r.stderr
    assert cg_read(ward, cid, "memory", "memory.limit_in_bytes") == str(200 << 20)
    assert cg_read(ward, cid, "cpu", "cpu.shares") == "333"
