# SPDX-License-Identifier: Apache-2.0
"""create / start / state / run / kill / delete in every state."""

import os
import signal
import time

import pytest

from lib.common import pid_alive, wait_pid_gone


def test_create_start_stopped(ctx):
    b = ctx.bundle(script="sleep 0.3; echo done")
    cid = ctx.new_id()
    pid_file = ctx.path("pid")
    res = ctx.create(cid, b, pid_file=pid_file)
    st = ctx.rt.state(cid)
    assert st["status"] == "created"
    assert st["id"] == cid
    assert isinstance(st["pid"], int) and st["pid"] > 0
    assert pid_alive(st["pid"])
    assert os.path.realpath(st["bundle"]) == os.path.realpath(b.path)
    assert st["ociVersion"]
    ctx.rt.start(cid)
    st = ctx.rt.state(cid)
    assert st["status"] == "running"
    st = ctx.rt.wait_status(cid, "stopped")
    assert st["status"] == "stopped"
    assert "done" in res.out          # the container's stdout is create's stdout
    ctx.rt.delete(cid)
    assert ctx.rt.call("state", cid).rc != 0


def test_process_does_not_run_before_start(ctx):
    shared = ctx.path("shared")
    os.makedirs(shared)
    b = ctx.bundle(script="touch /mnt/ran").bind(shared, "/mnt")
    cid = ctx.new_id()
    ctx.create(cid, b)
    time.sleep(0.3)
    assert not os.path.exists(os.path.join(shared, "ran"))
    ctx.rt.start(cid)
    ctx.rt.wait_status(cid, "stopped")
    assert os.path.exists(os.path.join(shared, "ran"))


def test_state_pid_matches_pid_file(ctx):
    b = ctx.bundle("sleep", "30")
    cid = ctx.new_id()
    pid_file = ctx.path("c.pid")
    ctx.create(cid, b, pid_file=pid_file)
    content = open(pid_file).read()
    assert content.strip().isdigit(), repr(content)
    assert int(content) == ctx.rt.state(cid)["pid"]
    # The pid is the container's init on the host: its pid namespace differs from ours.
    assert os.readlink(f"/proc/{int(content)}/ns/pid") != os.readlink("/proc/self/ns/pid")


def test_state_annotations(ctx):
    b = ctx.bundle("true")
    b.config["annotations"] = {"org.example.key": "value-1", "ward.test": "yes"}
    cid = ctx.new_id()
    ctx.create(cid, b)
    st = ctx.rt.state(cid)
    assert st["annotations"] == {"org.example.key": "value-1", "ward.test": "yes"}


@pytest.mark.parametrize("code", [0, 3])
def test_run_exit_code(ctx, code):
    b = ctx.bundle(script=f"echo out-{code}; exit {code}")
    res = ctx.run(ctx.new_id(), b)
    assert res.rc == code, res
    assert res.out == f"out-{code}\n"


