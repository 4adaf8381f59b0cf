# SPDX-License-Identifier: Apache-2.0
"""Host-wide state no container namespace covers, and other processes' memory, from the
generous config (every capability): the host's clock (settimeofday, clock_settime, and adjtimex /
clock_adjtime when the config grants CAP_SYS_TIME), the kernel log (syslog), fanotify on whole
filesystems, AF_VSOCK (no network namespace: the hypervisor and host services), the obsolete
ustat and sysfs, the host's hostname without a UTS namespace, and process_madvise, move_pages and
migrate_pages on a host process from the host's pid namespace. These are the gaps the
comparison with moby's default profile found (runtime/sandbox/seccomp_baseline.c). Each control
is the same program with the host config allowing those calls (nothing changes on the host: see
the programs)."""
import subprocess

from escape import attempt
from wardlib import generous_config, host_caps

HOSTSTATE = ("settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "syslog",
             "fanotify_init", "socket", "ustat", "sysfs")


def test_host_clock_log_fanotify_vsock(ward):
    attempt(ward, "host clock, kernel log, fanotify, AF_VSOCK, ustat/sysfs", ["/sec/hoststate"],
            {"settimeofday": ("EPERM",), "clock_settime": ("EPERM",), "adjtimex": ("EPERM",),
             "clock_adjtime": ("EPERM",), "syslog": ("EPERM",), "fanotify_init": ("EPERM",),
             "vsock": ("EPERM",), "ustat": ("ENOSYS",), "sysfs": ("ENOSYS",)},
            relax=HOSTSTATE,
            control_expect={"settimeofday": ("ok",), "clock_settime": ("EINVAL",),
                            "adjtimex": ("EINVAL",), "clock_adjtime": ("EINVAL",),
                            "syslog": ("ok",), "fanotify_init": ("ok",), "vsock": ("ok",),
                            "ustat": ("ok", "EINVAL"), "sysfs": ("ok",)})


def test_adjtimex_reads_without_cap_sys_time(ward):
    """Not counted: without CAP_SYS_TIME adjtimex stays allowed (the kernel then allows only
    reading): the query works and a change gets the kernel's own EPERM."""
    caps = [c for c in host_caps() if c != "CAP_SYS_TIME"]
    cfg = generous_config(["/sec/hoststate"])
    cfg["process"]["capabilities"] = {k: list(caps) for k in
                                      ("bounding", "effective", "permitted", "inheritable")}
    out = ward.run(cfg)
    assert out.result and out.result["adjtimex_read"] == "ok", out
    assert out.result["adjtimex"] == "EPERM" and out.result["settimeofday"] == "EPERM", out


def test_hostname_without_uts_namespace(ward):
    """Without a UTS namespace of its own the container's hostname is the host's: setting it (to
    the value it has) is refused; with its own UTS namespace (the generous config's) it works."""
    def no_uts(args):
        cfg = generous_config(args)
        cfg["linux"]["namespaces"] = [n for n in cfg["linux"]["namespaces"] if n["type"] != "uts"]
        cfg.pop("hostname", None)
        return cfg

    own = ward.run(generous_config(["/sec/uts"]))
    assert own.result == {"sethostname": "ok", "setdomainname": "ok"}, own
    ctl = ward.run(no_uts(["/sec/uts"]), hostconf=ward.relaxed(("sethostname", "setdomainname")))
    assert ctl.result == {"sethostname": "ok", "setdomainname": "ok"}, f"control: {ctl}"
    import battery
    from escape import describe, verdict
    expect = {"sethostname": ("EPERM",), "setdomainname": ("EPERM",)}
    out = ward.run(no_uts(["/sec/uts"]))
    blocked = battery.record("set the host's hostname (no UTS namespace)",
                             verdict(out.result, expect), describe(out.result, expect))
    assert blocked, f"host hostname NOT PROTECTED: {out}"


def test_memory_of_host_processes(ward):
    """From the host's pid namespace: process_madvise, move_pages, migrate_pages aimed at a host
    process (a sleep the test started), each with nothing to do."""
    victim = subprocess.Popen(["sleep", "60"], stdin=subprocess.DEVNULL)
    try:
        args = ["/sec/hostproc", str(victim.pid)]
        attempt(ward, "process_madvise, move_pages, migrate_pages of a host process", args,
                {"process_madvise": ("EPERM",), "move_pages": ("EPERM",),
                 "migrate_pages": ("EPERM",)},
                relax=("process_madvise", "move_pages", "migrate_pages"),
                config_kw={"pid_ns": False},
                control_expect={"process_madvise": ("ok",), "move_pages": ("ok",),
                                "migrate_pages": ("EINVAL",)})
    finally:
        victim.kill()
        victim.wait()
