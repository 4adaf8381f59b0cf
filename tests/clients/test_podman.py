# SPDX-License-Identifier: Apache-2.0
"""podman 4.3 (through conmon) drives the runtime under test.

Everything lives in one temp dir: a private CONTAINERS_CONF and CONTAINERS_STORAGE_CONF (overlay
storage, cgroupfs, file events and locks, no network), the runtime registered as `ward` in
[engine.runtimes] and in runtime_supports_json (so podman passes --log-format=json --log), and a
busybox image made offline with `podman import`. One setup serves the whole session.

Run: python3 -m pytest tests/clients/test_podman.py   (as root; WARD_CLIENT_RUNTIME=/usr/sbin/runc
to validate the suite against runc)
"""
import json
import os
import shlex
import shutil
import subprocess
import time

import pytest

import clientutil as cu
from lib.common import pid_alive, wait_until  # noqa: E402 (on sys.path through clientutil)
import podman_env

TIMEOUT = podman_env.TIMEOUT
IMG = podman_env.IMG


@pytest.fixture(scope="session")
def pm():
    if shutil.which("podman") is None or shutil.which("conmon") is None:
        pytest.fail("podman and conmon are required (scripts/install-deps)")
    pm = podman_env.setup({"ward": cu.runtime_under_test()})
    try:
        yield pm
    finally:
        podman_env.teardown(pm)


@pytest.fixture(scope="module")
def sleeper(pm):
    """One long-running container shared by the exec/top/stats tests."""
    pm.run_detached("sleeper", "sleep", "1000")
    yield "sleeper"
    pm("rm", "-f", "-t", "0", "sleeper", check=False)


# -- run ----------------------------------------------------------------------------------------

def test_runtime_is_the_one_under_test(pm):
    info = json.loads(pm("info", "--format", "json").stdout)
    assert info["host"]["ociRuntime"]["path"] == pm.runtime
    assert info["host"]["ociRuntime"]["name"] == "ward"


def test_run_rm_output(pm):
    r = pm("run", "--rm", IMG, "echo", "hello from the container")
    assert r.stdout == "hello from the container\n"
    assert pm("ps", "-aq").stdout.strip() == ""


@pytest.mark.parametrize("code", [0, 3])
def test_run_rm_exit_code(pm, code):
    r = pm("run", "--rm", IMG, "sh", "-c", f"exit {code}", check=False)
    assert r.returncode == code, r.stderr


def test_run_it_has_a_tty(pm):
    # podman's attach to conmon can lose the output of a process that exits at once (seen with
    # runc as often as with ward: 1 run in 4); a short pause lets the attach settle first
    r = pm.tty("run", "--rm", "-it", IMG, "sh", "-c", "sleep 0.5; tty; stty size")
    assert "/dev/pts/0" in r.stdout


def test_run_i_passes_stdin(pm):
    r = pm("run", "--rm", "-i", IMG, "sh", "-c", "cat; echo done", input="line one\nline two\n")
    assert r.stdout == "line one\nline two\ndone\n"


