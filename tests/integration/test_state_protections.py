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
