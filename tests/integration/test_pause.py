# SPDX-License-Identifier: Apache-2.0
"""pause / resume (the v1 freezer here), the status values, all without PATH as podman runs them."""
import os
import time

from exec_helpers import ctr, default_config, no_path_env, ward  # noqa: F401
from lib.common import wait_until

FREEZER = "/sys/fs/cgroup/freezer"


def counter(ward, name):
    """A container that appends to /tmp/<name> of the shared rootfs as fast as it can."""
    args = ["sh", "-c", f"while :; do echo x >> /tmp/{name}; done"]
    cid, pid = ward.start(cfg=default_config(args))
    path = os.path.join(ward.rootfs, "tmp", name)
    return cid, pid, path


def read_count(path):
    """Steps taken so far: the file only grows (appends), so a freeze mid-write reads fine."""
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def freezer_state(ward, cid):
    cg = ward.state(cid)["ward"]["cgroupPath"]
    with open(f"{FREEZER}{cg}/freezer.state") as f:
        return f.read().strip()


def test_pause_stops_the_container_and_resume_continues(ward):
    cid, pid, path = counter(ward, "count-a")
    try:
        assert wait_until(lambda: read_count(path) > 20)
        r = ward.run("pause", cid, env=no_path_env())
        assert r.returncode == 0, r.stderr
        assert ward.state(cid)["status"] == "paused"
        assert freezer_state(ward, cid) == "FROZEN"
        a = read_count(path)
        time.sleep(0.5)
        assert read_count(path) == a  # frozen: not one more step
        r = ward.run("resume", cid, env=no_path_env())
        assert r.returncode == 0, r.stderr
        assert ward.state(cid)["status"] == "running"
        assert freezer_state(ward, cid) == "THAWED"
        assert wait_until(lambda: read_count(path) > a + 20)
    finally:
        ward.run("delete", "--force", cid, env=no_path_env())


def test_pause_of_a_stopped_container(ward):
    cid, _ = ward.start(args=("true",))
    assert wait_until(lambda: ward.state(cid)["status"] == "stopped")
    r = ward.run("pause", cid, env=no_path_env())
    assert r.returncode == 1
    assert r.stderr.strip() == f'ward: container "{cid}" is not running'
    ward.run("delete", cid, env=no_path_env())


def test_resume_of_a_running_container(ward, ctr):
    r = ward.run("resume", ctr[0], env=no_path_env())
    assert r.returncode == 1
    assert r.stderr.strip() == f'ward: container "{ctr[0]}" is not paused'


def test_pause_twice(ward, ctr):
    assert ward.run("pause", ctr[0]).returncode == 0
    r = ward.run("pause", ctr[0])
    assert r.returncode == 1
    assert f'container "{ctr[0]}" is already paused' in r.stderr
    assert ward.run("resume", ctr[0]).returncode == 0


def test_pause_of_a_missing_container(ward):
    r = ward.run("pause", "nosuchcontainer", env=no_path_env())
    assert r.returncode == 1
    assert 'container "nosuchcontainer" does not exist' in r.stderr


def gone_or_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_delete_force_of_a_paused_container(ward):
    cid, pid = ward.start()
    assert ward.run("pause", cid, env=no_path_env()).returncode == 0
    r = ward.run("delete", "--force", cid, env=no_path_env())
    assert r.returncode == 0, r.stderr
    assert gone_or_zombie(pid)
    assert ward.run("state", cid).returncode == 1


def test_status_values_through_a_lifecycle_without_path(ward):
    env = no_path_env()
    b = ward.bundle(default_config(["sleep", "1000"]))
    cid = "life-" + os.path.basename(b)[-8:]
    ward.ids.append(cid)
    assert ward.run("create", "--bundle", b, cid, env=env).returncode == 0
    assert ward.state(cid)["status"] == "created"
    assert ward.run("start", cid, env=env).returncode == 0
    assert ward.state(cid)["status"] == "running"
    assert ward.run("pause", cid, env=env).returncode == 0
    assert ward.state(cid)["status"] == "paused"
    assert ward.run("resume", cid, env=env).returncode == 0
    assert ward.state(cid)["status"] == "running"
    r = ward.run("kill", cid, "9", env=env)  # podman sends numbers
    assert r.returncode == 0, r.stderr
    assert wait_until(lambda: ward.state(cid)["status"] == "stopped")
    r = ward.run("delete", cid, env=env)
    assert r.returncode == 0, r.stderr
    assert ward.run("state", cid).returncode == 1
