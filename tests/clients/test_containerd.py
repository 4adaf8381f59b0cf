# SPDX-License-Identifier: Apache-2.0
"""containerd 1.6 drives the runtime under test through its runc v2 shim (`ctr run --runc-binary`).

The session starts a private containerd (root, state, gRPC and ttrpc sockets in a temp dir, CRI
off) and imports a busybox OCI image built offline with umoci. The runc shim keeps a few fixed
host paths (/run/containerd/s for its sockets); everything else is kept apart: a namespace and
container ids unique to the session, `--runc-root` and `--fifo-dir` in the temp dir.

Run: python3 -m pytest tests/clients/test_containerd.py   (as root; WARD_CLIENT_RUNTIME=/usr/sbin/runc
to validate the suite against runc)
"""
import json
import os
import shutil
import subprocess

import pytest

import clientutil as cu
from lib.common import pid_alive, wait_until  # noqa: E402 (on sys.path through clientutil)
import containerd_api
import containerd_env

TIMEOUT = containerd_env.TIMEOUT
IMG = containerd_env.IMG


@pytest.fixture(scope="session")
def ctr():
    if shutil.which("script") is None:
        pytest.fail("script (util-linux) is required")
    c = containerd_env.setup(cu.runtime_under_test())
    try:
        yield c
    finally:
        containerd_env.teardown(c)


@pytest.fixture(scope="module")
def sleeper(ctr):
    """One long-running task shared by the exec/ps/metrics tests."""
    ctr.start_detached("sleeper", "sleep", "1000")
    yield "sleeper"
    ctr.remove("sleeper")


# -- run ----------------------------------------------------------------------------------------

def test_run_rm_output(ctr):
    assert ctr.run("--rm", IMG, "rm-out", "echo", "hello from the task").stdout == \
        "hello from the task\n"
    assert "rm-out" not in ctr("container", "ls", "-q").stdout.split()


@pytest.mark.parametrize("code", [0, 3])
def test_run_rm_exit_code(ctr, code):
    r = ctr.run("--rm", IMG, f"rm-code{code}", "sh", "-c", f"exit {code}", check=False)
    assert r.returncode == code, r.stderr


def test_run_t(ctr):
    out = ctr.tty(ctr.run_argv("-t", "--rm", IMG, "run-t", "tty"))
    assert "/dev/pts/0" in out


