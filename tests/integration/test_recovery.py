# SPDX-License-Identifier: Apache-2.0
"""delete --force after the runtime itself died (kill -9) in the middle of create."""

import json
import os
import signal
import time

import pytest

from lib import hostcheck
from lib.hooks import hook_args, write_hook
from lib.common import pid_alive, wait_pid_gone


def _wait_for(path, proc, timeout=10):
    deadline = time.monotonic() + timeout
    while not (os.path.exists(path) and open(path).read().strip()):
        assert proc.poll() is None, f"runtime exited early: rc={proc.returncode}"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


@pytest.mark.ward_only  # runc 1.1 has no state yet: delete --force exits 0, cgroup left behind
def test_delete_force_after_runtime_killed_mid_create(ctx):
    b = ctx.bundle("sleep", "60")
    script = write_hook(ctx.path("hook.sh"))
    state_file, hook_pid_file = ctx.path("state.json"), ctx.path("hook.pid")
    # The createRuntime hook records the state (with the init's pid), then sleeps: the runtime
    # is then blocked in the middle of create with the init and the cgroup already made.
    b.add_hook("createRuntime", script, hook_args(script, "createRuntime", ctx.path("log"),
                                                  f"state:{state_file}", f"pid:{hook_pid_file}",
                                                  "sleep:60"))
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    b.write()
    ctx.rt._track(cid)
    proc, _, err = ctx.rt.spawn("create", "--bundle", b.path, cid)
    hook_pid = None
    try:
        _wait_for(hook_pid_file, proc)
        hook_pid = int(open(hook_pid_file).read())
        init_pid = json.load(open(state_file))["pid"]
        ctx.rt.pids[cid] = init_pid
        assert pid_alive(init_pid)
        cg = ctx.cgroups_path(cid)
        assert hostcheck.cgroup_dirs(cg), "the cgroup should exist mid-create"

        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

        res = ctx.rt.delete(cid, force=True, check=False)
        assert res.rc == 0, res
        assert wait_pid_gone(init_pid), "the orphaned container init survived delete --force"
        assert cid not in ctx.rt.root_entries()
        assert ctx.rt.call("state", cid).rc != 0
        deadline = time.monotonic() + 2
        while hostcheck.cgroup_dirs(cg) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert hostcheck.cgroup_dirs(cg) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if hook_pid and pid_alive(hook_pid):
            os.kill(hook_pid, signal.SIGKILL)


def _running(ctx):
    b = ctx.bundle("sleep", "600")
    cid = ctx.new_id()
    ctx.create(cid, b)
    ctx.rt.start(cid)
    pid = ctx.rt.state(cid)["pid"]
    return cid, pid, os.path.join(ctx.rt.root, cid)


def _cgroup_gone(ctx, cid):
    deadline = time.monotonic() + 2
    while hostcheck.cgroup_dirs(ctx.cgroups_path(cid)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return hostcheck.cgroup_dirs(ctx.cgroups_path(cid)) == []


def test_kill_and_delete_after_init_died_outside(ctx):
    """The init killed behind the runtime's back: state says stopped, kill fails, delete works."""
    cid, pid, _ = _running(ctx)
    os.kill(pid, signal.SIGKILL)
    assert wait_pid_gone(pid)
    assert ctx.rt.wait_status(cid, "stopped")["status"] == "stopped"
    assert ctx.rt.kill(cid, "TERM", check=False).rc != 0
    ctx.rt.delete(cid)
    assert hostcheck.cgroup_dirs(ctx.cgroups_path(cid)) == []


@pytest.mark.ward_only
@pytest.mark.parametrize("damage", ["corrupt", "missing", "other-id"])
def test_delete_force_without_a_readable_state_kills_through_the_cgroup(ctx, damage):
    """state.json unreadable while the container runs: delete --force finds the processes through
    the cgroup that the id and the saved config give, kills them and removes everything."""
    cid, pid, sdir = _running(ctx)
    state = os.path.join(sdir, "state.json")
    if damage == "corrupt":
        with open(state, "w") as f:
            f.write('{"ociVersion": "1.3.0", "id": ')
    elif damage == "missing":
        os.unlink(state)
    else:
        doc = json.load(open(state))
        doc["id"] = "someone-else"
        json.dump(doc, open(state, "w"))
    assert ctx.rt.call("state", cid).rc != 0
    res = ctx.rt.delete(cid, check=False)
    assert res.rc != 0 and pid_alive(pid), "a plain delete must not act without a state"
    res = ctx.rt.delete(cid, force=True, check=False)
    assert res.rc == 0, res
    assert wait_pid_gone(pid), "the workload survived delete --force"
    assert _cgroup_gone(ctx, cid)
    assert cid not in ctx.rt.root_entries()


@pytest.mark.ward_only
def test_delete_force_keeps_the_state_when_the_cgroup_cannot_be_known(ctx):
    """state.json and the saved config both unreadable: refuse, keep everything, the workload
    stays under control; once the config is back, delete --force works."""
    cid, pid, sdir = _running(ctx)
    config = os.path.join(sdir, "config.json")
    saved = open(config).read()
    with open(os.path.join(sdir, "state.json"), "w") as f:
        f.write("not json")
    with open(config, "w") as f:
        f.write("{")
    res = ctx.rt.delete(cid, force=True, check=False)
    assert res.rc != 0 and "state is kept" in res.err, res
    assert pid_alive(pid)
    assert sorted(os.listdir(sdir)) == ["config.json", "state.json"]
    with open(config, "w") as f:
        f.write(saved)
    assert ctx.rt.delete(cid, force=True, check=False).rc == 0
    assert wait_pid_gone(pid)
    assert _cgroup_gone(ctx, cid)


@pytest.mark.ward_only
def test_delete_force_removes_only_the_files_ward_writes(ctx):
    """A directory under --root holding a file ward did not make: the known files go, the
    stranger and its directory stay (a wrong --root never costs a user a file)."""
    root = ctx.rt.root
    cid = ctx.new_id()
    os.makedirs(os.path.join(root, cid), mode=0o700)
    for name in (".state.json.tmp", "precious.txt"):
        with open(os.path.join(root, cid, name), "w") as f:
            f.write("data")
    ctx.rt._track(cid)
    res = ctx.rt.delete(cid, force=True, check=False)
    assert res.rc != 0 and "did not make" in res.err, res
    assert os.listdir(os.path.join(root, cid)) == ["precious.txt"]
    os.unlink(os.path.join(root, cid, "precious.txt"))
    assert ctx.rt.delete(cid, force=True, check=False).rc == 0
    assert cid not in ctx.rt.root_entries()
