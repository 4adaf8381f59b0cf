# SPDX-License-Identifier: Apache-2.0
"""Kernel interfaces reached through another path than the config's own /proc and /sys: a second
procfs, binds of the host's /sys, /sys/fs/cgroup, /proc and /proc/sys. Without a user namespace
of its own the container must find them read-only whatever the config calls the mount (ward
decides by the filesystem actually mounted, every submount of an rbind included). Each control
is the same container under a host config with only `sandbox.kernel_interfaces = config`: the
very same opens then succeed, so the refusal is ward's lockdown and nothing else. The program
opens each file for writing and closes it without writing."""
from escape import attempt


def _only_kernel_interfaces_relaxed(ward, args, mounts):
    from wardlib import generous_config
    conf = ward.hostconf("sandbox.kernel_interfaces = config\n")
    return lambda: ward.run(generous_config(args, mounts=mounts), hostconf=conf).result


def _attempt(ward, name, targets, mounts, extra_ok=()):
    """targets: key -> path that must be refused with EROFS; extra_ok: key -> path that must stay
    writable in the attack run too (per-process files: the lockdown is not a blanket read-only)."""
    args = ["/sec/openw"] + [f"{k}={p}" for k, p in {**targets, **dict(extra_ok)}.items()]
    out = attempt(ward, name, args, {k: ("EROFS",) for k in targets},
                  control=_only_kernel_interfaces_relaxed(ward, args, mounts),
                  control_expect={k: ("ok",) for k in list(targets) + [k for k, _ in extra_ok]},
                  config_kw={"mounts": mounts})
    for key, _ in extra_ok:
        assert out.result.get(key) == "ok", f"{name}: {key} should stay writable: {out}"


def test_second_proc_mount(ward):
    """A second procfs at /p2 (the review's finding: /p2/sys/vm/drop_caches was writable, and so
    kernel.core_pattern, which runs a host program as root). The config's own /proc too."""
    _attempt(ward, "write a second procfs's /p2/sys (+ /proc/sys, /p2/mtrr)",
             {"p2_drop_caches": "/p2/sys/vm/drop_caches", "p2_mtrr": "/p2/mtrr",
              "proc_drop_caches": "/proc/sys/vm/drop_caches"},
             [{"destination": "/p2", "type": "proc", "source": "proc"}],
             extra_ok=[("p2_self_comm", "/p2/self/comm")])


def test_bind_host_sys(ward):
    """An rbind of the host's /sys: sysfs itself and the cgroup hierarchies mounted beneath it
    (v1 and the unified v2 on this hybrid host)."""
    _attempt(ward, "write the host's /sys through an rbind (+ its cgroup submounts)",
             {"thp": "/hs/kernel/mm/transparent_hugepage/enabled",
              "cg_v1": "/hs/fs/cgroup/memory/cgroup.procs",
              "cg_v2": "/hs/fs/cgroup/unified/cgroup.procs"},
             [{"destination": "/hs", "type": "bind", "source": "/sys", "options": ["rbind"]}])


def test_bind_host_cgroupfs(ward):
    """The host's /sys/fs/cgroup bound recursively, and one v1 hierarchy bound alone (a plain
    bind, not recursive): raising the container's own limits, moving host tasks."""
    _attempt(ward, "write the host's cgroupfs through binds",
             {"rbind_v1": "/cg/memory/cgroup.procs", "rbind_v2": "/cg/unified/cgroup.procs",
              "bind_v1": "/cgm/memory.limit_in_bytes"},
             [{"destination": "/cg", "type": "bind", "source": "/sys/fs/cgroup",
               "options": ["rbind"]},
              {"destination": "/cgm", "type": "bind", "source": "/sys/fs/cgroup/memory",
               "options": ["bind"]}])


def test_bind_host_proc(ward):
    """The host's /proc bound (all of procfs), and /proc/sys and /proc/sys/vm bound alone (a
    procfs mount whose root is inside the host-wide part)."""
    _attempt(ward, "write the host's /proc/sys through binds of /proc, /proc/sys, /proc/sys/vm",
             {"proc_bind": "/hp/sys/vm/drop_caches", "proc_mtrr": "/hp/mtrr",
              "sys_bind": "/ps/vm/drop_caches", "vm_bind": "/pvm/drop_caches"},
             [{"destination": "/hp", "type": "bind", "source": "/proc", "options": ["bind"]},
              {"destination": "/ps", "type": "bind", "source": "/proc/sys", "options": ["rbind"]},
              {"destination": "/pvm", "type": "bind", "source": "/proc/sys/vm",
               "options": ["bind"]}])

