# SPDX-License-Identifier: Apache-2.0
"""kill -9 of ward at every named step of create, start, update and delete (runtime/fault.h).

tests/ward-fault is ward built with working fault points (the installed `ward` has none):
WARD_FAULT=<step> makes it SIGKILL itself there, WARD_FAULT_HIT=N at the Nth time, and
WARD_FAULT_TRACE=<file> lists every step it passes. Each test kills one command at one step, then
checks what the next commands of the production ward do: `state` tells the truth, a second
`start` and a plain `delete` refuse a container whose process runs, `delete --force` removes
everything (state directory, cgroups in every hierarchy, processes) and the id can be created again.
"""

import json
import os
import random
import re
import subprocess
import time

import pytest

from lib import hostcheck
from lib.common import wait_pid_gone

pytestmark = pytest.mark.ward_only

# Every step each command passes, in order (a step seen twice is the same write again).
STEPS = {
    "create": ["create:dir-locked", "create:dir-made", "write:state.json", "write:config.json",
               "create:cgroup-made", "create:fifo-made", "create:volumes-made", "create:cloned",
               "write:state.json",
               "create:pid-recorded", "create:init-in-cgroup", "create:init-released",
               "create:init-ready", "write:state.json", "create:created-recorded", "create:done"],
    "start": ["start:loaded", "start:fifo-written", "start:released", "write:state.json",
              "start:recorded"],
    "update": ["update:loaded", "update:cgroup-updated", "write:config.json"],
    "delete": ["delete:loaded", "delete:killed", "delete:cgroup-destroyed", "delete:volumes-removed",
               "delete:hooks-run",
               "delete:before-state-unlink", "delete:before-rmdir"],
}

# The steps of making and removing an encrypted volume, reached only by a container that asks for
# one: tests/integration/volumes_dm.py kills ward at each of them in the VM (real dm-crypt).
VOLUME_STEPS = {
    "create": ["volume:backing-made", "volume:loop-attached", "volume:formatted",
               "volume:opened", "volume:mkfs-done", "volume:mounted"],
    "delete": ["volume:unmounted", "volume:dm-closed", "volume:loop-detached",
               "volume:header-erased"],
}


def _points(cmd):
    """(step, hit) for every step of cmd, hit counting repeats of the same step."""
    seen = {}
    out = []
    for step in STEPS[cmd]:
        seen[step] = seen.get(step, 0) + 1
        out.append((step, seen[step]))
    return out


def _ids(points):
    return [f"{s}#{n}" if n > 1 else s for s, n in points]


@pytest.fixture
def fault(ctx):
    binary = os.environ.get("WARD_FAULT_RUNTIME") or os.path.join(
        os.path.dirname(ctx.rt.binary), "tests", "ward-fault")
    assert os.access(binary, os.X_OK), f"{binary} missing: `make` builds it"
    return Faulty(ctx, binary)


class Faulty:
    def __init__(self, ctx, binary):
        self.ctx = ctx
        self.binary = binary
        self.token = str(random.randint(10 ** 6, 10 ** 7))  # the workload: sleep <token>

    def bundle(self, cid):
        b = self.ctx.bundle("sleep", self.token)
        self.ctx.prepare(cid, b)
        b.write()
        self.ctx.rt._track(cid)
        return b

    def call(self, args, step=None, hit=1, trace=None):
        env = dict(os.environ)
        if step:
            env.update(WARD_FAULT=step, WARD_FAULT_HIT=str(hit))
        if trace:
            env["WARD_FAULT_TRACE"] = trace
        argv = [self.binary, "--root", self.ctx.rt.root] + [str(a) for a in args]
        with open(self.ctx.path(f"fault-{time.monotonic_ns()}.err"), "w+") as err:
            rc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err, timeout=30).returncode
            err.seek(0)
            return rc, err.read()

    def processes(self, cid):
        """Host processes that belong to the container: its init (a clone of ward, whose
        command line names the id) or its workload (sleep <token>)."""
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            if int(pid) != os.getpid() and (cid.encode() in argv or
                                            argv[:2] == [b"sleep", self.token.encode()]):
                found.append(int(pid))
        return found

    def assert_gone(self, cid):
        """Nothing of the container is left: state, cgroups, processes; the id is free again."""
        rt = self.ctx.rt
        left = [e for e in rt.root_entries() if e != ".seccomp-cache"]
        assert left == [], left
        cg = self.ctx.cgroups_path(cid)
        deadline = time.monotonic() + 5
        while (hostcheck.cgroup_dirs(cg) or self.processes(cid)) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert hostcheck.cgroup_dirs(cg) == []
        assert self.processes(cid) == []
        assert rt.call("state", cid).rc != 0

    def create_again(self, cid, b):
        res = self.ctx.rt.create(cid, b, check=False)
        assert res.rc == 0, res
        assert self.ctx.rt.delete(cid, force=True, check=False).rc == 0
        self.assert_gone(cid)