def test_run_killed_by_sigkill_exits_137(ctx):
    b = ctx.bundle("sleep", "60")
    cid = ctx.new_id()
    pid_file = ctx.path("pid")
    proc, out, err = ctx.spawn_run(cid, b, pid_file=pid_file)
    try:
        deadline = time.monotonic() + 10
        while not (os.path.exists(pid_file) and open(pid_file).read().strip()):
            assert time.monotonic() < deadline, open(err).read()
            assert proc.poll() is None, open(err).read()
            time.sleep(0.01)
        pid = int(open(pid_file).read())
        ctx.rt.pids[cid] = pid
        # the pid file is written at create: kill only once `run` has started the process
        ctx.rt.wait_status(cid, "running")
        os.kill(pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == 128 + signal.SIGKILL, open(err).read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_run_detach(ctx):
    b = ctx.bundle("sleep", "60")
    cid = ctx.new_id()
    start = time.monotonic()
    res = ctx.run(cid, b, detach=True)
    assert res.rc == 0, res
    assert time.monotonic() - start < 10
    st = ctx.rt.state(cid)
    assert st["status"] == "running"
    assert pid_alive(st["pid"])
    ctx.rt.kill(cid, "KILL")
    assert ctx.rt.wait_status(cid, "stopped")["status"] == "stopped"


def test_run_detach_pid_file(ctx):
    b = ctx.bundle("sleep", "60")
    cid = ctx.new_id()
    pid_file = ctx.path("run.pid")
    assert ctx.run(cid, b, detach=True, pid_file=pid_file).rc == 0
    assert int(open(pid_file).read()) == ctx.rt.state(cid)["pid"]


def test_run_no_pivot(ctx):
    b = ctx.bundle(script="cat /etc/hostname; ls /")
    out = ctx.run_ok(b, no_pivot=True)
    assert out.splitlines()[0] == "ward-test"
    assert "bin" in out.split()


# ---- kill ---------------------------------------------------------------------------------

TRAP = "trap 'echo got-term; exit 42' TERM; echo ready; while true; do sleep 0.05; done"


def _running(ctx, script):
    b = ctx.bundle(script=script)
    cid = ctx.new_id()
    res = ctx.create(cid, b)
    ctx.rt.start(cid)
    deadline = time.monotonic() + 10
    while "ready" not in res.out:
        assert time.monotonic() < deadline, res
        time.sleep(0.01)
    return cid, res


@pytest.mark.parametrize("sig", ["TERM", "SIGTERM", "15", None])
def test_kill_term_by_name_and_number(ctx, sig):
    cid, res = _running(ctx, TRAP)
    ctx.rt.kill(cid, sig)
    assert ctx.rt.wait_status(cid, "stopped")["status"] == "stopped"
    assert "got-term" in res.out


@pytest.mark.parametrize("sig", ["KILL", "SIGKILL", "9"])
def test_kill_kill_by_name_and_number(ctx, sig):
    cid, res = _running(ctx, "trap '' TERM; echo ready; while true; do sleep 0.05; done")
    pid = ctx.rt.state(cid)["pid"]
    ctx.rt.kill(cid, sig)
    assert wait_pid_gone(pid)
    assert ctx.rt.wait_status(cid, "stopped")["status"] == "stopped"


def test_kill_usr1_delivered(ctx):
    cid, res = _running(ctx, "trap 'echo got-usr1' USR1; echo ready; "
                             "while true; do sleep 0.05; done")
    ctx.rt.kill(cid, "USR1")
    deadline = time.monotonic() + 5
    while "got-usr1" not in res.out and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "got-usr1" in res.out
    assert ctx.rt.status(cid) == "running"


def test_kill_bad_signal_fails(ctx):
    cid, _ = _running(ctx, TRAP)
    res = ctx.rt.kill(cid, "NOSUCHSIG", check=False)
    assert res.rc != 0
    assert ctx.rt.status(cid) == "running"


def test_kill_all(ctx):
    cid, res = _running(ctx, "sleep 100 & sleep 100 & echo ready; wait")
    pid = ctx.rt.state(cid)["pid"]
    ctx.rt.kill(cid, "KILL", all_=True)
    assert wait_pid_gone(pid)
    assert ctx.rt.wait_status(cid, "stopped")["status"] == "stopped"


def test_kill_created_container(ctx):
    b = ctx.bundle("true")
    cid = ctx.new_id()
    ctx.create(cid, b)
    pid = ctx.rt.state(cid)["pid"]
    ctx.rt.kill(cid, "KILL")
    assert wait_pid_gone(pid)
    assert ctx.rt.wait_status(cid, "stopped")["status"] == "stopped"


def test_kill_stopped_container_fails(ctx):
    b = ctx.bundle("true")
    cid = ctx.new_id()
    ctx.create(cid, b)
    ctx.rt.start(cid)
    ctx.rt.wait_status(cid, "stopped")
    res = ctx.rt.kill(cid, "TERM", check=False)
    assert res.rc != 0, res
    assert res.err.strip(), res


def test_kill_unknown_container_fails(ctx):
    res = ctx.rt.kill(ctx.new_id(), "TERM", check=False)
    assert res.rc != 0
    assert res.err.strip()


# ---- delete -------------------------------------------------------------------------------

def test_delete_created_never_started(ctx):
    b = ctx.bundle("true")
    cid = ctx.new_id()
    ctx.create(cid, b)
    pid = ctx.rt.state(cid)["pid"]
    ctx.rt.delete(cid)
    assert wait_pid_gone(pid)
    assert ctx.rt.call("state", cid).rc != 0
    assert cid not in ctx.rt.root_entries()


def test_delete_running_needs_force(ctx):
    cid, _ = _running(ctx, TRAP)
    pid = ctx.rt.state(cid)["pid"]
    res = ctx.rt.delete(cid, check=False)
    assert res.rc != 0, res
    assert ctx.rt.status(cid) == "running"
    ctx.rt.delete(cid, force=True)
    assert wait_pid_gone(pid)
    assert ctx.rt.call("state", cid).rc != 0


def test_delete_stopped(ctx):
    b = ctx.bundle("true")
    cid = ctx.new_id()
    assert ctx.run(cid, b).rc == 0
    # foreground run deletes the container when it exits
    assert ctx.rt.call("state", cid).rc != 0
    cid2 = ctx.new_id()
    ctx.create(cid2, b)
    ctx.rt.start(cid2)
    ctx.rt.wait_status(cid2, "stopped")
    ctx.rt.delete(cid2)
    assert ctx.rt.call("state", cid2).rc != 0


def test_delete_unknown_fails(ctx):
    res = ctx.rt.delete(ctx.new_id(), check=False)
    assert res.rc != 0
    assert res.err.strip()


def test_start_twice_fails(ctx):
    cid, _ = _running(ctx, TRAP)
    res = ctx.rt.start(cid, check=False)
    assert res.rc != 0
    assert ctx.rt.status(cid) == "running"


def test_create_duplicate_id_fails(ctx):
    b = ctx.bundle("true")
    cid = ctx.new_id()
    ctx.create(cid, b)
    res = ctx.create(cid, b, check=False)
    assert res.rc != 0
    assert ctx.rt.status(cid) == "created"
