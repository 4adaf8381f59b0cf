# SPDX-License-Identifier: Apache-2.0
"""Mounts: bind (ro/rw, file), tmpfs, special filesystems, propagation, read-only root, masked and
read-only paths, and mount destinations that try to escape the rootfs through symlinks."""

import os
import subprocess
import time

import pytest

from lib import hostcheck


def _host_dir(ctx, name, files=None):
    d = ctx.path(name)
    os.makedirs(d)
    for fname, text in (files or {}).items():
        with open(os.path.join(d, fname), "w") as f:
            f.write(text)
    return d


def test_bind_readonly(ctx):
    src = _host_dir(ctx, "ro-src", {"hello": "from-host\n"})
    b = ctx.bundle(private=True, script="cat /data/hello; echo x > /data/new; echo rc=$?")
    b.bind(src, "/data", ro=True)
    res = ctx.run(ctx.new_id(), b)
    assert res.rc == 0, res
    assert res.out.splitlines() == ["from-host", "rc=1"]
    assert "Read-only file system" in res.err
    assert sorted(os.listdir(src)) == ["hello"]


def test_bind_readwrite(ctx):
    src = _host_dir(ctx, "rw-src")
    b = ctx.bundle(private=True, script="echo written-inside > /data/new")
    b.bind(src, "/data")
    ctx.run_ok(b)
    assert open(os.path.join(src, "new")).read() == "written-inside\n"


def test_bind_host_file(ctx):
    src = _host_dir(ctx, "file-src", {"motd": "host-file-content\n"})
    b = ctx.bundle(private=True, script="cat /etc/motd; stat -c %F /etc/motd")
    b.add_mount("/etc/motd", "bind", os.path.join(src, "motd"), ["bind", "ro"])
    assert ctx.run_ok(b).splitlines() == ["host-file-content", "regular file"]


def test_tmpfs_size_and_mode(ctx):
    b = ctx.bundle(private=True, script=(
        "stat -c %a /scratch; grep ' /scratch ' /proc/self/mountinfo; "
        "dd if=/dev/zero of=/scratch/big bs=1024 count=2048 2>&1; echo dd=$?"))
    b.add_mount("/scratch", "tmpfs", "tmpfs", ["nosuid", "nodev", "size=1m", "mode=1770"])
    out = ctx.run_ok(b)
    lines = out.splitlines()
    assert lines[0] == "1770"
    info = lines[1]
    assert " - tmpfs " in info
    assert "size=1024k" in info and "mode=1770" in info
    assert "nosuid" in info.split()[5] and "nodev" in info.split()[5]
    assert "No space left on device" in out
    assert lines[-1] != "dd=0"


def _mountinfo_types(ctx, b):
    out = ctx.run_ok(b.shell("cat /proc/self/mountinfo"))
    types = {}
    for line in out.splitlines():
        left, _, right = line.partition(" - ")
        types[left.split()[4]] = (right.split()[0], left.split()[5])
    return types


def test_special_filesystems(ctx):
    b = ctx.bundle()
    types = _mountinfo_types(ctx, b)
    assert types["/proc"][0] == "proc"
    assert types["/sys"][0] == "sysfs"
    assert types["/sys"][1].split(",")[0] == "ro"
    assert types["/dev"][0] == "tmpfs"
    assert types["/dev/pts"][0] == "devpts"
    assert types["/dev/shm"][0] == "tmpfs"
    assert types["/dev/mqueue"][0] == "mqueue"
    # cgroup v1 host: one cgroup mount per controller below /sys/fs/cgroup (or one cgroup2)
    cgroup_mounts = [p for p, (t, _) in types.items()
                     if p.startswith("/sys/fs/cgroup") and t in ("cgroup", "cgroup2")]
    assert cgroup_mounts, types
    if os.path.isdir("/sys/fs/cgroup/memory"):
        assert types.get("/sys/fs/cgroup/memory", ("",))[0] == "cgroup"


def test_extra_proc_sysfs_mqueue_mounts(ctx):
    b = ctx.bundle(private=True)
    b.add_mount("/mnt/proc2", "proc", "proc")
    b.add_mount("/mnt/mq", "mqueue", "mqueue", ["nosuid", "nodev", "noexec"])
    b.add_mount("/mnt/pts2", "devpts", "devpts", ["newinstance", "ptmxmode=0666"])
    types = _mountinfo_types(ctx, b)
    assert types["/mnt/proc2"][0] == "proc"
    assert types["/mnt/mq"][0] == "mqueue"
    assert types["/mnt/pts2"][0] == "devpts"


def test_mount_options_applied(ctx):
    src = _host_dir(ctx, "opts-src")
    b = ctx.bundle(private=True)
    b.add_mount("/data", "bind", src, ["rbind", "ro", "nosuid", "nodev", "noexec"])
    opts = set(_mountinfo_types(ctx, b)["/data"][1].split(","))
    assert {"ro", "nosuid", "nodev", "noexec"} <= opts


