# SPDX-License-Identifier: Apache-2.0
"""Every namespace: created when asked, shared with the host when not, joined by path."""

import os
import subprocess

import pytest

from lib import hostcheck

NS_PROC_NAME = {"pid": "pid", "network": "net", "ipc": "ipc", "uts": "uts", "mount": "mnt",
                "cgroup": "cgroup", "user": "user", "time": "time"}


def _inner_ns(ctx, b, kind):
    # For pid and time, /proc/self/ns/<x> names the namespace of the process's children;
    # pid_for_children/time_for_children differ only before the first exec, so ns/<x> is right.
    out = ctx.run_ok(b.shell(f"readlink /proc/self/ns/{kind}"))
    return int(out.strip().split("[")[1].rstrip("]"))


@pytest.mark.parametrize("ns", ["pid", "network", "ipc", "uts", "mount", "cgroup"])
def test_namespace_created(ctx, ns):
    b = ctx.bundle()
    b.add_namespace(ns)
    kind = NS_PROC_NAME[ns]
    assert _inner_ns(ctx, b, kind) != hostcheck.ns_inode(kind)


@pytest.mark.parametrize("ns", ["network", "ipc", "uts", "cgroup"])
def test_namespace_shared_when_absent(ctx, ns):
    """Control: without the namespace in the spec the container stays in the host's."""
    b = ctx.bundle()
    b.remove_namespace(ns)
    if ns == "network":
        b.remove_mount("/sys")  # sysfs may not be mounted from a foreign netns' view otherwise
        b.remove_mount("/sys/fs/cgroup")
    if ns == "uts":
        del b.config["hostname"]  # a hostname needs a private UTS namespace
    kind = NS_PROC_NAME[ns]
    assert _inner_ns(ctx, b, kind) == hostcheck.ns_inode(kind)


def test_pid_namespace_pid1(ctx):
    b = ctx.bundle(script='echo $$; ls /proc | grep -E "^[0-9]+$" | wc -l')
    lines = ctx.run_ok(b).split()
    assert lines[0] == "1"
    # only sh (1), ls, grep and wc are visible
    assert int(lines[1]) <= 4


def test_net_namespace_only_lo(ctx):
    b = ctx.bundle(script="tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '")
    assert ctx.run_ok(b).split() == ["lo"]


def test_ipc_namespace_isolated(ctx):
    # A host SysV shm segment must not be visible inside.
    host = subprocess.run(["ipcmk", "-M", "4096"], capture_output=True, text=True)
    if host.returncode != 0:
        pytest.fail(f"ipcmk failed: {host.stderr}")
    shmid = host.stdout.split()[-1]
    try:
        b = ctx.bundle(script="tail -n +2 /proc/sysvipc/shm | wc -l")
        assert ctx.run_ok(b).strip() == "0"
        b.remove_namespace("ipc")
        assert int(ctx.run_ok(b).strip()) >= 1   # control: the host's segment is seen
    finally:
        subprocess.run(["ipcrm", "-m", shmid], check=False)


def test_uts_hostname(ctx):
    b = ctx.bundle(script="hostname; uname -n")
    b.config["hostname"] = "wardbox"
    assert ctx.run_ok(b).split() == ["wardbox", "wardbox"]
    assert os.uname().nodename != "wardbox"


@pytest.mark.ward_only  # runc 1.1 ignores "domainname" (runtime-spec 1.0.2 field)
def test_uts_domainname(ctx):
    b = ctx.bundle(script="hostname; cat /proc/sys/kernel/domainname")
    b.config["hostname"] = "wardbox"
    b.config["domainname"] = "example.org"
    assert ctx.run_ok(b).split() == ["wardbox", "example.org"]
    with open("/proc/sys/kernel/domainname") as f:
        assert f.read().strip() != "example.org"


def test_hostname_without_uts_namespace_fails(ctx):
    b = ctx.bundle("true")
    b.remove_namespace("uts")
    b.config["hostname"] = "wardbox"
    res = ctx.run(ctx.new_id(), b)
    assert res.rc != 0, res
    assert res.err.strip()
    assert os.uname().nodename != "wardbox"


def test_mount_namespace_private(ctx):
    b = ctx.bundle(script="grep -c ' /dev/shm ' /proc/self/mountinfo")
    b.add_mount("/tmp", "tmpfs", "tmpfs", ["size=1m"])
    assert int(ctx.run_ok(b).strip()) == 1
    assert not hostcheck.mounts_under(ctx.rootfs)


def test_cgroup_namespace_root(ctx):
    b = ctx.bundle(script="cat /proc/self/cgroup")
    b.add_namespace("cgroup")
    lines = ctx.run_ok(b).splitlines()
    assert lines
    for line in lines:
        assert line.split(":", 2)[2] == "/", lines


def test_cgroup_namespace_absent_shows_path(ctx):
    """Control: without a cgroup namespace the container sees its full cgroup path."""
    b = ctx.bundle(script="cat /proc/self/cgroup")
    b.remove_namespace("cgroup")
    cid = ctx.new_id()
    lines = ctx.run_ok(b, cid=cid).splitlines()
    assert any(line.split(":", 2)[2].endswith("/" + cid) for line in lines), lines


# ---- user namespace -----------------------------------------------------------------------

HOST_UID = 100000
HOST_GID = 200000


def _userns_bundle(ctx, script):
    b = ctx.bundle(script=script)
    b.add_namespace("user")
    b.linux["uidMappings"] = [{"containerID": 0, "hostID": HOST_UID, "size": 65536}]
    b.linux["gidMappings"] = [{"containerID": 0, "hostID": HOST_GID, "size": 65536}]
    # sysfs and cgroupfs need privileges over the netns/cgroupns owner; keep the mounts simple.
    b.remove_mount("/sys/fs/cgroup")
    return b


