# SPDX-License-Identifier: Apache-2.0
"""Invalid configs: non-zero exit, an error naming the JSON path (exact for ward, see
expectations.py), and nothing left behind: no state in --root, no cgroup, no mount, no process."""

import json
import re
import os

import pytest

import expectations as E
from lib import hostcheck


def _leftover_mounts(before, ctx):
    """New host mounts since `before`, ignoring other users' /tmp dirs and network namespaces
    (other test suites may run on this machine at the same time)."""
    base = os.path.dirname(ctx.tmp)
    return [m for m in hostcheck.new_mounts(before, ignore_prefixes=("/run/netns",))
            if not (m[1].startswith("/tmp/") and not m[1].startswith(base + "/"))]


def _processes_rooted_in(path):
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.readlink(f"/proc/{pid}/root").startswith(path):
                    found.append(pid)
            except OSError:
                pass
    return found


def _expect_rejected(ctx, b, regex=None, raw=None, command="create"):
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    if raw is not None:
        b.write_raw(raw)
    mounts_before = hostcheck.mount_ids()
    if command == "create":
        res = ctx.rt.create(cid, b, check=False, write_config=raw is None)
    else:
        res = ctx.rt.run(cid, b, write_config=raw is None)
    assert res.rc != 0, res
    assert res.err.strip(), res
    if ctx.is_ward and regex is not None:
        E.assert_stderr_line(res.err, regex)
    assert ctx.rt.call("state", cid).rc != 0
    assert [e for e in ctx.rt.root_entries() if e not in E.ROOT_ALLOWED_ENTRIES] == []
    assert hostcheck.cgroup_dirs(ctx.cgroups_path(cid)) == []
    assert _leftover_mounts(mounts_before, ctx) == []
    assert _processes_rooted_in(b.rootfs) == []
    return res


def test_missing_process_args(ctx):
    b = ctx.bundle()
    del b.process["args"]
    _expect_rejected(ctx, b, E.error_re("missing_args"))


def test_empty_process_args(ctx):
    b = ctx.bundle()
    b.process["args"] = []
    _expect_rejected(ctx, b, E.error_re("empty_args"))


def test_unknown_namespace_type(ctx):
    b = ctx.bundle()
    b.linux["namespaces"] = [{"type": t} for t in ("pid", "network", "foo", "uts", "mount")]
    _expect_rejected(ctx, b, E.error_re("bad_namespace_type", index=2, name="foo"))


def test_duplicate_namespace(ctx):
    b = ctx.bundle()
    b.linux["namespaces"] = [{"type": t} for t in ("pid", "network", "ipc", "pid", "mount")]
    _expect_rejected(ctx, b, E.error_re("duplicate_namespace", index=3, name="pid"))


def test_malformed_json(ctx):
    b = ctx.bundle()
    _expect_rejected(ctx, b, E.malformed_re(**E.MALFORMED_AT), raw=E.MALFORMED_DOC)


