# SPDX-License-Identifier: Apache-2.0
"""Escape attempts through dangerous syscalls, each from a generous container (root, every
capability, no seccomp section, noNewPrivileges false). The control is the same container with
the host config (`ward --config`) allowing the syscalls in the baseline and turning Landlock off:
there each call succeeds, so the refusal in the attempt is ward's sandbox and not the config or
the kernel. Where success could touch the host the programs use arguments the kernel rejects only
after their permission check, or objects that die with the process (keys, maps). kexec and
module loading are in test_escape_kernel_features.py (their control needs kernel support)."""
import os
import subprocess

import battery
from escape import attempt, describe, verdict
from wardlib import generous_config, parse_result

MOUNT_CALLS = ("mount", "umount", "umount2", "fsopen", "open_tree")


def test_mount(ward):
    # the control mounts inside the container's own mount namespace: nothing reaches the host
    attempt(ward, "mount (tmpfs, fsopen, open_tree)", ["/sec/mount", "/mnt"],
            {"mount": ("EPERM",), "fsopen": ("EPERM",), "open_tree": ("EPERM",)},
            relax=MOUNT_CALLS)


def test_umount_proc(ward):
    attempt(ward, "umount /proc", ["/sec/umount", "/proc"], {"umount": ("EPERM",)},
            relax=MOUNT_CALLS)


def test_unshare_user_mount(ward):
    # clone3 answers ENOSYS by design (its flags are in memory seccomp cannot read)
    attempt(ward, "unshare -U -m (unshare, clone, clone3)", ["/sec/unshare"],
            {"unshare": ("EPERM",), "clone": ("EPERM",), "clone3": ("ENOSYS", "EPERM")},
            relax=("unshare", "clone", "clone3"))


def _setns_blocked(r):
    """No namespace joined, at least one tried or refused at open, every error EPERM/EACCES."""
    errors = [e for e in r.get("errors", "").split(",") if e and e != "none"]
    return (r.get("setns") == "blocked" and errors and
            all(e.split(":")[-1] in ("EPERM", "EACCES") for e in errors))


def test_setns_host_namespaces(ward):
    """A container in the host's pid namespace sees host processes: join their namespaces
    through /proc/1/ns/* and /proc/PID/ns/* of a host process the test starts."""
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        args = ["/sec/setns", "1", str(sleeper.pid)]
        ctl = ward.run(generous_config(args, pid_ns=False), hostconf=ward.relaxed(("setns",)))
        assert ctl.result and ctl.result["setns"].startswith("ok:"), f"control: {ctl}"
        out = ward.run(generous_config(args, pid_ns=False))
        r = out.result or {}
        blocked = battery.record("setns to /proc/PID/ns of host processes", _setns_blocked(r),
                                 describe(r, ("setns", "tried", "errors")))
        assert blocked, f"setns NOT BLOCKED: {out}"
    finally:
        sleeper.kill()
        sleeper.wait()


def test_setns_handed_host_namespace_fds(ward):
    """The same with host namespace fds handed in (--preserve-fds 2: the host's mnt and net
    namespaces as fds 3 and 4), so the call itself, not the /proc lookup, is what must fail."""
    def run(hostconf=None):
        fds = [os.open(f"/proc/self/ns/{ns}", os.O_RDONLY) for ns in ("mnt", "net")]

        def place():
            for i, fd in enumerate(fds):
                os.dup2(fd, 3 + i)
        b = ward.bundle(generous_config(["/sec/setns", "fd:3", "fd:4"]))
        try:
            r = subprocess.run(ward.argv("run", "--preserve-fds", "2", "--bundle", b,
                                         ward.new_id(), hostconf=hostconf),
                               capture_output=True, text=True, timeout=60, preexec_fn=place,
                               close_fds=False)
        finally:
            for fd in fds:
                os.close(fd)
        return r, parse_result(r.stdout) or {}

    ctl, ctl_r = run(ward.relaxed(("setns",)))
    assert ctl_r.get("setns", "").startswith("ok:"), f"control: {ctl.stdout} {ctl.stderr}"
    out, r = run()
    blocked = battery.record("setns to handed host namespace fds", _setns_blocked(r),
                             describe(r, ("setns", "tried", "errors")))
    assert blocked, f"setns with handed fds NOT BLOCKED: {out.stdout} {out.stderr}"


