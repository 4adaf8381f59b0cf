# SPDX-License-Identifier: Apache-2.0
"""What ward finds around it may be hostile: a --root or state files another user can write,
FIFOs where files belong, control characters in state text. And what state says after the
container's process ended."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from lib.common import pid_alive, wait_pid_gone

pytestmark = pytest.mark.ward_only

NOBODY = 65534


def _proc_start_time(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[19])


def _plant(ctx, root, victim):
    """A state dir naming a host process with its real start time, as an attacker would."""
    cid = ctx.new_id("planted")
    sdir = os.path.join(root, cid)
    os.makedirs(sdir, mode=0o700)
    doc = {"ociVersion": "1.3.0", "id": cid, "status": "running", "pid": victim,
           "bundle": "/", "ward": {"initStartTime": _proc_start_time(victim), "started": True}}
    with open(os.path.join(sdir, "state.json"), "w") as f:
        json.dump(doc, f)
    os.chmod(os.path.join(sdir, "state.json"), 0o600)
    return cid, sdir


@pytest.fixture
def victim():
    p = subprocess.Popen(["sleep", "600"])
    yield p.pid
    p.kill()
    p.wait()


@pytest.mark.parametrize("how", ["root-other-writable", "root-group-writable", "root-owner",
                                 "state-other-writable", "state-owner", "dir-owner",
                                 "parent-writable"])
def test_planted_state_is_refused(ctx, victim, how):
    """Another user able to write the state must not get root's delete --force to kill a host
    process: the root, its parents, the container's directory and its files must be ward's."""
    parent = ctx.path("shared")
    root = os.path.join(parent, "root")
    os.makedirs(root, mode=0o700)
    os.chmod(parent, 0o755)
    cid, sdir = _plant(ctx, root, victim)
    state = os.path.join(sdir, "state.json")
    change = {
        "root-other-writable": lambda: os.chmod(root, 0o777),
        "root-group-writable": lambda: os.chmod(root, 0o770),
        "root-owner": lambda: os.chown(root, NOBODY, NOBODY),
        "state-other-writable": lambda: os.chmod(state, 0o606),
        "state-owner": lambda: os.chown(state, NOBODY, NOBODY),
        "dir-owner": lambda: os.chown(sdir, NOBODY, NOBODY),
        "parent-writable": lambda: os.chmod(parent, 0o777),
    }[how]
    change()
    argv = lambda *a: [ctx.rt.binary, "--root", root, *a]  # noqa: E731
    for args in (("delete", "--force", cid), ("kill", cid, "KILL"), ("state", cid), ("list",)):
        res = subprocess.run(argv(*args), capture_output=True, text=True, timeout=30)
        # list goes on past a container it cannot trust, saying so
        assert res.returncode != 0 or args == ("list",), (args, res.stdout)
        assert "refusing it" in res.stderr and cid not in res.stdout, res.stderr
    assert pid_alive(victim)
    # control: the same planted state in a root only root can write is believed (and kills):
    # the ownership check is what stands between a planted file and the victim
    for path in (parent, root, sdir, state):
        os.chown(path, 0, 0)
        os.chmod(path, 0o600 if path == state else 0o700)
    os.chmod(parent, 0o1777)  # shared but sticky, as /tmp: accepted
    res = subprocess.run(argv("delete", "--force", cid), capture_output=True, text=True,
                         timeout=30)
    assert res.returncode == 0, res.stderr
    assert wait_pid_gone(victim)


def _fifo(path):
    os.mkfifo(path)
    return path


def test_fifo_config_is_refused_without_blocking(ctx):
    b = ctx.bundle("true")
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    _fifo(os.path.join(b.path, "config.json"))
    res = ctx.rt.create(cid, b, write_config=False, check=False, timeout=10)
    assert res.rc == 1 and "not a regular file" in res.err, res
    assert cid not in ctx.rt.root_entries()


def test_fifo_process_and_resources_are_refused_without_blocking(ctx):
    b = ctx.bundle("sleep", "600")
    cid = ctx.new_id()
    ctx.create(cid, b)
    ctx.rt.start(cid)
    fifo = _fifo(ctx.path("fifo"))
    res = ctx.rt.call("exec", "--process", fifo, cid, timeout=10)
    assert res.rc != 0 and "not a regular file" in res.err, res
    res = ctx.rt.call("update", "--resources", fifo, cid, timeout=10)
    assert res.rc != 0 and "not a regular file" in res.err, res
    # control: a regular file is read
    with open(ctx.path("res.json"), "w") as f:
        json.dump({"pids": {"limit": 77}}, f)
    assert ctx.rt.call("update", "--resources", ctx.path("res.json"), cid).rc == 0
    ctx.rt.delete(cid, force=True)


def test_state_text_is_escaped_for_the_terminal(ctx):
    """Text from a state file reaches a terminal only with its control characters escaped."""
    b = ctx.bundle("sleep", "600")
    cid = ctx.new_id()
    ctx.create(cid, b)
    state = os.path.join(ctx.rt.root, cid, "state.json")
    doc = json.load(open(state))
    doc["bundle"] = "/evil\x1b]0;owned\x07\x1b[2J\u009b31m"
    doc["owner"] = "0\r\x1b[1A"
    json.dump(doc, open(state, "w"))
    out = ctx.rt.list().out
    assert cid in out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out and "\u009b" not in out
    assert "/evil\\x1b]0;owned\\x07\\x1b[2J\\u009b31m" in out
    for res in (ctx.rt.call("state", cid), ctx.rt.list(fmt="json")):  # JSON: \u escapes
        assert "\x1b" not in res.out and "\u009b" not in res.out and "\r" not in res.out
        want = "\\u001b]0;owned\\u0007\\u001b[2j\\u009b31m"
        assert want in res.out.lower(), res.out
        assert json.loads(res.out)
    # an error message quoting a state field is escaped too
    doc["status"] = "run\x1b[31mning"
    json.dump(doc, open(state, "w"))
    res = ctx.rt.call("state", cid)
    assert res.rc == 1 and "\x1b" not in res.err and "\\x1b[31m" in res.err, res.err
    ctx.rt.delete(cid, force=True)


REAPER = r"""
import ctypes, json, os, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: the init becomes our child
ward, root, bundle, cid, kill = sys.argv[1:6]
call = lambda *a: subprocess.run([ward, "--root", root, *a], capture_output=True, text=True)
# the container inherits create's stdio: no pipe there, or reading it would never end
quiet = lambda *a: subprocess.run([ward, "--root", root, *a], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
assert quiet("create", "--bundle", bundle, cid).returncode == 0
pid = json.loads(call("state", cid).stdout)["pid"]
assert quiet("start", cid).returncode == 0
if kill != "-":
    os.kill(pid, int(kill))
deadline = time.monotonic() + 20
while open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z":
    assert time.monotonic() < deadline, "the container did not end"
    time.sleep(0.02)
before = json.loads(call("state", cid).stdout)  # seen while a zombie
os.waitpid(pid, 0)                               # reaped, as a shim or conmon would
after = json.loads(call("state", cid).stdout)    # the record stays
print(json.dumps([before, after]))
"""


def _ended(ctx, bundle, kill="-"):
    cid = ctx.new_id()
    ctx.prepare(cid, bundle)
    bundle.write()
    ctx.rt._track(cid)
    res = subprocess.run([sys.executable, "-c", REAPER, ctx.rt.binary, ctx.rt.root, bundle.path,
                          cid, str(kill)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return cid, json.loads(res.stdout)


@pytest.mark.parametrize("script,kill,want", [
    ("exit 7", "-", {"exitCode": 7}),
    ("sleep 600", signal.SIGKILL, {"exitSignal": signal.SIGKILL})])
def test_state_records_how_the_init_ended(ctx, script, kill, want):
    cid, (before, after) = _ended(ctx, ctx.bundle(script=script), kill)
    for st in (before, after):
        assert st["status"] == "stopped"
        for k, v in want.items():
            assert st["ward"][k] == v, st["ward"]
        assert st["ward"]["oomKilled"] is False
    ctx.rt.delete(cid)


def test_state_records_an_oom_kill(ctx):
    b = ctx.bundle(script="x=a; while true; do x=$x$x$x$x; done")
    b.config["linux"]["resources"] = {"memory": {"limit": 32 << 20, "swap": 32 << 20}}
    cid, (before, after) = _ended(ctx, b)
    for st in (before, after):
        assert st["status"] == "stopped"
        assert st["ward"]["oomKilled"] is True, st["ward"]
        assert st["ward"]["exitSignal"] == signal.SIGKILL
    assert ctx.rt.state(cid)["ward"]["oomKilled"] is True
    ctx.rt.delete(cid)