def test_truncated_json(ctx):
    b = ctx.bundle()
    text = json.dumps(b.config, indent=1)
    _expect_rejected(ctx, b, None, raw=text[: len(text) // 2])


def test_config_not_an_object(ctx):
    b = ctx.bundle()
    _expect_rejected(ctx, b, None, raw="[1, 2, 3]\n")


def test_missing_config(ctx):
    b = ctx.bundle()
    cid = ctx.new_id()
    res = ctx.rt.create(cid, b.path, check=False)
    assert res.rc != 0
    assert "config.json" in res.err
    assert ctx.rt.root_entries() == []


@pytest.mark.ward_only  # runc 1.1 only warns about a relative mount destination and goes on
def test_bad_mount_destination(ctx):
    b = ctx.bundle()
    b.add_mount("relative/dir", "tmpfs", "tmpfs", ["size=64k"])
    index = len(b.config["mounts"]) - 1
    _expect_rejected(ctx, b, E.error_re("bad_mount_destination", index=index))
    assert not os.path.exists(os.path.join(b.rootfs, "relative"))


@pytest.mark.ward_only  # runc and crun accept (and ignore) unknown capability names
def test_unknown_capability(ctx):
    b = ctx.bundle()
    b.process["capabilities"]["bounding"] = ["CAP_FOO", "CAP_KILL"]
    _expect_rejected(ctx, b, E.error_re("unknown_capability", set="bounding", index=0,
                                        name="CAP_FOO"))


def test_unknown_rlimit(ctx):
    b = ctx.bundle()
    b.process["rlimits"].append({"type": "RLIMIT_FOO", "soft": 1, "hard": 1})
    _expect_rejected(ctx, b, E.error_re("unknown_rlimit", index=1, name="RLIMIT_FOO"))


def test_missing_rootfs(ctx):
    b = ctx.bundle()
    b.config["root"]["path"] = ctx.path("no-such-rootfs")
    _expect_rejected(ctx, b, E.error_re("missing_rootfs", path=ctx.path("no-such-rootfs")))


def test_bad_config_with_run(ctx):
    b = ctx.bundle()
    b.linux["namespaces"] = [{"type": t} for t in ("pid", "network", "foo", "uts", "mount")]
    _expect_rejected(ctx, b, E.error_re("bad_namespace_type", index=2, name="foo"),
                     command="run")


@pytest.mark.ward_only
def test_profile_denying_what_the_init_needs_is_explained(ctx):
    """A seccomp profile with notify actions is loaded before the init's last messages to ward
    (its listener must reach ward): one that also denies sendmsg kills the init's last report.
    create fails, says why, and leaves nothing behind."""
    b = ctx.bundle("true")
    b.linux["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
                          "listenerPath": ctx.path("no-listener.sock"),
                          "syscalls": [{"names": ["sendmsg"], "action": "SCMP_ACT_ERRNO"},
                                       {"names": ["mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}
    cid = ctx.new_id()
    res = ctx.create(cid, b, check=False)
    assert res.rc != 0
    assert "a seccomp profile in the config with notify actions" in res.err, res
    assert [e for e in os.listdir(ctx.rt.root) if not e.startswith(".")] == []  # cache only


@pytest.mark.ward_only
def test_profile_denying_what_ward_uses_does_not_touch_setup(ctx):
    """Without notify actions the config's filter is the last thing before execve: a profile
    denying sendmsg (ward's sync messages) leaves create and start alone."""
    b = ctx.bundle("true")
    b.linux["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": ["sendmsg"], "action": "SCMP_ACT_ERRNO"}]}
    cid = ctx.new_id()
    res = ctx.create(cid, b, check=False)
    assert res.rc == 0, res
    ctx.rt.delete(cid, force=True)


def _config_with_arg(b, raw):
    """config.json bytes whose process.args[3] is the raw JSON string text `raw`."""
    b.process["args"] = ["sh", "-c", 'printf %s "$0"', "ARG-PLACEHOLDER"]
    text = json.dumps(b.config).encode()
    return text.replace(b'"ARG-PLACEHOLDER"', b'"' + raw + b'"')


@pytest.mark.parametrize("raw,why", [
    (rb"a\u0000b", r"contains a NUL character \(\\u0000\)"),
    (b"\xc0\x80", r"is not valid UTF-8 \(byte 0xc0 at offset 0\)"),
    (b"\xed\xa0\x80", r"is not valid UTF-8 \(byte 0xed at offset 0\)"),
    (rb"\ud800x", r"contains an unpaired UTF-16 surrogate \(\\ud800\)"),
], ids=["nul-escape", "overlong-nul", "utf8-surrogate", "lone-surrogate"])
def test_string_not_rfc8259_is_refused(ctx, raw, why):
    """Strings are RFC 8259's (UTF-8, surrogates paired) and hold no NUL: yajl alone would have
    cut "a\\u0000b" to "a" and passed the others; the error names the JSON path."""
    b = ctx.bundle()
    text = _config_with_arg(b, raw)
    regex = re.compile(r"ward: config\.json: line 1, column \d+: process\.args\[3\]: " + why)
    _expect_rejected(ctx, b, regex, raw=text)


def test_string_rfc8259_control(ctx):
    """Control: valid UTF-8, raw and as an escaped surrogate pair, reaches the process intact."""
    b = ctx.bundle()
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    b.write_raw(_config_with_arg(b, "h\u00e9\U0001f600".encode() + rb"\ud83d\ude00"))
    res = ctx.rt.run(cid, b, write_config=False)
    assert res.rc == 0, res
    assert res.out == "h\u00e9\U0001f600\U0001f600"
