# SPDX-License-Identifier: Apache-2.0
"""The process: rlimits, oomScoreAdj, umask, user and groups, capabilities, noNewPrivileges, cwd,
env, sysctl, args."""

import os
import re
import resource
import subprocess

import pytest

CAP_KILL = 1 << 5
CAP_NET_BIND_SERVICE = 1 << 10


def _status(text):
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def test_rlimit_nofile(ctx):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard >= 1024, "the host hard limit is too low for this test"
    b = ctx.bundle(script="ulimit -n; ulimit -Hn")
    b.process["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1024}]
    assert ctx.run_ok(b).split() == ["512", "1024"]


def test_rlimit_several(ctx):
    b = ctx.bundle(script="grep -E '^Max (open files|core file size|processes)' /proc/self/limits")
    b.process["rlimits"] = [
        {"type": "RLIMIT_NOFILE", "soft": 300, "hard": 400},
        {"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
        {"type": "RLIMIT_NPROC", "soft": 4000, "hard": 5000},
    ]
    rows = {}
    for line in ctx.run_ok(b).splitlines():
        name, values = re.split(r"\s{2,}", line, maxsplit=1)
        rows[name] = values.split()[:2]
    assert rows["Max open files"] == ["300", "400"]
    assert rows["Max core file size"] == ["0", "0"]
    assert rows["Max processes"] == ["4000", "5000"]


def test_rlimit_above_host_hard_limit_fails(ctx):
    """Root here lacks CAP_SYS_RESOURCE: raising the hard limit must fail, not be ignored."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    b = ctx.bundle("true")
    b.process["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": hard + 1000, "hard": hard + 1000}]
    res = ctx.run(ctx.new_id(), b)
    assert res.rc != 0, res
    assert res.err.strip()


def test_oom_score_adj(ctx):
    b = ctx.bundle("cat", "/proc/self/oom_score_adj")
    b.process["oomScoreAdj"] = 123
    assert ctx.run_ok(b).strip() == "123"


def test_umask(ctx):
    b = ctx.bundle(script="umask; touch /tmp/f; mkdir /tmp/d; stat -c %a /tmp/f /tmp/d")
    b.add_mount("/tmp", "tmpfs", "tmpfs", ["mode=1777", "size=64k"])
    b.process["user"]["umask"] = 0o027
    assert ctx.run_ok(b).split() == ["0027", "640", "750"]


def test_user_uid_gid_additional_gids(ctx):
    b = ctx.bundle(script="id -u; id -g; grep '^Groups:' /proc/self/status; id")
    b.process["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [10, 29]}
    lines = ctx.run_ok(b).splitlines()
    assert lines[0] == "1000"
    assert lines[1] == "1000"
    assert sorted(int(g) for g in lines[2].split()[1:]) == [10, 29]
    assert lines[3].startswith("uid=1000(user) gid=1000(user)")


def test_user_without_additional_gids_has_no_groups(ctx):
    b = ctx.bundle(script="grep '^Groups:' /proc/self/status")
    b.process["user"] = {"uid": 1000, "gid": 1000}
    assert ctx.run_ok(b).split() == ["Groups:"]


def test_capabilities_exact_sets(ctx):
    b = ctx.bundle("cat", "/proc/self/status")
    b.set_caps(["CAP_KILL", "CAP_NET_BIND_SERVICE"], ambient=False)
    st = _status(ctx.run_ok(b))
    expected = f"{CAP_KILL | CAP_NET_BIND_SERVICE:016x}"
    assert expected == "0000000000000420"
    assert st["CapBnd"] == expected
    assert st["CapEff"] == expected
    assert st["CapPrm"] == expected
    assert st["CapAmb"] == "0000000000000000"


def test_capabilities_empty(ctx):
    b = ctx.bundle("cat", "/proc/self/status")
    b.set_caps([], ambient=False)
    st = _status(ctx.run_ok(b))
    for s in ("CapBnd", "CapEff", "CapPrm", "CapInh", "CapAmb"):
        assert st[s] == "0000000000000000", (s, st[s])


def test_capabilities_ambient_for_non_root(ctx):
    b = ctx.bundle("cat", "/proc/self/status")
    caps = ["CAP_KILL", "CAP_NET_BIND_SERVICE"]
    b.process["user"] = {"uid": 1000, "gid": 1000}
    b.process["capabilities"] = {s: list(caps) for s in
                                 ("bounding", "effective", "permitted", "inheritable", "ambient")}
    st = _status(ctx.run_ok(b))
    assert st["CapAmb"] == "0000000000000420"
    assert st["CapEff"] == "0000000000000420"


def test_capabilities_non_root_without_ambient(ctx):
    """Control: without ambient caps an unprivileged user's exec drops them."""
    b = ctx.bundle("cat", "/proc/self/status")
    b.process["user"] = {"uid": 1000, "gid": 1000}
    b.set_caps(["CAP_KILL", "CAP_NET_BIND_SERVICE"], ambient=False)
    st = _status(ctx.run_ok(b))
    assert st["CapEff"] == "0000000000000000"
    assert st["CapBnd"] == "0000000000000420"


def test_no_new_privileges(ctx):
    b = ctx.bundle("cat", "/proc/self/status")
    b.process["noNewPrivileges"] = True
    assert _status(ctx.run_ok(b))["NoNewPrivs"] == "1"


@pytest.mark.ward_only
def test_no_new_privileges_is_mandatory(ctx):
    """ward sets no_new_privs even when the config says false: only the host may relax it."""
    b = ctx.bundle("cat", "/proc/self/status")
    b.process["noNewPrivileges"] = False
    assert _status(ctx.run_ok(b))["NoNewPrivs"] == "1"


@pytest.mark.ward_only
def test_no_new_privileges_optional_by_host_config(ctx):
    """Control: with the host's ward.conf allowing it, noNewPrivileges false is honoured."""
    conf = ctx.path("ward.conf")
    with open(conf, "w") as f:
        f.write("sandbox.no_new_privileges = optional\n")
    b = ctx.bundle("cat", "/proc/self/status")
    b.process["noNewPrivileges"] = False
    ctx.rt.global_args = ctx.rt.global_args + ["--config", conf]
    assert _status(ctx.run_ok(b))["NoNewPrivs"] == "0"


def test_cwd(ctx):
    b = ctx.bundle("pwd")
    b.process["cwd"] = "/home/user"
    assert ctx.run_ok(b).strip() == "/home/user"


def test_env_exact_and_host_env_not_leaked(ctx):
    b = ctx.bundle("env")
    b.process["env"] = ["PATH=/bin", "FOO=bar baz", "EMPTY="]
    os.environ["WARD_ITEST_HOST_ONLY"] = "leak"
    try:
        out = ctx.run_ok(b)
    finally:
        del os.environ["WARD_ITEST_HOST_ONLY"]
    env = dict(line.split("=", 1) for line in out.splitlines())
    assert env["FOO"] == "bar baz"
    assert env["EMPTY"] == ""
    assert env["PATH"] == "/bin"
    assert "WARD_ITEST_HOST_ONLY" not in env
    assert set(env) <= {"PATH", "FOO", "EMPTY", "HOME", "HOSTNAME", "PWD", "SHLVL", "TERM"}


def _host_sysctl(name):
    with open("/proc/sys/" + name.replace(".", "/")) as f:
        return f.read().strip()


def test_sysctl_namespaced(ctx):
    host_forward = _host_sysctl("net.ipv4.ip_forward")
    want = "0" if host_forward == "1" else "1"   # other suites on this host may change it
    b = ctx.bundle(script="cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax")
    b.linux["sysctl"] = {"net.ipv4.ip_forward": want, "kernel.shmmax": "123456789"}
    assert ctx.run_ok(b).split() == [want, "123456789"]
    assert _host_sysctl("net.ipv4.ip_forward") == host_forward
    assert _host_sysctl("kernel.shmmax") != "123456789"


def test_sysctl_without_its_namespace_fails(ctx):
    host_forward = _host_sysctl("net.ipv4.ip_forward")
    b = ctx.bundle("true")
    b.remove_namespace("network")
    b.linux["sysctl"] = {"net.ipv4.ip_forward": "0" if host_forward == "1" else "1"}
    res = ctx.run(ctx.new_id(), b)
    assert res.rc != 0, res
    assert _host_sysctl("net.ipv4.ip_forward") == host_forward


def test_sysctl_in_a_joined_host_namespace_fails(ctx):
    """A network namespace joined by path counts only when it is not ward's own (the host's here):
    otherwise ward would write the host's net.* values (found by tests/fuzz/fuzz_sysctl)."""
    host_forward = _host_sysctl("net.ipv4.ip_forward")
    b = ctx.bundle("true")
    b.add_namespace("network", f"/proc/{os.getpid()}/ns/net")
    b.linux["sysctl"] = {"net.ipv4.ip_forward": "0" if host_forward == "1" else "1"}
    try:
        res = ctx.run(ctx.new_id(), b)
        assert res.rc != 0, res
        assert "net.ipv4.ip_forward\" needs the container's own namespace" in res.err, res
    finally:
        now = _host_sysctl("net.ipv4.ip_forward")
        if now != host_forward:
            with open("/proc/sys/net/ipv4/ip_forward", "w") as f:
                f.write(host_forward)
        assert now == host_forward


def test_sysctl_in_a_joined_namespace_of_its_own(ctx):
    """Control: a network namespace joined by path that is not ward's takes the value."""
    name = "ward-" + os.path.basename(ctx.tmp)[-12:].replace("_", "-") + "-sy"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        b = ctx.bundle(script="cat /proc/sys/net/ipv4/ip_default_ttl")
        b.add_namespace("network", f"/run/netns/{name}")
        b.linux["sysctl"] = {"net.ipv4.ip_default_ttl": "66"}
        assert ctx.run_ok(b).strip() == "66"
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)


def test_sysctl_not_namespaced_fails(ctx):
    before = open("/proc/sys/kernel/panic").read()
    b = ctx.bundle("true")
    b.linux["sysctl"] = {"kernel.panic": "77"}
    res = ctx.run(ctx.new_id(), b)
    assert res.rc != 0, res
    assert open("/proc/sys/kernel/panic").read() == before


def test_args_not_found_fails(ctx):
    b = ctx.bundle("/no/such/binary")
    res = ctx.run(ctx.new_id(), b)
    assert res.rc != 0
    assert "/no/such/binary" in res.err


def test_args_path_lookup(ctx):
    b = ctx.bundle("echo", "looked-up")
    b.process["env"] = ["PATH=/nonexistent:/bin"]
    assert ctx.run_ok(b).strip() == "looked-up"