# ---- propagation --------------------------------------------------------------------------

def _root_line(ctx, b):
    out = ctx.run_ok(b.shell("cat /proc/self/mountinfo"))
    for line in out.splitlines():
        fields = line.split(" - ")[0].split()
        if fields[4] == "/":
            return fields
    raise AssertionError(out)


@pytest.mark.ward_only  # runc 1.1 makes the rootfs' parent private, so "/" is never shared
def test_rootfs_propagation_shared(ctx):
    b = ctx.bundle()
    b.linux["rootfsPropagation"] = "shared"
    assert any(f.startswith("shared:") for f in _root_line(ctx, b)[6:])


def test_rootfs_propagation_private(ctx):
    b = ctx.bundle()
    b.linux["rootfsPropagation"] = "private"
    assert not any(f.startswith(("shared:", "master:")) for f in _root_line(ctx, b)[6:])


def test_bind_propagation_slave_vs_private(ctx):
    """A host mount made under a shared source after start reaches an rslave bind, not an
    rprivate one."""
    src = _host_dir(ctx, "prop-src")
    subprocess.run(["mount", "--bind", src, src], check=True)
    try:
        subprocess.run(["mount", "--make-shared", src], check=True)
        b = ctx.bundle(private=True, script=(
            "echo ready; i=0; while [ $i -lt 200 ]; do "
            "  if [ -e /mnt/slave/sub/marker ]; then echo slave-sees; break; fi; "
            "  sleep 0.05; i=$((i+1)); done; "
            "[ -e /mnt/private/sub/marker ] && echo private-sees; echo end"))
        b.add_mount("/mnt/slave", "bind", src, ["rbind", "rslave"])
        b.add_mount("/mnt/private", "bind", src, ["rbind", "rprivate"])
        cid = ctx.new_id()
        res = ctx.create(cid, b)
        ctx.rt.start(cid)
        deadline = time.monotonic() + 10
        while "ready" not in res.out:
            assert time.monotonic() < deadline, res
            time.sleep(0.01)
        sub = os.path.join(src, "sub")
        os.mkdir(sub)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", sub], check=True)
        try:
            open(os.path.join(sub, "marker"), "w").close()
            ctx.rt.wait_status(cid, "stopped")
        finally:
            subprocess.run(["umount", sub], check=True)
        assert res.out.splitlines() == ["ready", "slave-sees", "end"]
    finally:
        subprocess.run(["umount", "-R", src], check=False)


# ---- root, masked and read-only paths -----------------------------------------------------

def test_readonly_root(ctx):
    b = ctx.bundle(script="touch /newfile; echo rc=$?")
    res = ctx.run(ctx.new_id(), b)
    assert res.rc == 0, res
    assert res.out.strip() == "rc=1"
    assert "touch: /newfile: Read-only file system" in res.err


def test_writable_root_control(ctx):
    b = ctx.bundle(private=True, readonly=False, script="touch /newfile; echo rc=$?")
    assert ctx.run_ok(b).strip() == "rc=0"
    assert os.path.exists(os.path.join(b.rootfs, "newfile"))


def test_masked_paths(ctx):
    # /proc/kcore is in the default list but this kernel has none; /proc/timer_list is there.
    assert os.path.exists("/proc/timer_list")
    b = ctx.bundle(script="wc -c < /proc/timer_list; ls -A /sys/firmware | wc -l; "
                          "stat -c %t:%T /proc/timer_list; wc -c < /proc/kcore")
    b.linux["maskedPaths"].append("/proc/timer_list")
    res = ctx.run(ctx.new_id(), b)
    out = res.out.split()
    if os.path.exists("/proc/kcore"):
        assert res.rc == 0 and out[3] == "0", res
    assert out[0] == "0"          # a masked file reads empty
    assert out[1] == "0"          # a masked directory is empty
    assert out[2] == "1:3"        # /dev/null bound over it


def test_masked_paths_control(ctx):
    b = ctx.bundle(script="wc -c < /proc/timer_list; ls -A /sys/firmware | wc -l")
    b.linux["maskedPaths"] = []
    out = ctx.run_ok(b).split()
    assert int(out[0]) > 0
    assert int(out[1]) > 0


def test_readonly_paths(ctx):
    b = ctx.bundle(script="echo 1 > /proc/sys/net/ipv4/ip_forward; echo rc=$?")
    b.set_caps(["CAP_NET_ADMIN", "CAP_KILL"])
    res = ctx.run(ctx.new_id(), b)
    assert res.rc == 0, res
    assert res.out.strip() == "rc=1"
    assert "Read-only file system" in res.err


def _relax_kernel_interfaces(ctx):
    """ward keeps /proc/sys read-only even without readonlyPaths; only the host may relax it."""
    if ctx.runtime_name != "ward":
        return
    conf = ctx.path("ward-kernel.conf")
    with open(conf, "w") as f:
        f.write("sandbox.kernel_interfaces = config\n")
    ctx.rt.global_args = ctx.rt.global_args + ["--config", conf]


