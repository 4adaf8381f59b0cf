# SPDX-License-Identifier: Apache-2.0
"""Escape attempts through the filesystem: host-wide sysctls, a block device node, writes to a
read-only bind mount and to a read-only rootfs, and a mount destination that is a symlink to a
host directory (CVE-2021-30465)."""
import hashlib
import os

import battery
from escape import attempt, describe, verdict
from wardlib import generous_config


def test_write_proc_sys_kernel(ward):
    """kernel.panic is host-wide (not namespaced). The program writes back the value it read, so
    even the control (Landlock off; /proc/sys is writable for root with CAP_SYS_ADMIN in the
    host's user namespace) changes nothing."""
    before = open("/proc/sys/kernel/panic").read()
    try:
        attempt(ward, "write /proc/sys/kernel/panic", ["/sec/sysctl", "/proc/sys/kernel/panic"],
                {"open_write": ("EACCES", "EROFS", "EPERM")},
                control_expect={"open_write": ("ok",), "write": ("ok",)})
    finally:
        assert open("/proc/sys/kernel/panic").read() == before


def test_mknod_block_device(ward):
    """mknod of /dev/sda (block 8:0) on the container's /dev (a tmpfs) and on its rootfs, with
    CAP_MKNOD and every device allowed by the device cgroup: Landlock refuses special files.
    The control (Landlock off) makes both nodes (and removes them)."""
    attempt(ward, "mknod /dev/sda (b 8 0)", ["/sec/mknod", "/dev/sda", "/tmp/sda"],
            {"/dev/sda": ("EACCES", "EPERM"), "/tmp/sda": ("EACCES", "EPERM")})


def _tree_digest(path):
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in sorted(os.walk(path)):
        dirnames.sort()
        h.update(dirpath.encode())
        for name in sorted(filenames):
            with open(os.path.join(dirpath, name), "rb") as f:
                h.update(name.encode() + b"\0" + f.read())
    return h.hexdigest()


def test_write_readonly_bind_mount(ward, tmp_path):
    """A host directory bound read-only at /data: write into it, remount it read-write, write
    again. The control is the same program on the same directory bound read-write (and with
    the host config letting it remount)."""
    host_dir = tmp_path / "host-data"
    host_dir.mkdir()
    (host_dir / "keep").write_text("host data\n")
    digest = _tree_digest(host_dir)
    ro = {"destination": "/data", "type": "bind", "source": str(host_dir),
          "options": ["rbind", "ro"]}
    rw = dict(ro, options=["rbind", "rw"])

    ctl = ward.run(generous_config(["/sec/write", "/data"], mounts=[rw]),
                   hostconf=ward.relaxed(("mount",)))
    assert verdict(ctl.result, {"write": ("ok",), "remount": ("ok",)}), f"control: {ctl}"
    assert (host_dir / "ward-sec-written").exists(), "the control did not reach the host dir"
    os.unlink(host_dir / "ward-sec-written")
    assert _tree_digest(host_dir) == digest

    out = ward.run(generous_config(["/sec/write", "/data"], mounts=[ro]))
    expect = {"write": ("EROFS", "EACCES"), "remount": ("EPERM",),
              "write_after": ("EROFS", "EACCES")}
    blocked = verdict(out.result, expect) and _tree_digest(host_dir) == digest
    battery.record("write to a read-only bind mount", blocked,
                   describe(out.result, expect) + f" host_dir_unchanged="
                   f"{_tree_digest(host_dir) == digest}")
    assert blocked, f"read-only bind mount NOT PROTECTED: {out}"


def test_write_readonly_rootfs(ward):
    """root.readonly: write at / and in /tmp (part of the rootfs here), remount / read-write."""
    args = ["/sec/write", "/"]
    ctl = ward.run(generous_config(args, readonly=False), hostconf=ward.relaxed(("mount",)))
    assert verdict(ctl.result, {"write": ("ok",)}), f"control: {ctl}"

    config = generous_config(args, readonly=True)
    bundle = ward.bundle(config)
    before = sorted(os.listdir(bundle / "rootfs"))
    out = ward.run(config, bundle=bundle)
    expect = {"write": ("EROFS", "EACCES"), "remount": ("EPERM",),
              "write_after": ("EROFS", "EACCES")}
    unchanged = sorted(os.listdir(bundle / "rootfs")) == before
    blocked = battery.record("write to the rootfs when root.readonly",
                             verdict(out.result, expect) and unchanged,
                             describe(out.result, expect) + f" rootfs_unchanged={unchanged}")
    assert blocked, f"read-only rootfs NOT PROTECTED: {out}"


def test_mount_target_symlink_to_host(ward, tmp_path):
    """CVE-2021-30465: the rootfs holds symlinks (absolute and relative) to a host directory and
    the config mounts a tmpfs and a bind mount there. ward must resolve the destinations beneath
    the rootfs; the host directory must not change and the mounts must not cover it, and inside
    the container the host directory's content must not be visible."""
    host_dir = tmp_path / "host-target"
    host_dir.mkdir()
    (host_dir / "host-marker").write_text("host\n")
    digest = _tree_digest(host_dir)
    src = tmp_path / "bind-src"
    src.mkdir()
    (src / "src-marker").write_text("src\n")

    config = generous_config(
        ["sh", "-c", "touch /evil-abs/written-abs /evil-rel/written-rel; "
                     "ls /evil-abs /evil-rel; cat /evil-abs/host-marker /evil-rel/host-marker "
                     f"{host_dir}/host-marker 2>/dev/null && echo SAW-HOST-MARKER; "
                     "echo RESULT done=1"],
        mounts=[{"destination": "/evil-abs", "type": "tmpfs", "source": "tmpfs",
                 "options": ["size=64k"]},
                {"destination": "/evil-rel", "type": "bind", "source": str(src),
                 "options": ["rbind", "rw"]}])
    bundle = ward.bundle(config)
    rootfs = bundle / "rootfs"
    os.symlink(str(host_dir), rootfs / "evil-abs")
    depth = len(rootfs.resolve().parts) - 1
    os.symlink("../" * depth + str(host_dir).lstrip("/"), rootfs / "evil-rel")
    assert os.path.realpath(rootfs / "evil-rel") == str(host_dir)  # as the host resolves it

    mounts_before = open("/proc/self/mountinfo").read()
    out = ward.run(config, bundle=bundle)
    host_unchanged = _tree_digest(host_dir) == digest
    not_mounted = (not os.path.ismount(host_dir) and
                   str(host_dir) not in open("/proc/self/mountinfo").read())
    no_leak = "SAW-HOST-MARKER" not in out.stdout
    refused = out.status != 0 and out.result is None  # ward refused the bundle outright
    ran_confined = out.result is not None and out.result.get("done") == "1"
    blocked = host_unchanged and not_mounted and no_leak and (refused or ran_confined)
    battery.record("mount target that is a symlink to the host (CVE-2021-30465)", blocked,
                   f"status={out.status} host_dir_unchanged={host_unchanged} "
                   f"host_dir_not_mounted={not_mounted} host_content_hidden={no_leak}")
    assert mounts_before.count(str(host_dir)) == 0
    assert blocked, f"CVE-2021-30465 NOT BLOCKED: {out}"
    if ran_confined:
        # the bind mount landed inside the rootfs: the source's file is what the container saw
        assert "src-marker" in out.stdout, out
        assert (src / "written-rel").exists()
        os.unlink(src / "written-rel")
