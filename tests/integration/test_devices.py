# SPDX-License-Identifier: Apache-2.0
"""Default devices, /dev symlinks, spec devices and the devices cgroup."""

import pytest

DEFAULT_DEVICES = {
    "/dev/null": "1:3", "/dev/zero": "1:5", "/dev/full": "1:7", "/dev/random": "1:8",
    "/dev/urandom": "1:9", "/dev/tty": "5:0",
}


def _stat_lines(ctx, b, paths, fmt="%n|%F|%t:%T|%a"):
    b.shell("; ".join(f"stat -c '{fmt}' {p}" for p in paths))
    return {line.split("|")[0]: line.split("|")[1:] for line in ctx.run_ok(b).splitlines()}


def test_default_devices(ctx):
    got = _stat_lines(ctx, ctx.bundle(), DEFAULT_DEVICES)
    for path, numbers in DEFAULT_DEVICES.items():
        major, minor = numbers.split(":")
        kind, nums, mode = got[path]
        assert kind == "character special file", (path, got[path])
        assert nums == f"{int(major):x}:{int(minor):x}", (path, got[path])
        assert mode == "666", (path, got[path])


def test_default_devices_usable(ctx):
    b = ctx.bundle(script="echo x > /dev/null && echo null-ok; "
                          "head -c 4 /dev/zero | od -An -tx1 | tr -d ' '; "
                          "head -c 16 /dev/urandom | wc -c; "
                          "echo x > /dev/full; echo full=$?")
    out = ctx.run_ok(b).split()
    assert out == ["null-ok", "00000000", "16", "full=1"]


def test_dev_symlinks(ctx):
    b = ctx.bundle(script="for l in ptmx fd stdin stdout stderr; do "
                          "echo $l=$(readlink /dev/$l); done; stat -c %F /dev/pts/ptmx")
    lines = ctx.run_ok(b).splitlines()
    links = dict(line.split("=", 1) for line in lines[:-1])
    assert links["ptmx"] == "pts/ptmx"
    assert links["fd"] == "/proc/self/fd"
    assert links["stdin"] == "/proc/self/fd/0"
    assert links["stdout"] == "/proc/self/fd/1"
    assert links["stderr"] == "/proc/self/fd/2"
    assert lines[-1] == "character special file"


def test_spec_device_created_with_mode(ctx):
    b = ctx.bundle()
    b.linux["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229,
                           "fileMode": 0o640, "uid": 0, "gid": 0}]
    got = _stat_lines(ctx, b, ["/dev/fuse"], fmt="%n|%F|%t:%T|%a|%u:%g")
    assert got["/dev/fuse"] == ["character special file", "a:e5", "640", "0:0"]


def test_spec_device_owner(ctx):
    b = ctx.bundle()
    b.linux["devices"] = [{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 3,
                           "fileMode": 0o600, "uid": 1000, "gid": 1000}]
    got = _stat_lines(ctx, b, ["/dev/mydev"], fmt="%n|%F|%t:%T|%a|%u:%g")
    assert got["/dev/mydev"] == ["character special file", "1:3", "600", "1000:1000"]


def test_devices_cgroup_denies_by_default(ctx):
    b = ctx.bundle(script="true < /dev/fuse && echo opened || echo denied")
    b.linux["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229,
                           "fileMode": 0o666}]
    res = ctx.run(ctx.new_id(), b)
    assert res.rc == 0, res
    assert res.out.strip() == "denied"
    assert "Operation not permitted" in res.err


def test_devices_cgroup_allow_rule(ctx):
    b = ctx.bundle(script="true < /dev/fuse && echo opened || echo denied")
    b.linux["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229,
                           "fileMode": 0o666}]
    b.linux["resources"]["devices"].append(
        {"allow": True, "type": "c", "major": 10, "minor": 229, "access": "rw"})
    assert ctx.run_ok(b).strip() == "opened"


@pytest.mark.parametrize("dtype", ["b", "p"])
def test_spec_device_other_types(ctx, dtype):
    dev = {"path": "/dev/thing", "type": dtype, "fileMode": 0o600}
    if dtype == "b":
        dev.update(major=7, minor=200)
    b = ctx.bundle()
    b.linux["devices"] = [dev]
    got = _stat_lines(ctx, b, ["/dev/thing"], fmt="%n|%F")
    assert got["/dev/thing"] == [{"b": "block special file", "p": "fifo"}[dtype]]


def test_devices_in_user_namespace(ctx):
    """mknod is not allowed in a user namespace: default and spec devices still appear (bound
    from the host) with the right numbers, and /dev/null works."""
    b = ctx.bundle()
    b.add_namespace("user")
    b.linux["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    b.linux["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    b.remove_mount("/sys/fs/cgroup")
    b.linux["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229,
                           "fileMode": 0o666}]
    got = _stat_lines(ctx, b, ["/dev/null", "/dev/zero", "/dev/fuse"], fmt="%n|%F|%t:%T")
    assert got["/dev/null"] == ["character special file", "1:3"]
    assert got["/dev/zero"] == ["character special file", "1:5"]
    assert got["/dev/fuse"] == ["character special file", "a:e5"]
    b.shell("echo x > /dev/null && echo null-ok")
    assert ctx.run_ok(b).strip() == "null-ok"
