# SPDX-License-Identifier: Apache-2.0
"""`run` in the foreground of a config with process.terminal and no --console-socket: ward
allocates nothing itself but holds the container's pty master and proxies it to its own
terminal, as runc does (ward only: runc's output and exit code paths differ in detail)."""

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time

import pytest

pytestmark = pytest.mark.ward_only


def _set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _read_until(fd, needle, timeout=15.0):
    buf = b""
    end = time.monotonic() + timeout
    while needle not in buf and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    return buf


def _run_in_pty(ctx, bundle, cid):
    ctx.prepare(cid, bundle)
    bundle.config["process"]["terminal"] = True
    bundle.write()
    argv = ctx.rt.argv("run", "--bundle", bundle.path, cid)
    pid, fd = pty.fork()
    if pid == 0:
        _set_size(0, 31, 97)
        os.execv(argv[0], argv)
    return pid, fd


def _exit_status(pid):
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_run_with_terminal_proxies_it(ctx):
    b = ctx.bundle(script="stty size; tty; read line; echo got:$line; exit 7")
    pid, fd = _run_in_pty(ctx, b, ctx.new_id())
    out = _read_until(fd, b"/dev/")
    assert b"31 97" in out and b"/dev/pts/" in out, out      # its own pty, our window size
    os.write(fd, b"hello\r")
    out = _read_until(fd, b"got:hello")
    assert b"got:hello" in out, out
    assert _exit_status(pid) == 7                              # the container's exit status


def test_window_resize_follows(ctx):
    b = ctx.bundle(script="read a; stty size; read b; stty size")
    pid, fd = _run_in_pty(ctx, b, ctx.new_id())
    os.write(fd, b"x\r")
    assert b"31 97" in _read_until(fd, b"31 97")
    _set_size(fd, 12, 40)
    os.kill(pid, signal.SIGWINCH)          # what a terminal emulator's resize does
    time.sleep(0.3)
    os.write(fd, b"y\r")
    assert b"12 40" in _read_until(fd, b"12 40")
    assert _exit_status(pid) == 0


def test_ctrl_c_reaches_the_container_not_ward(ctx):
    b = ctx.bundle(script="trap 'echo caught-int; exit 5' INT; echo ready; while :; do sleep 0.1; done")
    pid, fd = _run_in_pty(ctx, b, ctx.new_id())
    assert b"ready" in _read_until(fd, b"ready")
    os.write(fd, b"\x03")                  # ^C: raw mode passes it to the container's pty
    assert b"caught-int" in _read_until(fd, b"caught-int")
    assert _exit_status(pid) == 5


def test_detached_terminal_still_needs_a_console_socket(ctx):
    b = ctx.bundle("true")
    b.config["process"]["terminal"] = True
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    b.write()
    res = ctx.rt.call("run", "--detach", "--bundle", b.path, cid)
    assert res.rc != 0 and "--console-socket" in res.err, res
