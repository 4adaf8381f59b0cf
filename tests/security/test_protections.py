# SPDX-License-Identifier: Apache-2.0
"""The rest of the mandatory-sandbox promise, checked on the running ward: what only the host can
relax, no_new_privs, the bounding set, Landlock's TCP rules, and what `ward state` and
`ward features` report. Not counted in the escape battery."""
import ctypes
import json
import socket

import pytest

from wardlib import generous_config

# NR_landlock_create_ruleset on x86_64; flag 1 = LANDLOCK_CREATE_RULESET_VERSION
_SYS_LANDLOCK_CREATE_RULESET = 444


def kernel_landlock_abi():
    libc = ctypes.CDLL(None, use_errno=True)
    abi = libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, None, 0, 1)
    return max(abi, 0)


def status_fields(out):
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def test_container_config_cannot_relax_the_baseline(ward):
    """Annotations that look like switches and a spec profile that ALLOWs keyctl explicitly do
    not lift the baseline; the host config does."""
    config = generous_config(["/sec/keyctl"])
    config["annotations"] = {"io.github.ward.seccomp.baseline": "off",
                             "ward.seccomp.allow": "keyctl,add_key", "ward.seccomp": "off",
                             "ward.landlock": "off", "ward.sandbox": "off"}
    config["linux"]["seccomp"] = {
        "defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["keyctl", "add_key"], "action": "SCMP_ACT_ALLOW"}]}
    out = ward.run(config)
    assert out.result == {"keyctl": "EPERM", "add_key": "EPERM"}, out
    ctl = ward.run(config, hostconf=ward.hostconf("seccomp.allow = keyctl,add_key\n"))
    assert ctl.result == {"keyctl": "ok", "add_key": "ok"}, ctl


def test_no_new_privs_forced_unless_the_host_allows(ward):
    args = ["grep", "NoNewPrivs", "/proc/self/status"]
    out = ward.run(generous_config(args))  # noNewPrivileges: false in the config
    assert status_fields(out.stdout)["NoNewPrivs"].strip() == "1", out
    ctl = ward.run(generous_config(args),
                   hostconf=ward.hostconf("sandbox.no_new_privileges = optional\n"))
    assert status_fields(ctl.stdout)["NoNewPrivs"].strip() == "0", ctl


def test_bounding_set_is_the_specs(ward):
    config = generous_config(["grep", "^Cap", "/proc/self/status"])
    caps = config["process"]["capabilities"]
    for k in caps:
        caps[k] = ["CAP_KILL", "CAP_NET_BIND_SERVICE"]
    out = ward.run(config)
    fields = status_fields(out.stdout)
    want = (1 << 5) | (1 << 10)
    for k in ("CapBnd", "CapEff", "CapPrm"):
        assert int(fields[k].strip(), 16) == want, (k, out)


def test_landlock_tcp_connect_annotation(ward):
    """ward.landlock.net.connect limits TCP connect to the listed ports (ABI 4), even in the
    host's network namespace."""
    if kernel_landlock_abi() < 4:
        pytest.skip("Landlock ABI < 4: ward refuses the annotation (tested elsewhere)")
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port = srv.getsockname()[1]
    try:
        config = generous_config(["/sec/tcp", str(port)], net_ns=False)
        assert ward.run(config).result == {"connect": "ok"}  # no annotation: unrestricted
        config["annotations"] = {"ward.landlock.net.connect": str(port + 1 if port < 65535
                                                                   else port - 1)}
        out = ward.run(config)
        assert out.result == {"connect": "EACCES"}, out
        config["annotations"] = {"ward.landlock.net.connect": str(port)}
        assert ward.run(config).result == {"connect": "ok"}
    finally:
        srv.close()


def _protections(ward, config):
    cid, _ = ward.create(config)
    state = ward.state(cid)
    on_disk = json.loads((ward.root / cid / "state.json").read_text())
    ward.cmd("delete", "--force", cid)
    return state["ward"]["protections"], on_disk


def test_state_lists_seccomp_landlock_nnp(ward):
    config = generous_config(["true"])
    config["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
                                  "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO"}]}
    prot, on_disk = _protections(ward, config)
    assert on_disk["ward"]["protections"] == prot, "ward state differs from state.json"
    assert prot["no_new_privileges"] is True
    base = prot["seccomp"]["baseline"]
    assert prot["seccomp"]["enabled"] and base["hash"] and base["entries"] > 0, prot
    assert base["foreign_arch_action"] == "SCMP_ACT_KILL_PROCESS"
    assert prot["seccomp"]["spec"], "the spec's filter is not described"
    ll = prot["landlock"]
    assert ll["enabled"] and ll["abi"] == kernel_landlock_abi(), ll
    assert "write_file" in ll["handled_fs"] and "make_block" in ll["handled_fs"], ll


def test_state_lists_host_relaxations(ward):
    hc = ward.hostconf("seccomp.allow = keyctl\nlandlock = off\n"
                       "sandbox.no_new_privileges = optional\n")
    cid, _ = ward.create(generous_config(["true"]), hostconf=hc)
    prot = ward.state(cid)["ward"]["protections"]
    assert prot["seccomp"]["baseline"]["host_allowed"] == ["keyctl"], prot
    assert prot["landlock"]["enabled"] is False, prot
    assert prot["no_new_privileges"] is False, prot


def test_state_lists_namespaces(ward):
    prot, _ = _protections(ward, generous_config(["true"], pid_ns=False))
    assert prot["namespaces"]["pid"] == "host", prot["namespaces"]
    assert prot["namespaces"]["mount"] == "new", prot["namespaces"]


def test_features_reports_what_the_host_supports(ward):
    r = ward.cmd("features")
    assert r.returncode == 0, r.stderr
    feats = json.loads(r.stdout)
    assert feats["linux"]["seccomp"]["enabled"] is True
    ann = feats["annotations"]
    assert ann["io.github.ward.seccomp.baseline"] == "enforced"
    ll = json.loads(ann["landlock"])
    assert ll["enabled"] == (kernel_landlock_abi() > 0) and ll["abi"] == kernel_landlock_abi()
    sc = json.loads(ann["seccomp"])
    assert sc["enabled"] and sc["baseline_entries"] > 0 and sc["native_arch"] == "x86_64"


def _spec_profile_config():
    config = generous_config(["sh", "-c", "mkdir /tmp/d; echo RESULT mkdir=$?"])
    config["linux"]["seccomp"] = {
        "defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["ward_no_such_syscall", "mkdir", "mkdirat"],
                      "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
    return config


def test_spec_profile_applies_and_skips_unknown_names(ward):
    """An unknown syscall name in the spec's profile is skipped (as crun does), the rest of the
    profile applies on top of the baseline, and state counts what was skipped."""
    config = _spec_profile_config()
    out = ward.run(config)
    assert out.status == 0 and "RESULT mkdir=1" in out.stdout, out
    cid, _ = ward.create(config)
    spec = ward.state(cid)["ward"]["protections"]["seccomp"]["spec"]
    assert spec and spec.get("skipped_unknown") == 1, spec


def test_debug_names_a_skipped_syscall(ward):
    r = ward.cmd("--debug", "run", "--bundle", ward.bundle(_spec_profile_config()),
                 ward.new_id())
    assert "ward_no_such_syscall" in r.stderr, r.stderr