def test_readonly_paths_control(ctx):
    b = ctx.bundle(script="echo 1 > /proc/sys/net/ipv4/ip_forward; echo rc=$?; "
                          "cat /proc/sys/net/ipv4/ip_forward")
    b.set_caps(["CAP_NET_ADMIN", "CAP_KILL"])
    b.linux["readonlyPaths"] = []
    _relax_kernel_interfaces(ctx)
    assert ctx.run_ok(b).split() == ["rc=0", "1"]


@pytest.mark.ward_only
def test_proc_sys_sysfs_cgroupfs_readonly_without_readonly_paths(ctx):
    """A config that drops readonlyPaths and mounts sysfs and cgroupfs rw still cannot write
    host kernel settings: ward keeps them read-only (the control above is the host relaxing it)."""
    b = ctx.bundle(script="echo 1 > /proc/sys/net/ipv4/ip_forward; echo proc=$?; "
                          "touch /sys/x 2>/dev/null; echo sys=$?; "
                          "touch /sys/fs/cgroup/x 2>/dev/null; echo cg=$?")
    b.set_caps(["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_KILL"])
    b.linux["readonlyPaths"] = []
    for m in b.config["mounts"]:
        if m["type"] in ("sysfs", "cgroup"):
            m["options"] = [o for o in m.get("options", []) if o != "ro"] + ["rw"]
    res = ctx.run(ctx.new_id(), b)
    assert res.out.split() == ["proc=1", "sys=1", "cg=1"], res
    assert "Read-only file system" in res.err, res


# ---- symlink escapes ----------------------------------------------------------------------

def _escape_setup(ctx, kind):
    target = _host_dir(ctx, "escape-target", {"host-file": "untouched\n"})
    b = ctx.bundle(private=True, script=f"ls -A {target} 2>&1; echo done")
    link = os.path.join(b.rootfs, "evil")
    if kind == "absolute":
        os.symlink(target, link)
    else:
        os.symlink("../../../../../../../../../.." + target, link)
    return target, b


def _assert_host_untouched(ctx, target, res):
    assert sorted(os.listdir(target)) == ["host-file"], os.listdir(target)
    assert open(os.path.join(target, "host-file")).read() == "untouched\n"
    assert not hostcheck.mounts_under(target)
    if res.rc != 0:
        assert res.err.strip(), res   # failed cleanly, saying why


@pytest.mark.parametrize("kind", ["absolute", "relative"])
def test_symlink_escape_tmpfs_destination(ctx, kind):
    target, b = _escape_setup(ctx, kind)
    b.add_mount("/evil/sub", "tmpfs", "tmpfs", ["size=64k"])
    b.add_mount("/evil", "tmpfs", "tmpfs", ["size=64k"])
    res = ctx.run(ctx.new_id(), b)
    _assert_host_untouched(ctx, target, res)
    if res.rc == 0:
        assert res.out.splitlines()[-1] == "done"


@pytest.mark.parametrize("kind", ["absolute", "relative"])
def test_symlink_escape_bind_destination(ctx, kind):
    target, b = _escape_setup(ctx, kind)
    src = _host_dir(ctx, "bind-src", {"payload": "payload\n"})
    b.add_mount("/evil/payload", "bind", os.path.join(src, "payload"), ["bind", "ro"])
    b.add_mount("/evil/dir", "bind", src, ["rbind", "ro"])
    res = ctx.run(ctx.new_id(), b)
    _assert_host_untouched(ctx, target, res)
    if res.rc == 0:
        assert res.out.splitlines()[-1] == "done"


@pytest.mark.parametrize("kind", ["absolute", "relative"])
def test_symlink_escape_rootfs_in_root_resolution(ctx, kind):
    """When the runtime accepts it, the mount must land at the symlink's target inside the
    rootfs: the container sees the tmpfs, the host sees nothing."""
    target, b = _escape_setup(ctx, kind)
    b.add_mount("/evil", "tmpfs", "tmpfs", ["size=64k"])
    b.shell(f"grep -c ' {target} .* - tmpfs ' /proc/self/mountinfo; ls -A {target} | wc -l")
    res = ctx.run(ctx.new_id(), b)
    _assert_host_untouched(ctx, target, res)
    if res.rc == 0:
        assert res.out.split() == ["1", "0"]


@pytest.mark.parametrize("recursive", [True, False])
def test_bind_vs_rbind_submounts(ctx, recursive):
    src = _host_dir(ctx, "rbind-src", {"top": "top\n"})
    sub = os.path.join(src, "sub")
    os.mkdir(sub)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", sub], check=True)
    try:
        open(os.path.join(sub, "in-submount"), "w").close()
        b = ctx.bundle(private=True, script="ls /data/sub")
        b.add_mount("/data", "bind", src, ["rbind" if recursive else "bind", "ro"])
        out = ctx.run_ok(b).split()
    finally:
        subprocess.run(["umount", sub], check=True)
    assert out == (["in-submount"] if recursive else [])
