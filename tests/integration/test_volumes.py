# SPDX-License-Identifier: Apache-2.0
"""Encrypted volume annotations on a host: every bad value named, and a host without
device-mapper refuses the container, never runs it unencrypted, and leaves nothing behind (ward
only). The volumes themselves are tested with real dm-crypt in the VM (volumes_dm.py)."""

import os

import pytest

pytestmark = pytest.mark.ward_only

VOLDIR = "/var/lib/ward/volumes"


def _create(ctx, value, name="scratch", extra_mount=None):
    b = ctx.bundle("true")
    b.config.setdefault("annotations", {})[f"ward.volume.{name}"] = value
    if extra_mount:
        b.config["mounts"].append(extra_mount)
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    b.write()
    return cid, ctx.rt.call("create", "--bundle", b.path, cid)


@pytest.mark.parametrize("value,name,message", [
    ("/scratch", "scratch", "size= is required"),
    ("/scratch,size=1M", "scratch", "size must be 32M to 16T"),
    ("/scratch,size=12X", "scratch", "size must be 32M to 16T"),
    ("scratch,size=64M", "scratch", "absolute path"),
    ("/,size=64M", "scratch", "absolute path"),
    ("/a/../b,size=64M", "scratch", "absolute path"),
    ("/scratch,size=64M,fs=btrfs", "scratch", "fs must be ext4 or xfs"),
    ("/scratch,size=64M,size=1G", "scratch", "unknown or repeated option \"size=1G\""),
    ("/scratch,size=64M,compress", "scratch", "unknown or repeated option \"compress\""),
    ("/scratch,size=64M", "Bad", "a volume name is 1-32 of [a-z0-9_-]"),
    ("/scratch,size=64M", "x" * 33, "a volume name is 1-32"),
])
def test_bad_annotation_is_named(ctx, value, name, message):
    cid, res = _create(ctx, value, name)
    assert res.rc != 0, res
    assert f"annotation ward.volume.{name}" in res.err and message in res.err, res.err
    assert cid not in os.listdir(ctx.rt.root) if os.path.isdir(ctx.rt.root) else True


def test_volume_may_not_shadow_a_mount(ctx):
    _, res = _create(ctx, "/data,size=64M", extra_mount={
        "destination": "/data/", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]})
    assert res.rc != 0 and "same destination /data" in res.err, res.err


def test_no_device_mapper_refuses_and_leaves_nothing(ctx):
    if os.path.exists("/dev/mapper/control"):
        pytest.skip("this host has device-mapper: tests/vm/test_vm_volumes.py covers it")
    cid, res = _create(ctx, "/scratch,size=64M")
    assert res.rc != 0, res
    assert "volume scratch: this kernel has no device-mapper" in res.err, res.err
    assert "never falls back to an unencrypted volume" in res.err
    assert not os.path.exists(os.path.join(ctx.rt.root, cid))
    assert not os.path.exists(os.path.join(VOLDIR, cid))