def test_keyctl(ward):
    attempt(ward, "keyctl / add_key", ["/sec/keyctl"],
            {"keyctl": ("EPERM",), "add_key": ("EPERM",)}, relax=("keyctl", "add_key"))


def test_bpf(ward):
    attempt(ward, "bpf (map create)", ["/sec/bpf"], {"bpf": ("EPERM",)}, relax=("bpf",))


def test_perf_event_open(ward):
    attempt(ward, "perf_event_open", ["/sec/perf"], {"perf_event_open": ("EPERM",)},
            relax=("perf_event_open",))


def test_open_by_handle_at(ward):
    """Shocker: a handle for the rootfs and a forged one for inode 2, the root of the ext4
    filesystem the rootfs lives on (the host's own root here). The control, with the baseline
    relaxed and Landlock off, opens the forged handle and lands OUTSIDE the container."""
    args = ["/sec/handle"]
    ctl = ward.run(generous_config(args),
                   hostconf=ward.relaxed(("name_to_handle_at", "open_by_handle_at")))
    assert verdict(ctl.result, {"name_to_handle_at": ("ok",), "open_by_handle_at": ("ok",),
                                "forged": ("ok",), "escape": ("yes",)}), f"control: {ctl}"
    out = ward.run(generous_config(args))
    res = out.result or {}
    expect = {"name_to_handle_at": ("EPERM",), "open_by_handle_at": ("skip",),
              "forged": ("EPERM",)}
    blocked = battery.record("name_to_handle_at / open_by_handle_at on the rootfs",
                             verdict(out.result, expect) and "escape" not in res,
                             describe(res, [k for k in ("name_to_handle_at", "forged", "escape")
                                            if k in res]))
    assert blocked, f"open_by_handle_at NOT BLOCKED: {out}"


def test_userfaultfd(ward):
    attempt(ward, "userfaultfd", ["/sec/userfaultfd"], {"userfaultfd": ("EPERM",)},
            relax=("userfaultfd",))


def test_x32_abi_is_killed(ward, progs):
    """x32 syscalls (a foreign ABI the baseline kills): not counted in the battery, because this
    kernel has x32 off (the control gets ENOSYS), but the filter must still kill the process."""
    host = parse_result(subprocess.run([str(progs["x32"])], capture_output=True,
                                       text=True).stdout)
    out = ward.run(generous_config(["/sec/x32"]))
    assert out.signal == "SIGSYS", f"x32 syscall not killed: {out}"
    if host and host.get("x32") == "ok":
        battery.record("x32 syscall", True, "killed by SIGSYS")
    else:
        battery.uncounted("x32 syscall", f"kernel has x32 off ({describe(host, ['x32'])}); "
                                         "in ward: killed by SIGSYS")


def test_io_uring(ward):
    attempt(ward, "io_uring_setup", ["/sec/io_uring"], {"io_uring_setup": ("EPERM",)},
            relax=("io_uring_setup",))


def test_personality(ward):
    """Turning ASLR off (ADDR_NO_RANDOMIZE) or making data executable (READ_IMPLIES_EXEC) for
    the next exec is refused; the query and PER_LINUX stay allowed."""
    attempt(ward, "personality (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC)", ["/sec/personality"],
            {"no_randomize": ("EPERM",), "read_implies_exec": ("EPERM",), "query": ("ok",),
             "linux": ("ok",)},
            relax=("personality",),
            control_expect={"no_randomize": ("ok",), "read_implies_exec": ("ok",)})
