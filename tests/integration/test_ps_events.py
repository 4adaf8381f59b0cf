# SPDX-License-Identifier: Apache-2.0
"""ps (json: host pids, like runc) and events (--stats: one JSON line; else a stream)."""
import json
import time

from exec_helpers import WARD, ctr, default_config, ward  # noqa: F401
from lib.common import wait_until


def test_ps_json_lists_host_pids(ward, ctr, tmp_path):
    cid, init = ctr
    r = ward.run("ps", "--format", "json", cid)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [init]
    pid_file = tmp_path / "p"
    assert ward.run("exec", "-d", "--pid-file", pid_file, cid, "sleep", "200").returncode == 0
    pids = json.loads(ward.run("ps", "--format", "json", cid).stdout)
    assert sorted(pids) == sorted([init, int(pid_file.read_text())])


def test_ps_table(ward, ctr):
    r = ward.run("ps", ctr[0])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["PID", "CMD"]
    assert lines[1].split() == [str(ctr[1]), "sleep", "1000"]


def test_ps_bad_format(ward, ctr):
    r = ward.run("ps", "--format", "yaml", ctr[0])
    assert r.returncode == 1
    assert "--format must be table or json" in r.stderr


def test_events_stats_is_one_json_line(ward):
    cfg = default_config(["sleep", "1000"])
    cfg["linux"]["resources"] = {"memory": {"limit": 200 << 20}, "pids": {"limit": 77}}
    cid, init = ward.start(cfg=cfg)
    try:
        r = ward.run("events", "--stats", cid)
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert len(lines) == 1
        ev = json.loads(lines[0])
        assert ev["type"] == "stats" and ev["id"] == cid
        data = ev["data"]
        assert data["memory"]["usage"]["limit"] == 200 << 20
        assert data["memory"]["usage"]["usage"] > 0
        assert data["pids"]["current"] == 1 and data["pids"]["limit"] == 77
        assert data["cpu"]["usage"]["total"] > 0
    finally:
        ward.run("delete", "--force", cid)


def test_events_stream_ends_when_the_container_stops(ward):
    cid, init = ward.start(args=("sleep", "1"))
    try:
        t0 = time.monotonic()
        r = ward.run("events", "--interval", "200ms", cid, timeout=20)
        assert r.returncode == 0, r.stderr
        lines = [json.loads(x) for x in r.stdout.splitlines()]
        assert len(lines) >= 2
        assert all(ev["type"] == "stats" and ev["id"] == cid for ev in lines)
        assert time.monotonic() - t0 < 10
    finally:
        ward.run("delete", "--force", cid)


def test_events_of_a_stopped_container(ward):
    """A stopped container's cgroup stays until delete: --stats gives its last counters, a
    stream gives them once and ends; once deleted, a clear error."""
    cid, _ = ward.start(args=("sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"))
    assert wait_until(lambda: ward.state(cid)["status"] == "stopped")
    r = ward.run("events", "--stats", cid)
    assert r.returncode == 0, r.stderr
    ev = json.loads(r.stdout)
    assert ev["type"] == "stats" and ev["id"] == cid
    assert ev["data"]["cpu"]["usage"]["total"] > 0
    r = ward.run("events", "--interval", "50ms", cid, timeout=20)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 1, r
    ward.run("delete", cid)
    r = ward.run("events", "--stats", cid)
    assert r.returncode == 1
    assert f'container "{cid}" does not exist' in r.stderr


def test_events_bad_interval(ward, ctr):
    r = ward.run("events", "--interval", "soon", ctr[0])
    assert r.returncode == 1
    assert "--interval" in r.stderr
