# SPDX-License-Identifier: Apache-2.0
"""--console-socket (pty master over SCM_RIGHTS, consoleSize) and --preserve-fds (fd 3 passed,
every other host fd closed)."""

import os
import time

import pytest

from lib.console import ConsoleReceiver, read_until_eof


@pytest.fixture
def console(ctx):
    recv = ConsoleReceiver(ctx.path("console.sock"))
    yield recv
    recv.close()


def _tty_bundle(ctx, script, height=37, width=101):
    b = ctx.bundle(script=script)
    b.process["terminal"] = True
    b.process["consoleSize"] = {"height": height, "width": width}
    return b


def test_console_socket_receives_pty_master(ctx, console):
    b = _tty_bundle(ctx, "stty size; tty; echo hello-pty")
    cid = ctx.new_id()
    ctx.create(cid, b, console_socket=console.path)
    master = console.wait()
    target = os.readlink(f"/proc/self/fd/{master}")
    assert target in ("/dev/ptmx", "/dev/pts/ptmx"), target
    ctx.rt.start(cid)
    out = read_until_eof(master).decode(errors="replace").replace("\r\n", "\n")
    lines = out.splitlines()
    assert lines[0] == "37 101", out
    assert lines[1].startswith("/dev/pts/"), out
    assert lines[2] == "hello-pty", out
    ctx.rt.wait_status(cid, "stopped")


def test_console_input_roundtrip(ctx, console):
    b = _tty_bundle(ctx, "stty -echo; echo ready; read line; echo got:$line", 24, 80)
    cid = ctx.new_id()
    ctx.create(cid, b, console_socket=console.path)
    master = console.wait()
    ctx.rt.start(cid)
    buf = b""
    deadline = time.monotonic() + 10
    while b"ready" not in buf and time.monotonic() < deadline:
        buf += os.read(master, 1024)
    assert b"ready" in buf
    os.write(master, b"typed-input\n")
    out = read_until_eof(master).decode(errors="replace")
    assert "got:typed-input" in out, out


def test_console_run_detach(ctx, console):
    b = _tty_bundle(ctx, "stty size; sleep 0.2", 10, 20)
    cid = ctx.new_id()
    assert ctx.run(cid, b, detach=True, console_socket=console.path).rc == 0
    master = console.wait()
    out = read_until_eof(master).decode(errors="replace")
    assert out.splitlines()[0].strip() == "10 20", out


def test_terminal_without_console_socket_fails(ctx):
    b = _tty_bundle(ctx, "true")
    cid = ctx.new_id()
    res = ctx.create(cid, b, check=False)
    assert res.rc != 0, res
    assert res.err.strip()


# ---- --preserve-fds -----------------------------------------------------------------------

# The shell's open fds, probed by an external command per fd number (a pipeline or command
# substitution would add the shell's own pipe fds; a builtin would see ash's saved fds >= 10).
LIST_FDS = 'for n in $(seq 0 63); do /bin/true 2>/dev/null <&$n && printf "%s " $n; done; echo'


def _leaky_popen(ctx, payload):
    """Popen options that hand the runtime fd 3 = a file holding payload, plus two extra
    inheritable (no O_CLOEXEC) fds at 7 and 12 that must not reach the container."""
    path = ctx.path("fd3.txt")
    with open(path, "w") as f:
        f.write(payload)
    fd3 = os.open(path, os.O_RDONLY)
    leak1 = os.open(ctx.path("leak1"), os.O_RDWR | os.O_CREAT, 0o600)
    leak2 = os.open("/etc/hostname", os.O_RDONLY)
    for fd in (fd3, leak1, leak2):
        os.set_inheritable(fd, True)

    def child_setup():
        os.dup2(fd3, 3)
        os.dup2(leak1, 7)
        os.dup2(leak2, 12)

    return dict(close_fds=False, preexec_fn=child_setup), (fd3, leak1, leak2)


def test_preserve_fds_create(ctx):
    popen, fds = _leaky_popen(ctx, "passed-through-fd3\n")
    try:
        b = ctx.bundle(script=LIST_FDS + "; cat <&3")
        cid = ctx.new_id()
        res = ctx.create(cid, b, preserve_fds=1, **popen)
    finally:
        for fd in fds:
            os.close(fd)
    ctx.rt.start(cid)
    ctx.rt.wait_status(cid, "stopped")
    lines = res.out.splitlines()
    assert lines[0].split() == ["0", "1", "2", "3"], res
    assert lines[1] == "passed-through-fd3"


def test_preserve_fds_run(ctx):
    popen, fds = _leaky_popen(ctx, "run-fd3\n")
    try:
        b = ctx.bundle(script=LIST_FDS + "; cat <&3")
        res = ctx.run(ctx.new_id(), b, preserve_fds=1, **popen)
    finally:
        for fd in fds:
            os.close(fd)
    assert res.rc == 0, res
    lines = res.out.splitlines()
    assert lines[0].split() == ["0", "1", "2", "3"], res
    assert lines[1] == "run-fd3"


def test_no_preserve_fds_closes_everything(ctx):
    """Control: without --preserve-fds even fd 3 is closed."""
    popen, fds = _leaky_popen(ctx, "should-not-arrive\n")
    try:
        b = ctx.bundle(script=LIST_FDS)
        res = ctx.run(ctx.new_id(), b, **popen)
    finally:
        for fd in fds:
            os.close(fd)
    assert res.rc == 0, res
    assert res.out.split() == ["0", "1", "2"]
