# SPDX-License-Identifier: Apache-2.0
"""OCI hooks: each kind at its point of the lifecycle, state on stdin, env, failures, timeouts."""

import os
import signal
import time

import pytest

from lib.hooks import hook_args, kinds, read_log, write_hook
from lib.common import pid_alive, wait_pid_gone

CREATE_KINDS = ("prestart", "createRuntime", "createContainer")


def _setup(ctx, script="sleep 0.2"):
    """A bundle on a private rootfs holding the hook script (startContainer hooks resolve it in
    the container) with the host's log directory bound at /hooklog."""
    b = ctx.bundle(private=True, script=script)
    script_path = write_hook(os.path.join(b.rootfs, "hook.sh"))
    logdir = ctx.path("hooklog")
    os.makedirs(logdir)
    os.chmod(logdir, 0o777)
    b.bind(logdir, "/hooklog")
    return b, script_path, os.path.join(logdir, "log")


def _add(b, kind, script_path, log, *actions, **kw):
    if kind == "startContainer":   # runs in the container: container paths
        b.add_hook(kind, "/hook.sh", hook_args("/hook.sh", kind, "/hooklog/log", *actions), **kw)
    else:
        b.add_hook(kind, script_path, hook_args(script_path, kind, log, *actions), **kw)


def _kinds(log):
    return kinds(log)


@pytest.mark.ward_only  # runc 1.1 runs poststart hooks during create (status "created")
def test_hooks_run_at_their_points(ctx):
    b, script, log = _setup(ctx)
    for kind in ("prestart", "createRuntime", "createContainer", "startContainer", "poststart",
                 "poststop"):
        _add(b, kind, script, log)
    cid = ctx.new_id()
    ctx.create(cid, b)
    after_create = read_log(log)
    assert [line.split()[0] for line in after_create] == list(CREATE_KINDS), after_create
    assert all(line.split()[1] == "creating" for line in after_create), after_create
    time.sleep(0.2)
    assert read_log(log) == after_create     # nothing more until start: no poststart yet
    ctx.rt.start(cid)
    after_start = read_log(log)[len(after_create):]
    assert [line.split()[0] for line in after_start] == ["startContainer", "poststart"]
    assert after_start[0].split()[1] == "created", after_start
    assert after_start[1].split()[1] == "running", after_start
    ctx.rt.wait_status(cid, "stopped")
    assert len(read_log(log)) == 5           # poststop only on delete
    ctx.rt.delete(cid)
    assert read_log(log)[5:] == ["poststop stopped"]


def test_hooks_order_within_kind(ctx):
    b, script, log = _setup(ctx, script="true")
    for n in range(3):
        b.add_hook("createRuntime", script, hook_args(script, f"cr{n}", log))
    ctx.run_ok(b)
    assert _kinds(log) == ["cr0", "cr1", "cr2"]


def test_hook_state_on_stdin(ctx):
    b, script, log = _setup(ctx, script="true")
    state_file = ctx.path("state.json")
    _add(b, "createRuntime", script, log, f"state:{state_file}")
    cid = ctx.new_id()
    ctx.create(cid, b)
    import json
    st = json.load(open(state_file))
    assert st["id"] == cid
    assert st["pid"] == ctx.rt.state(cid)["pid"]
    assert os.path.realpath(st["bundle"]) == os.path.realpath(b.path)
    assert st["status"] == "creating"
    assert st["ociVersion"]


def test_hook_env(ctx):
    b, script, log = _setup(ctx, script="true")
    _add(b, "createRuntime", script, log, "env:HOOKVAR", "env:HOME", env=["HOOKVAR=hook-value"])
    ctx.run_ok(b)
    lines = read_log(log)
    assert "createRuntime env HOOKVAR=hook-value" in lines
    assert "createRuntime env HOME=" in lines     # only the hook's env, not the runtime's


def test_failing_prestart_fails_create(ctx):
    b, script, log = _setup(ctx)
    _add(b, "createRuntime", script, log, "fail")
    _add(b, "createContainer", script, log)
    cid = ctx.new_id()
    res = ctx.create(cid, b, check=False)
    assert res.rc != 0, res
    assert res.err.strip()
    assert _kinds(log) == ["createRuntime"]
    assert ctx.rt.call("state", cid).rc != 0


@pytest.mark.ward_only  # runc 1.1 runs poststart during create, so create fails instead
def test_failing_poststart_fails_start(ctx):
    b, script, log = _setup(ctx, script="sleep 30")
    _add(b, "poststart", script, log, "fail")
    cid = ctx.new_id()
    ctx.create(cid, b)
    pid = ctx.rt.state(cid)["pid"]
    res = ctx.rt.start(cid, check=False)
    assert res.rc != 0, res
    assert "poststart is failing" in read_log(log)
    # the container does not go on running as if nothing happened
    assert wait_pid_gone(pid, timeout=10)


@pytest.mark.ward_only  # runc 1.1 stops at the first failing poststop hook
def test_all_poststop_hooks_run_even_if_one_fails(ctx):
    b, script, log = _setup(ctx, script="true")
    b.add_hook("poststop", script, hook_args(script, "ps0", log))
    b.add_hook("poststop", script, hook_args(script, "ps1", log, "fail"))
    b.add_hook("poststop", script, hook_args(script, "ps2", log))
    cid = ctx.new_id()
    ctx.create(cid, b)
    ctx.rt.start(cid)
    ctx.rt.wait_status(cid, "stopped")
    ctx.rt.delete(cid, check=False)
    assert _kinds(log) == ["ps0", "ps1", "ps2"]
    assert ctx.rt.call("state", cid).rc != 0


def test_hook_timeout_kills_hook(ctx):
    b, script, log = _setup(ctx)
    pid_file = ctx.path("hook.pid")
    _add(b, "createRuntime", script, log, f"pid:{pid_file}", "sleep:30", timeout=1)
    cid = ctx.new_id()
    start = time.monotonic()
    res = ctx.create(cid, b, check=False)
    elapsed = time.monotonic() - start
    hook_pid = int(open(pid_file).read())
    try:
        assert res.rc != 0, res
        assert elapsed < 10, elapsed
        assert wait_pid_gone(hook_pid, timeout=5), "the timed-out hook is still running"
        assert ctx.rt.call("state", cid).rc != 0
    finally:
        if pid_alive(hook_pid):
            os.kill(hook_pid, signal.SIGKILL)


def test_run_runs_every_hook(ctx):
    b, script, log = _setup(ctx, script="true")
    for kind in ("prestart", "createRuntime", "createContainer", "startContainer", "poststart",
                 "poststop"):
        _add(b, kind, script, log)
    ctx.run_ok(b)
    got = _kinds(log)
    assert sorted(got) == sorted(["prestart", "createRuntime", "createContainer",
                                  "startContainer", "poststart", "poststop"]), got
    assert got[:3] == list(CREATE_KINDS)
    assert got[-1] == "poststop"
    if ctx.is_ward:   # runc 1.1 runs poststart before startContainer (during create)
        assert got[3:5] == ["startContainer", "poststart"], got
