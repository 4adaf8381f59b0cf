# SPDX-License-Identifier: Apache-2.0
"""--version, spec, features, list, state and the global options."""

import json
import os
import re

import pytest

import expectations as E


def test_version(ctx):
    res = ctx.rt.call("--version", root=False)
    assert res.rc == 0, res
    first = res.out.splitlines()[0]
    assert re.match(r"^\S+ version \S+", first), res.out
    assert re.search(r"^spec(-version)?: 1\.\d+\.\d+", res.out, re.M), res.out
    if ctx.is_ward:
        assert re.fullmatch(E.WARD_VERSION_FIRST_LINE, first), res.out
        assert re.search(E.WARD_VERSION_FEATURES, res.out, re.M), res.out


def _spec(ctx, *flags):
    d = ctx.path("spec" + "".join(flags).replace("-", "_"))
    os.makedirs(d)
    res = ctx.rt.call("spec", *flags, root=False, cwd=d)
    assert res.rc == 0, res
    with open(os.path.join(d, "config.json")) as f:
        return d, json.load(f)


def test_spec_default_is_runnable(ctx):
    d, cfg = _spec(ctx)
    assert re.match(r"^1\.\d+\.\d+", cfg["ociVersion"])
    assert cfg["root"]["path"] == "rootfs"
    assert cfg["process"]["args"]
    types = {ns["type"] for ns in cfg["linux"]["namespaces"]}
    assert {"pid", "mount", "ipc", "uts", "network"} <= types
    assert "user" not in types
    assert any(m["destination"] == "/proc" for m in cfg["mounts"])
    # The default spec runs as is on our rootfs once given a command and no terminal.
    cfg["process"]["terminal"] = False
    cfg["process"]["args"] = ["sh", "-c", "echo from-spec; hostname"]
    cfg["root"]["path"] = ctx.rootfs
    cfg.setdefault("linux", {})["cgroupsPath"] = ctx.cgroups_path(cid := ctx.new_id())
    ctx.cgroups.append(cfg["linux"]["cgroupsPath"])
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f)
    res = ctx.rt.run(cid, d)
    assert res.rc == 0, res
    assert res.out.splitlines()[0] == "from-spec"


def test_spec_refuses_to_overwrite(ctx):
    d, _ = _spec(ctx)
    before = open(os.path.join(d, "config.json")).read()
    res = ctx.rt.call("spec", root=False, cwd=d)
    assert res.rc != 0
    assert open(os.path.join(d, "config.json")).read() == before


def test_spec_rootless(ctx):
    _, cfg = _spec(ctx, "--rootless")
    types = {ns["type"] for ns in cfg["linux"]["namespaces"]}
    assert "user" in types
    assert cfg["linux"]["uidMappings"] and cfg["linux"]["gidMappings"]
    assert cfg["linux"]["uidMappings"][0]["containerID"] == 0
    assert cfg["linux"]["uidMappings"][0]["size"] >= 1


def test_features(ctx):
    res = ctx.rt.call("features", root=False)
    assert res.rc == 0, res
    f = json.loads(res.out)
    assert re.match(r"^1\.0\.\d", f["ociVersionMin"])
    assert re.match(r"^1\.\d+\.\d", f["ociVersionMax"])
    assert set(f["hooks"]) >= {"prestart", "createRuntime", "createContainer", "startContainer",
                               "poststart", "poststop"}
    assert {"bind", "rbind", "ro", "nosuid", "rprivate"} <= set(f["mountOptions"])
    linux = f["linux"]
    assert {"pid", "network", "ipc", "uts", "mount", "user", "cgroup"} <= set(linux["namespaces"])
    assert "CAP_SYS_ADMIN" in linux["capabilities"]
    assert linux["cgroup"]["v1"] is True
    if ctx.is_ward:
        assert "time" in linux["namespaces"]
        assert linux["cgroup"]["v2"] is True
        assert linux["seccomp"]["enabled"] is True


def _two_containers(ctx):
    ids = [ctx.new_id(), ctx.new_id()]
    b = ctx.bundle("sleep", "60")
    ctx.create(ids[0], b)
    b2 = ctx.bundle("sleep", "60")
    ctx.create(ids[1], b2)
    ctx.rt.start(ids[1])
    return ids, (b, b2)