def test_user_namespace_mappings(ctx):
    shared = ctx.path("shared")
    os.makedirs(shared)
    os.chmod(shared, 0o777)
    b = _userns_bundle(ctx, "id -u; id -g; cat /proc/self/uid_map; touch /mnt/made-inside; "
                            "ls -ln /mnt/made-inside")
    b.bind(shared, "/mnt")
    lines = ctx.run_ok(b).splitlines()
    assert lines[0] == "0" and lines[1] == "0"
    assert lines[2].split() == ["0", str(HOST_UID), "65536"]
    st = os.stat(os.path.join(shared, "made-inside"))
    assert (st.st_uid, st.st_gid) == (HOST_UID, HOST_GID)
    # inside, the file belongs to root
    assert lines[3].split()[2:4] == ["0", "0"]


def test_user_namespace_unmapped_host_root(ctx):
    """Host root is unmapped inside: a root-owned host file shows as the overflow uid."""
    b = _userns_bundle(ctx, "stat -c '%u' /bin/busybox; cat /proc/sys/kernel/overflowuid")
    out = ctx.run_ok(b).split()
    assert out[0] == out[1]


# ---- time namespace -----------------------------------------------------------------------

def test_time_namespace_boottime_offset(ctx, features):
    if not ctx.is_ward and "time" not in features.get("linux", {}).get("namespaces", []):
        pytest.skip(f"{ctx.runtime_name} has no time namespace (ward must)")
    offset = 10 * 86400
    b = ctx.bundle(script="cat /proc/uptime; readlink /proc/self/ns/time")
    b.add_namespace("time")
    b.linux["timeOffsets"] = {"boottime": {"secs": offset, "nanosecs": 0},
                              "monotonic": {"secs": 3600, "nanosecs": 0}}
    with open("/proc/uptime") as f:
        host_before = float(f.read().split()[0])
    out = ctx.run_ok(b).split()
    with open("/proc/uptime") as f:
        host_after = float(f.read().split()[0])
    inside = float(out[0])
    assert host_before + offset <= inside <= host_after + offset + 1, (inside, host_before)
    assert int(out[2].split("[")[1].rstrip("]")) != hostcheck.ns_inode("time")


# ---- joining namespaces by path -----------------------------------------------------------

def test_join_network_namespace_by_path(ctx):
    name = os.path.basename(ctx.tmp)[-12:] + "-ns"
    name = "ward-" + name.replace("_", "-")
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        nspath = f"/run/netns/{name}"
        subprocess.run(["ip", "netns", "exec", name, "sysctl", "-qw",
                        "net.ipv4.ip_default_ttl=77"], check=True)
        b = ctx.bundle(script="cat /proc/sys/net/ipv4/ip_default_ttl; readlink /proc/self/ns/net")
        b.add_namespace("network", nspath)
        out = ctx.run_ok(b).split()
        assert out[0] == "77"
        assert int(out[1].split("[")[1].rstrip("]")) == os.stat(nspath).st_ino
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)


def test_join_uts_namespace_of_another_container(ctx):
    b1 = ctx.bundle("sleep", "60")
    b1.config["hostname"] = "first-box"
    c1 = ctx.new_id()
    ctx.create(c1, b1)
    pid = ctx.rt.state(c1)["pid"]
    b2 = ctx.bundle("hostname")
    b2.add_namespace("uts", f"/proc/{pid}/ns/uts")
    del b2.config["hostname"]
    assert ctx.run_ok(b2).strip() == "first-box"


def test_join_namespaces_by_path_with_a_new_user_namespace(ctx):
    """A new user namespace plus network, uts and ipc namespaces of another container given by
    path (a pod's sandbox): the container is born in them, and its user namespace is its own."""
    b1 = ctx.bundle("sleep", "60")
    b1.config["hostname"] = "pod-sandbox"
    c1 = ctx.new_id()
    ctx.create(c1, b1)
    pid = ctx.rt.state(c1)["pid"]
    b2 = _userns_bundle(ctx, "hostname; readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; "
                             "id -u")
    for kind, proc in (("network", "net"), ("uts", "uts"), ("ipc", "ipc")):
        b2.add_namespace(kind, f"/proc/{pid}/ns/{proc}")
    b2.config.pop("hostname", None)
    # a fresh mqueue mount needs CAP_SYS_ADMIN over the (host-owned) ipc namespace it joins
    b2.remove_mount("/dev/mqueue")
    out = ctx.run_ok(b2).split()
    assert out[0] == "pod-sandbox"
    assert out[1] == os.readlink(f"/proc/{pid}/ns/net")
    assert out[2] == os.readlink(f"/proc/{pid}/ns/ipc")
    assert out[3] == "0"
    # ward exec into such a container joins the same namespaces
    b3 = _userns_bundle(ctx, "sleep 60")
    b3.add_namespace("network", f"/proc/{pid}/ns/net")
    b3.remove_mount("/dev/mqueue")
    c3 = ctx.new_id()
    ctx.create(c3, b3)
    ctx.rt.start(c3)
    res = ctx.rt.call("exec", c3, "readlink", "/proc/self/ns/net")
    assert res.rc == 0, res
    assert res.out.strip() == os.readlink(f"/proc/{pid}/ns/net")


def test_join_nonexistent_namespace_path_fails(ctx):
    b = ctx.bundle("true")
    b.add_namespace("network", ctx.path("no-such-ns"))
    res = ctx.run(ctx.new_id(), b)
    assert res.rc != 0
    assert res.err.strip()