def test_run_preserve_fds(pm, tmp_path):
    (tmp_path / "a").write_text("fd three\n")
    (tmp_path / "b").write_text("fd four\n")
    cmd = shlex.join(pm.argv("run", "--rm", "--preserve-fds", "2", IMG,
                           "sh", "-c", "cat <&3; cat <&4"))
    r = subprocess.run(["sh", "-c", f"exec {cmd} 3<{tmp_path}/a 4<{tmp_path}/b"],
                       capture_output=True, text=True, env=pm.env, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "fd three\nfd four\n"


def test_run_init(pm):
    r = pm("run", "--rm", "--init", IMG, "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo")
    assert r.stdout.startswith("/run/podman-init "), r.stdout


def test_run_pid_host_then_stop_kills_all(pm):
    """Without its own PID namespace the container is stopped with `kill --all`."""
    pid = pm.run_detached("hostpid", "sh", "-c", "sleep 1000 & sleep 1000 & wait",
                          opts=["--pid=host"])
    with open(f"/proc/{pid}/status") as f:
        assert f"NSpid:\t{pid}\n" in f.read()  # one level: the host PID namespace
    assert wait_until(lambda: len(cu.cgroup_procs(pid)) == 3, timeout=cu.WAIT)
    procs = cu.cgroup_procs(pid)
    pm("stop", "-t", "5", "hostpid")
    assert pm.status("hostpid") == "exited"
    assert wait_until(lambda: not any(pid_alive(p) for p in procs), timeout=cu.WAIT)
    pm("rm", "hostpid")


# -- exec ---------------------------------------------------------------------------------------

def test_exec_plain(pm, sleeper):
    assert pm("exec", sleeper, "echo", "hi").stdout == "hi\n"


def test_exec_exit_code_passes_through(pm, sleeper):
    assert pm("exec", sleeper, "sh", "-c", "exit 3", check=False).returncode == 3


def test_exec_joins_the_container(pm, sleeper):
    r = pm("exec", sleeper, "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; hostname")
    assert r.stdout.splitlines()[0] == "sleep 1000 "
    init = pm.pid(sleeper)
    host_ns = {n: os.readlink(f"/proc/{init}/ns/{n}") for n in ("pid", "mnt", "uts", "ipc", "net")}
    r = pm("exec", sleeper, "sh", "-c", "for n in pid mnt uts ipc net; do readlink /proc/self/ns/$n; done")
    assert r.stdout.split() == [host_ns[n] for n in ("pid", "mnt", "uts", "ipc", "net")]


def test_exec_t(pm, sleeper):
    assert pm("exec", "-t", sleeper, "tty").stdout.strip().startswith("/dev/pts/")


def test_exec_it(pm, sleeper):
    assert "/dev/pts/" in pm.tty("exec", "-it", sleeper, "sh", "-c", "sleep 0.3; tty").stdout


def test_exec_i_passes_stdin(pm, sleeper):
    assert pm("exec", "-i", sleeper, "cat", input="to exec\n").stdout == "to exec\n"


def test_exec_d(pm, sleeper):
    pm("exec", "-d", sleeper, "sh", "-c", "sleep 0.2; echo detached > /tmp/exec-d")
    assert wait_until(
        lambda: pm("exec", sleeper, "cat", "/tmp/exec-d", check=False).stdout == "detached\n",
        timeout=cu.WAIT)


def test_exec_user_workdir_env(pm, sleeper):
    r = pm("exec", "-u", "1000", "-w", "/tmp", "-e", "FOO=bar", sleeper,
           "sh", "-c", 'id -u; id -g; pwd; echo "$FOO"')
    assert r.stdout.split() == ["1000", "1000", "/tmp", "bar"]


def test_exec_missing_binary(pm, sleeper):
    r = pm("exec", sleeper, "/no/such/binary", check=False)
    assert r.returncode == 127
    assert "OCI runtime attempted to invoke a command that was not found" in r.stderr


# -- observe and change a running container -----------------------------------------------------

def test_top(pm, sleeper):
    r = pm("top", sleeper)
    lines = r.stdout.splitlines()
    assert lines[0].split()[:3] == ["USER", "PID", "PPID"]
    assert any(line.split()[1] == "1" and "sleep 1000" in line for line in lines[1:]), r.stdout


def test_stats_no_stream(pm, sleeper):
    stats = json.loads(pm("stats", "--no-stream", "--format", "json", sleeper).stdout)
    assert len(stats) == 1 and stats[0]["name"] == sleeper
    assert stats[0]["pids"] == "1"
    assert not stats[0]["mem_usage"].startswith("0B")


def test_update_cpu_shares_memory(pm):
    pid = pm.run_detached("upd", "sleep", "1000")
    pm("update", "--cpu-shares", "512", "--memory", "256m", "upd")
    assert cu.memory_limit(pid) == 256 << 20
    assert cu.cpu_shares(pid) == cu.shares_as_seen(512)
    pm("rm", "-f", "-t", "0", "upd")


def test_pause_unpause(pm):
    pid = pm.run_detached("frz", "sh", "-c", "while :; do echo tick; sleep 0.05; done")
    ticks = lambda: len(pm("logs", "frz").stdout.splitlines())
    pm("pause", "frz")
    assert pm.status("frz") == "paused"
    assert cu.is_frozen(pid)
    n = ticks()
    time.sleep(0.5)
    assert ticks() == n  # frozen: no output
    pm("unpause", "frz")
    assert pm.status("frz") == "running"
    assert not cu.is_frozen(pid)
    assert wait_until(lambda: ticks() > n, timeout=cu.WAIT)
    pm("rm", "-f", "-t", "0", "frz")


# -- stop, kill, wait, restart, rm --------------------------------------------------------------

def test_stop_term_is_enough(pm):
    pm.run_detached("term", "sh", "-c", "trap 'exit 7' TERM; while :; do sleep 0.05; done")
    t0 = time.monotonic()
    pm("stop", "-t", "30", "term")
    assert time.monotonic() - t0 < 20
    assert pm.status("term") == "exited"
    assert pm.exit_code("term") == 7  # the workload's TERM handler ran
    pm("rm", "term")


def test_stop_falls_back_to_kill(pm):
    pid = pm.run_detached("stubborn", "sleep", "1000")  # PID 1 without a handler ignores TERM
    t0 = time.monotonic()
    pm("stop", "-t", "2", "stubborn")
    assert time.monotonic() - t0 >= 2
    assert pm.status("stubborn") == "exited"
    assert pm.exit_code("stubborn") == 137
    assert not pid_alive(pid)
    pm("rm", "stubborn")


def test_kill(pm):
    pm.run_detached("k9", "sleep", "1000")
    pm("kill", "k9")
    assert pm("wait", "k9").stdout.strip() == "137"
    pm.run_detached("kterm", "sh", "-c", "trap 'exit 9' TERM; while :; do sleep 0.05; done")
    pm("kill", "-s", "TERM", "kterm")
    assert pm("wait", "kterm").stdout.strip() == "9"
    pm("rm", "k9", "kterm")


def test_wait_returns_137(pm):
    pm.run_detached("waited", "sleep", "1000")
    waiter = subprocess.Popen(pm.argv("wait", "waited"), stdout=subprocess.PIPE, text=True,
                              env=pm.env)
    time.sleep(0.5)
    pm("kill", "waited")
    out, _ = waiter.communicate(timeout=TIMEOUT)
    assert waiter.returncode == 0 and out.strip() == "137"
    pm("rm", "waited")


def test_restart(pm):
    pid = pm.run_detached("again", "sh", "-c", "echo up; exec sleep 1000")
    pm("restart", "-t", "1", "again")
    assert pm.status("again") == "running"
    new = pm.pid("again")
    assert new != pid and not pid_alive(pid) and pid_alive(new)
    assert wait_until(lambda: pm("logs", "again").stdout == "up\nup\n", timeout=cu.WAIT)
    pm("rm", "-f", "-t", "0", "again")


def test_rm_f_running(pm):
    pid = pm.run_detached("doomed", "sleep", "1000")
    pm("rm", "-f", "-t", "0", "doomed")
    assert "doomed" not in pm("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert wait_until(lambda: not pid_alive(pid), timeout=cu.WAIT)


def test_create_init_start(pm):
    pm("create", "--name", "staged", IMG, "sh", "-c", "echo started; sleep 1000")
    assert pm.status("staged") == "created"
    pm("init", "staged")
    assert pm.status("staged") == "initialized"
    pid = pm.pid("staged")
    assert pid_alive(pid)
    assert pm("logs", "staged").stdout == ""  # created but not started: nothing ran yet
    pm("start", "staged")
    assert pm.status("staged") == "running" and pm.pid("staged") == pid
    assert wait_until(lambda: pm("logs", "staged").stdout == "started\n", timeout=cu.WAIT)
    pm("rm", "-f", "-t", "0", "staged")