def test_runtime_state_is_under_runc_root(ctr, sleeper):
    """The shim ran the runtime under test with --root <runc-root>/<namespace>."""
    r = subprocess.run([ctr.runtime, "--root", os.path.join(ctr.runc_root, ctr.ns), "state",
                        sleeper], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    state = json.loads(r.stdout)
    assert state["id"] == sleeper and state["status"] == "running"
    assert state["pid"] == ctr.pid(sleeper)


# -- exec ---------------------------------------------------------------------------------------

def test_task_exec(ctr, sleeper):
    assert ctr.exec(sleeper, "e-plain", "echo", "hi").stdout == "hi\n"


def test_task_exec_exit_code(ctr, sleeper):
    assert ctr.exec(sleeper, "e-code", "sh", "-c", "exit 4", check=False).returncode == 4


def test_task_exec_stdin(ctr, sleeper):
    assert ctr.exec(sleeper, "e-stdin", "cat", input="to exec\n").stdout == "to exec\n"


def test_task_exec_joins_the_container(ctr, sleeper):
    init = ctr.pid(sleeper)
    names = ("pid", "mnt", "uts", "ipc", "net", "cgroup")
    want = [os.readlink(f"/proc/{init}/ns/{n}") for n in names]
    r = ctr.exec(sleeper, "e-ns", "sh", "-c",
                 "for n in " + " ".join(names) + "; do readlink /proc/self/ns/$n; done")
    assert r.stdout.split() == want


def test_task_exec_user_cwd(ctr, sleeper):
    r = ctr.exec(sleeper, "e-user", "sh", "-c", "id -u; pwd", opts=["--user", "1000",
                                                                    "--cwd", "/tmp"])
    assert r.stdout.split() == ["1000", "/tmp"]


def test_task_exec_t(ctr, sleeper):
    out = ctr.tty(ctr.argv("task", "exec", "--fifo-dir", ctr.fifo_dir, "-t", "--exec-id",
                           "e-tty", sleeper, "tty"))
    assert "/dev/pts/" in out


def test_task_exec_missing_binary(ctr, sleeper):
    r = ctr.exec(sleeper, "e-missing", "/no/such/binary", check=False)
    assert r.returncode != 0
    assert "/no/such/binary" in r.stderr  # the runtime's error reaches the user


# -- observe --------------------------------------------------------------------------------------

def test_task_ps(ctr):
    init = ctr.start_detached("family", "sh", "-c", "sleep 1000 & sleep 1000 & wait")
    assert wait_until(lambda: len(cu.cgroup_procs(init)) == 3, timeout=cu.WAIT)
    lines = ctr("task", "ps", "family").stdout.splitlines()
    assert lines[0].split() == ["PID", "INFO"]
    assert sorted(int(line.split()[0]) for line in lines[1:]) == sorted(cu.cgroup_procs(init))
    ctr.remove("family")


def test_task_metrics(ctr, sleeper):
    m = json.loads(ctr("task", "metrics", "--format", "json", sleeper).stdout)
    if "memory" in m and "usage" in m["memory"]:  # cgroup v1 metrics
        assert m["memory"]["usage"]["usage"] > 0
    else:  # cgroup v2 metrics
        assert m["memory"]["usage"] > 0
    assert m["pids"]["current"] == len(cu.cgroup_procs(ctr.pid(sleeper)))


# -- change -------------------------------------------------------------------------------------

def test_update_memory_through_task_api(ctr):
    pid = ctr.start_detached("upd", "sleep", "1000")
    for limit in (128 << 20, 256 << 20):
        containerd_api.update_task(ctr.sock, ctr.ns, "upd", {"memory": {"limit": limit}})
        assert cu.memory_limit(pid) == limit
    ctr.remove("upd")


def test_pause_resume(ctr):
    pid = ctr.start_detached("frz", "sleep", "1000")
    ctr("task", "pause", "frz")
    assert ctr.status("frz") == "PAUSED"
    assert cu.is_frozen(pid)
    ctr("task", "resume", "frz")
    assert ctr.status("frz") == "RUNNING"
    assert not cu.is_frozen(pid)
    ctr.remove("frz")


def test_pause_of_stopped_task_fails(ctr):
    ctr.start_detached("stopped", "true")
    assert wait_until(lambda: ctr.status("stopped") == "STOPPED", timeout=cu.WAIT)
    r = ctr("task", "pause", "stopped", check=False)
    assert r.returncode != 0 and "cannot pause a stopped container" in r.stderr
    r = ctr.exec("stopped", "e-late", "true", check=False)
    assert r.returncode != 0 and "stopped" in r.stderr
    ctr.remove("stopped")


# -- kill and delete ----------------------------------------------------------------------------

def test_task_kill(ctr):
    pid = ctr.start_detached("k", "sleep", "1000")
    ctr("task", "kill", "-s", "SIGKILL", "k")
    assert wait_until(lambda: ctr.status("k") == "STOPPED", timeout=cu.WAIT)
    assert not pid_alive(pid)
    assert ctr.delete_task("k") == 137  # 128 + SIGKILL
    ctr("container", "delete", "k")


def test_task_kill_term(ctr):
    ctr.start_detached("kterm", "sh", "-c", "trap 'exit 7' TERM; while :; do sleep 0.05; done")
    ctr("task", "kill", "kterm")  # SIGTERM by default
    assert wait_until(lambda: ctr.status("kterm") == "STOPPED", timeout=cu.WAIT)
    assert ctr.delete_task("kterm") == 7  # the workload's TERM handler ran
    ctr("container", "delete", "kterm")


def test_task_kill_all(ctr):
    pid = ctr.start_detached("kall", "sh", "-c", "sleep 1000 & sleep 1000 & wait")
    assert wait_until(lambda: len(cu.cgroup_procs(pid)) == 3, timeout=cu.WAIT)
    procs = cu.cgroup_procs(pid)
    ctr("task", "kill", "--all", "-s", "SIGKILL", "kall")
    assert wait_until(lambda: not any(pid_alive(p) for p in procs), timeout=cu.WAIT)
    assert wait_until(lambda: ctr.status("kall") == "STOPPED", timeout=cu.WAIT)
    ctr.remove("kall")


def test_task_delete(ctr):
    ctr.start_detached("del", "sh", "-c", "exit 5")
    assert wait_until(lambda: ctr.status("del") == "STOPPED", timeout=cu.WAIT)
    assert ctr.delete_task("del") == 5
    assert "del" not in ctr.tasks()
    r = subprocess.run([ctr.runtime, "--root", os.path.join(ctr.runc_root, ctr.ns), "state", "del"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0  # the runtime's state is gone too
    assert not os.path.exists(os.path.join(ctr.work, "state", "io.containerd.runtime.v2.task",
                                           ctr.ns, "del"))
    ctr("container", "delete", "del")
