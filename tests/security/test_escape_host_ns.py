# SPDX-License-Identifier: Apache-2.0
"""Escape attempts from a container that shares a host namespace: an abstract unix socket a host
service listens on (the containerd-shim class of bug, CVE-2020-15257) from the host's network
namespace; kill(2), ptrace, process_vm_readv and pidfd_getfd of a host process from the host's
pid namespace. Landlock (its abstract-socket and signal scoping, ABI 6, and its ptrace
restriction) is what stops them; the control is the same container with Landlock off."""
import os
import socket
import subprocess
import time

import battery
from escape import describe, verdict
from wardlib import generous_config


def test_connect_host_abstract_socket(ward):
    name = f"ward-sec-{os.getpid()}-{time.monotonic_ns()}"
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind("\0" + name)
    srv.listen(8)
    try:
        args = ["/sec/abstract", name]
        ctl = ward.run(generous_config(args, net_ns=False), hostconf=ward.relaxed())
        assert verdict(ctl.result, {"connect": ("ok",)}), f"control: {ctl}"
        out = ward.run(generous_config(args, net_ns=False))
        blocked = battery.record("connect to a host abstract unix socket (shared net ns)",
                                 verdict(out.result, {"connect": ("EPERM", "EACCES")}),
                                 describe(out.result, ["connect"]))
        assert blocked, f"abstract socket NOT BLOCKED: {out}"
    finally:
        srv.close()


def test_kill_host_process(ward):
    victims = []
    try:
        ctl_victim = subprocess.Popen(["sleep", "60"])
        victims.append(ctl_victim)
        ctl = ward.run(generous_config(["/sec/kill", str(ctl_victim.pid)], pid_ns=False),
                       hostconf=ward.relaxed())
        assert verdict(ctl.result, {"kill": ("ok",)}), f"control: {ctl}"
        assert ctl_victim.wait(timeout=10) == -15, "the control's kill did not land"

        victim = subprocess.Popen(["sleep", "60"])
        victims.append(victim)
        out = ward.run(generous_config(["/sec/kill", str(victim.pid)], pid_ns=False))
        time.sleep(0.2)
        alive = victim.poll() is None
        blocked = battery.record("kill(2) of a host process (shared pid ns)",
                                 verdict(out.result, {"kill": ("EPERM",)}) and alive,
                                 describe(out.result, ["signal0", "kill"]) + f" alive={alive}")
        assert blocked, f"kill of a host process NOT BLOCKED: {out}"
    finally:
        for v in victims:
            if v.poll() is None:
                v.kill()
            v.wait()


def test_ptrace_host_process(ward):
    """From the host's pid namespace with CAP_SYS_PTRACE: PTRACE_SEIZE a host process, read its
    memory (process_vm_readv), steal its fd 0 (pidfd_getfd). The control (the host relaxing the
    baseline for these calls, Landlock off) does all three; ward refuses them twice over: the
    baseline denies them in a shared pid namespace, and Landlock's domain would too."""
    victim = subprocess.Popen(["sleep", "60"], stdin=subprocess.DEVNULL)
    try:
        args = ["/sec/ptrace", str(victim.pid)]
        keys = ("ptrace_seize", "process_vm_readv", "pidfd_getfd")
        ctl = ward.run(generous_config(args, pid_ns=False), hostconf=ward.relaxed(
            ("ptrace", "process_vm_readv", "pidfd_getfd")))
        assert verdict(ctl.result, {k: ("ok",) for k in keys}), f"control: {ctl}"
        out = ward.run(generous_config(args, pid_ns=False))
        blocked = battery.record("ptrace / process_vm_readv / pidfd_getfd of a host process",
                                 verdict(out.result, {k: ("EPERM", "EACCES") for k in keys}),
                                 describe(out.result, keys))
        assert blocked, f"ptrace of a host process NOT BLOCKED: {out}"
        # seccomp alone (Landlock off, as on a kernel without it) still refuses them
        out = ward.run(generous_config(args, pid_ns=False),
                       hostconf=ward.hostconf("landlock = off\n"))
        assert verdict(out.result, {k: ("EPERM",) for k in keys}), f"without Landlock: {out}"
    finally:
        victim.kill()
        victim.wait()