def test_list_quiet(ctx):
    assert ctx.rt.list(quiet=True).out.split() == []
    ids, _ = _two_containers(ctx)
    assert sorted(ctx.rt.list(quiet=True).out.split()) == sorted(ids)


def test_list_json(ctx):
    res = ctx.rt.list(fmt="json")
    assert json.loads(res.out or "null") in (None, [])
    ids, bundles = _two_containers(ctx)
    entries = {e["id"]: e for e in json.loads(ctx.rt.list(fmt="json").out)}
    assert set(entries) == set(ids)
    assert entries[ids[0]]["status"] == "created"
    assert entries[ids[1]]["status"] == "running"
    assert entries[ids[1]]["pid"] == ctx.rt.state(ids[1])["pid"]
    assert os.path.realpath(entries[ids[0]]["bundle"]) == os.path.realpath(bundles[0].path)


def test_list_table(ctx):
    ids, _ = _two_containers(ctx)
    lines = ctx.rt.list(fmt="table").out.splitlines()
    assert lines[0].split()[:3] == ["ID", "PID", "STATUS"]
    rows = {line.split()[0]: line.split() for line in lines[1:] if line.strip()}
    assert set(rows) == set(ids)
    assert rows[ids[0]][2] == "created"
    assert rows[ids[1]][2] == "running"
    assert int(rows[ids[1]][1]) == ctx.rt.state(ids[1])["pid"]
    default = ctx.rt.list().out.splitlines()
    assert default[0].split()[:3] == ["ID", "PID", "STATUS"]


def test_state_unknown_container_fails(ctx):
    res = ctx.rt.call("state", ctx.new_id())
    assert res.rc != 0
    assert res.err.strip()


def test_log_json_records_errors(ctx):
    log = ctx.path("rt.log")
    cid = ctx.new_id()
    res = ctx.rt.call("start", cid, global_args=["--log", log, "--log-format", "json"])
    assert res.rc != 0
    lines = [line for line in open(log).read().splitlines() if line.strip()]
    assert lines, "nothing written to --log"
    records = [json.loads(line) for line in lines]
    errors = [r for r in records if r.get("level") == "error"]
    assert errors, records
    assert all("msg" in r and "time" in r for r in records)
    assert errors[-1]["msg"].strip()
    if ctx.is_ward:
        assert cid in errors[-1]["msg"], errors   # ward names the container it could not find


def test_log_text_and_debug(ctx):
    log = ctx.path("rt.log")
    b = ctx.bundle("true")
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    res = ctx.rt.call("--debug", "run", "--bundle", b.write() and b.path, cid,
                      global_args=["--log", log, "--log-format", "text"])
    ctx.rt._track(cid)
    assert res.rc == 0, res
    text = open(log).read()
    assert text.strip(), "--debug wrote nothing to --log"
    with pytest.raises(ValueError):
        json.loads(text.splitlines()[0])


def test_unknown_command_fails(ctx):
    res = ctx.rt.call("no-such-command")
    assert res.rc != 0
    assert res.err.strip()


@pytest.mark.ward_only
def test_systemd_cgroup_refused_only_where_a_cgroup_is_placed(ctx):
    """podman passes --systemd-cgroup to every call: commands that work from a container's state
    accept it; create and run, which would place a cgroup, refuse it with a clear error."""
    b = ctx.bundle("sleep", "30")
    cid = ctx.new_id()
    ctx.create(cid, b)
    for args in (("list",), ("state", cid), ("ps", cid), ("kill", cid, "KILL")):
        res = ctx.rt.call(*args, global_args=("--systemd-cgroup",))
        assert res.rc == 0, res
    ctx.rt.wait_status(cid, "stopped")
    res = ctx.rt.call("delete", cid, global_args=("--systemd-cgroup",))
    assert res.rc == 0, res
    other = ctx.new_id()
    res = ctx.rt.call("create", "--bundle", b.path, other,
                      global_args=("--systemd-cgroup",))
    assert res.rc != 0
    assert "--systemd-cgroup" in res.err and "cgroupfs" in res.err, res
    assert other not in ctx.rt.list(fmt="json", check=False).out
