# SPDX-License-Identifier: Apache-2.0
"""A config's seccomp profile that denies by default and allows only what the workload needs (as
the OCI runtime-tools validation profiles do) must work whatever the no_new_privs setting: the
config's filter is the last thing before execve, after every syscall of ward's own setup (openat2
for the cwd, close_range, the sync messages, the exec.fifo wait), for the init and for exec.
Without no_new_privs the process keeps CAP_SYS_ADMIN until that load, and execve takes it away:
the workload's capabilities are the config's."""
import pytest

from exec_helpers import default_config, ward  # noqa: F401

# what busybox's cat and sleep need, nothing of ward's
WORKLOAD_SYSCALLS = [
    "arch_prctl", "brk", "clock_nanosleep", "close", "execve", "exit", "exit_group", "getrandom",
    "getuid", "mmap", "mprotect", "munmap", "nanosleep", "openat", "prctl", "prlimit64", "read",
    "readlink", "rseq", "sendfile", "set_robust_list", "set_tid_address", "write",
]
# the config's capabilities (ward spec's default): AUDIT_WRITE, KILL, NET_BIND_SERVICE
CAPS = "0000000020000420"

SETTINGS = {
    # name: (host config text, process.noNewPrivileges, NoNewPrivs expected)
    "nnp-required": ("", True, "1"),
    "nnp-optional-config-true": ("sandbox.no_new_privileges = optional\n", True, "1"),
    "nnp-optional-config-false": ("sandbox.no_new_privileges = optional\n", False, "0"),
}


def minimal_profile_config(args, nnp):
    cfg = default_config(args)
    cfg["process"]["noNewPrivileges"] = nnp
    cfg["linux"]["seccomp"] = {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": 1,
        "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [{"names": WORKLOAD_SYSCALLS, "action": "SCMP_ACT_ALLOW"}],
    }
    return cfg


def status_fields(text):
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def check_workload(r, want_nnp):
    assert r.returncode == 0, r.stderr
    st = status_fields(r.stdout)
    assert st["Seccomp"] == "2" and st["Seccomp_filters"] == "2", r.stdout
    assert st["NoNewPrivs"] == want_nnp, r.stdout
    for s in ("CapEff", "CapPrm", "CapBnd"):
        assert st[s] == CAPS, f"{s}: {st[s]} (CAP_SYS_ADMIN must not survive execve)"


@pytest.fixture(params=sorted(SETTINGS))
def setting(request, tmp_path):
    text, nnp, want = SETTINGS[request.param]
    conf = tmp_path / "ward.conf"
    conf.write_text(text)
    return str(conf), nnp, want


def test_init_under_minimal_profile(ward, setting):
    conf, nnp, want = setting
    b = ward.bundle(minimal_profile_config(["cat", "/proc/self/status"], nnp))
    r = ward.run("run", "--bundle", b, "minimal-" + b.rsplit("-", 1)[-1], config=conf)
    check_workload(r, want)


def test_exec_under_minimal_profile(ward, setting):
    conf, nnp, want = setting
    cid, _ = ward.start(cfg=minimal_profile_config(["sleep", "1000"], nnp), config=conf)
    try:
        r = ward.run("exec", cid, "cat", "/proc/self/status", config=conf)
        check_workload(r, want)
    finally:
        ward.run("delete", "--force", cid)


def test_control_one_missing_syscall_is_denied(ward, tmp_path):
    """Control: the profile is really in force for the workload: without openat, cat cannot open
    the file (EPERM, the profile's errno), while ward's own setup still went through."""
    cfg = minimal_profile_config(["cat", "/proc/self/status"], True)
    cfg["linux"]["seccomp"]["syscalls"][0]["names"].remove("openat")
    b = ward.bundle(cfg)
    r = ward.run("run", "--bundle", b, "minimal-ctl-" + b.rsplit("-", 1)[-1])
    assert r.returncode == 1, r.stderr
    assert "Operation not permitted" in r.stderr and "ward:" not in r.stderr, r.stderr