def test_every_step_is_named_and_reached(ctx, fault):
    """The step lists above are what ward-fault really passes, and every fault point in the
    sources is in them (a new step gets a kill test by being added here)."""
    cid = ctx.new_id()
    b = fault.bundle(cid)
    traces = {}
    for cmd, args in [("create", ["create", "--bundle", b.path, cid]), ("start", ["start", cid]),
                      ("update", ["update", "--cpu-shares", "512", cid]),
                      ("delete", ["delete", "--force", cid])]:
        trace = ctx.path(f"trace-{cmd}")
        rc, err = fault.call(args, trace=trace)
        assert rc == 0, err
        traces[cmd] = open(trace).read().split()
        assert traces[cmd] == STEPS[cmd], cmd
    fault.assert_gone(cid)
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    named = set()
    for folder, _, files in os.walk(os.path.join(repo, "runtime")):
        for name in files:
            if name.endswith(".c"):
                text = open(os.path.join(folder, name)).read()
                named |= set(re.findall(r'fault_point\("([^"]+)"\)', text))
                named |= set(re.findall(r'"(write:[a-z.]+)"', text))
    listed = {s for steps in (*STEPS.values(), *VOLUME_STEPS.values()) for s in steps}
    assert named and named <= listed, named - listed


def test_production_ward_ignores_the_variable(ctx, fault):
    """Control: the same variable does nothing to the production binary."""
    cid = ctx.new_id()
    b = fault.bundle(cid)
    env = dict(os.environ, WARD_FAULT="create:dir-made")
    res = ctx.rt.call("create", "--bundle", b.path, cid, env=env)
    assert res.rc == 0, res
    assert ctx.rt.state(cid)["status"] == "created"
    assert fault.call(["delete", "--force", cid], step="delete:killed")[0] == -9
    assert ctx.rt.delete(cid, force=True, check=False).rc == 0
    fault.assert_gone(cid)


@pytest.mark.parametrize("step,hit", _points("create"), ids=_ids(_points("create")))
def test_create_killed(ctx, fault, step, hit):
    cid = ctx.new_id()
    b = fault.bundle(cid)
    rc, err = fault.call(["create", "--bundle", b.path, cid], step=step, hit=hit)
    assert rc == -9, err
    assert cid in ctx.rt.list(quiet=True).out.split() or step == "create:dir-locked" or \
        "delete --force" in ctx.rt.call("state", cid).err
    pid = _pid_in_state(ctx, cid)
    if pid and wait_pid_gone(pid, timeout=2):
        # the init died with its creator: the status says so, not the last write's "creating"
        assert ctx.rt.state(cid)["status"] == "stopped"
    res = ctx.rt.delete(cid, force=True, check=False)
    if step == "create:dir-locked":
        # not yet named after the id: the container does not exist (its hidden directory goes);
        # --force may say so or, as runc does, succeed
        assert res.rc == 0 or "does not exist" in res.err, res
    else:
        assert res.rc == 0, res
    fault.assert_gone(cid)
    fault.create_again(cid, b)


def _pid_in_state(ctx, cid):
    try:
        with open(os.path.join(ctx.rt.root, cid, "state.json")) as f:
            return json.load(f).get("pid")
    except (OSError, ValueError):
        return None


def _created(ctx, fault):
    cid = ctx.new_id()
    b = fault.bundle(cid)
    ctx.rt.create(cid, b)
    pid = ctx.rt.state(cid)["pid"]
    ctx.rt.pids[cid] = pid
    return cid, b, pid


@pytest.mark.parametrize("step,hit", _points("start"), ids=_ids(_points("start")))
def test_start_killed(ctx, fault, step, hit):
    cid, b, pid = _created(ctx, fault)
    rc, err = fault.call(["start", cid], step=step, hit=hit)
    assert rc == -9, err
    if step == "start:loaded":
        # killed before it released the init: still created, and start works
        assert ctx.rt.state(cid)["status"] == "created"
        ctx.rt.start(cid)
    # the init execs the workload whatever state.json last said: ward asks the process
    assert ctx.rt.wait_status(cid, "running", timeout=5)["status"] == "running"
    assert fault.processes(cid) == [pid]
    res = ctx.rt.start(cid, check=False)
    assert res.rc != 0 and "it is running" in res.err, res
    res = ctx.rt.delete(cid, check=False)
    assert res.rc != 0 and "not stopped" in res.err, res
    assert fault.processes(cid) == [pid], "a plain delete must not kill a running container"
    assert ctx.rt.delete(cid, force=True, check=False).rc == 0
    assert wait_pid_gone(pid)
    fault.assert_gone(cid)
    fault.create_again(cid, b)


@pytest.mark.parametrize("step,hit", _points("update"), ids=_ids(_points("update")))
def test_update_killed(ctx, fault, step, hit):
    cid, b, pid = _created(ctx, fault)
    ctx.rt.start(cid)
    rc, err = fault.call(["update", "--cpu-shares", "512", cid], step=step, hit=hit)
    assert rc == -9, err
    assert ctx.rt.state(cid)["status"] == "running"
    assert ctx.rt.call("update", "--cpu-shares", "256", cid).rc == 0
    assert ctx.rt.delete(cid, force=True, check=False).rc == 0
    assert wait_pid_gone(pid)
    fault.assert_gone(cid)


@pytest.mark.parametrize("step,hit", _points("delete"), ids=_ids(_points("delete")))
def test_delete_killed(ctx, fault, step, hit):
    cid, b, pid = _created(ctx, fault)
    ctx.rt.start(cid)
    rc, err = fault.call(["delete", "--force", cid], step=step, hit=hit)
    assert rc == -9, err
    res = ctx.rt.delete(cid, force=True, check=False)
    assert res.rc == 0, res
    assert wait_pid_gone(pid)
    fault.assert_gone(cid)
    fault.create_again(cid, b)
