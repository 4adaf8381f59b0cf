# SPDX-License-Identifier: Apache-2.0
"""`ward state` records every protection that was in force (ward only)."""

import pytest

pytestmark = pytest.mark.ward_only


def _protections(ctx, bundle):
    cid = ctx.new_id()
    ctx.create(cid, bundle)
    return ctx.rt.state(cid)["ward"]["protections"]


def test_state_lists_protections(ctx):
    b = ctx.bundle("true")
    b.linux.pop("seccomp", None)
    p = _protections(ctx, b)
    assert p["no_new_privileges"] is True
    assert p["seccomp"]["enabled"] is True
    assert p["seccomp"]["baseline"]["entries"] >= 40
    assert p["seccomp"]["spec"] is None          # no profile in the config: baseline only
    assert p["landlock"]["enabled"] is True
    assert p["landlock"]["abi"] >= 1
    assert "write_file" in p["landlock"]["handled_fs"]
    assert p["namespaces"]["pid"] == "new" and p["namespaces"]["mount"] == "new"
    assert p["dumpable"] is False and p["fds_closed"] is True


def test_state_records_spec_filter_and_shared_namespaces(ctx):
    b = ctx.bundle("true")
    b.linux["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}
    b.remove_namespace("network")
    p = _protections(ctx, b)
    assert p["seccomp"]["spec"] is not None
    assert p["namespaces"]["network"] == "host"
    # sharing the host's network namespace: abstract unix sockets are scoped by Landlock
    if p["landlock"]["abi"] >= 6:
        assert "abstract_unix_socket" in p["landlock"]["scoped"]


def test_lsm_labels_are_warned_about_and_recorded_not_silently_ignored(ctx):
    """ward has no AppArmor/SELinux: a config's labels are warned about at create and recorded in
    state; exec warns about the labels it is asked for (flag or --process file), not again about
    the container's own."""
    b = ctx.bundle("sleep", "30")
    b.config["process"]["apparmorProfile"] = "containers-default-0.50.0"
    b.config["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"
    b.linux["mountLabel"] = "system_u:object_r:container_file_t:s0"
    cid = ctx.new_id()
    res = ctx.create(cid, b)
    assert res.rc == 0, res
    for path in ("process.apparmorProfile", "process.selinuxLabel", "linux.mountLabel"):
        assert f"warning: {path}:" in res.err and "not supported by ward" in res.err, res.err
    assert ctx.rt.state(cid)["ward"]["ignored"] == [
        "process.apparmorProfile=containers-default-0.50.0",
        "process.selinuxLabel=system_u:system_r:container_t:s0",
        "linux.mountLabel=system_u:object_r:container_file_t:s0"]
    ctx.rt.start(cid)
    res = ctx.rt.call("exec", cid, "true")
    assert res.rc == 0 and "warning" not in res.err, res
    res = ctx.rt.call("exec", "--apparmor", "unconfined", cid, "true")
    assert res.rc == 0, res
    assert "exec: process.apparmorProfile: unconfined: not supported by ward" in res.err, res


def test_no_ignored_key_without_labels(ctx):
    b = ctx.bundle("true")
    cid = ctx.new_id()
    ctx.create(cid, b)
    assert "ignored" not in ctx.rt.state(cid)["ward"]
