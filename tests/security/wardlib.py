# SPDX-License-Identifier: Apache-2.0
"""Driving ward for the escape battery: bundles, the generous config, runs and their results."""
import itertools
import json
import os
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from lib.common import wait_until

# Capability names by bit number (linux/capability.h).
CAP_NAMES = [
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
    "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
    "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
    "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
]


def host_caps():
    """Every capability this (root) process holds in its bounding set: all of them, except what
    the host itself lacks (CAP_SYS_RESOURCE on the development VM)."""
    with open("/proc/self/status") as f:
        bnd = next(int(line.split()[1], 16) for line in f if line.startswith("CapBnd:"))
    return ["CAP_" + n for i, n in enumerate(CAP_NAMES) if bnd & (1 << i)]


def generous_config(args, *, pid_ns=True, net_ns=True, readonly=False, mounts=(), cwd="/",
                    user_ns=False):
    """The most permissive config a workload could hand ward: root with every capability in
    every set, noNewPrivileges false, no seccomp section, no masked or read-only paths, every
    device allowed, a writable rootfs and writable /sys. pid_ns/net_ns False share the host's."""
    caps = host_caps()
    namespaces = [{"type": t} for t in ("mount", "uts", "ipc", "cgroup")]
    if pid_ns:
        namespaces.append({"type": "pid"})
    if net_ns:
        namespaces.append({"type": "network"})
    cfg = {
        "ociVersion": "1.0.2",
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": list(args),
            "env": ["PATH=/sec:/bin:/sbin"],
            "cwd": cwd,
            "capabilities": {k: list(caps) for k in
                             ("bounding", "effective", "permitted", "inheritable")},
            "noNewPrivileges": False,
        },
        "root": {"path": "rootfs", "readonly": readonly},
        "hostname": "battery",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "mode=755", "size=1024k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "nodev", "mode=1777", "size=1024k"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev"]},
        ] + list(mounts),
        "linux": {
            "namespaces": namespaces,
            "resources": {"devices": [{"allow": True, "access": "rwm"}]},
        },
    }
    if user_ns:
        cfg["linux"]["namespaces"].append({"type": "user"})
        cfg["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        cfg["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    return cfg


def parse_result(stdout):
    """The program's RESULT line as a dict, or None when it printed none."""
    for line in stdout.splitlines():
        if line.startswith("RESULT"):
            out = {}
            for tok in line.split()[1:]:
                k, _, v = tok.partition("=")
                out[k] = v
            return out
    return None


@dataclass
class Outcome:
    status: int
    stdout: str
    stderr: str
    result: dict = field(default=None)

    @property
    def signal(self):
        """The signal that killed the container's process (ward run reports 128+N), or None."""
        return signal.Signals(self.status - 128).name if 128 < self.status < 160 else None

    def __str__(self):
        return (f"status={self.status} result={self.result} "
                f"stderr={self.stderr.strip()[-400:]!r}")


class Ward:
    """ward with its own --root under a test's temp dir; every container it made is deleted."""

    def __init__(self, binary, tmp, rootfs_template):
        self.binary = binary
        self.tmp = Path(tmp)
        self.root = self.tmp / "ward-root"
        self.root.mkdir()
        self.template = rootfs_template
        self.ids = []
        self._n = itertools.count()

    def argv(self, *args, hostconf=None, binary=None):
        cmd = [str(binary or self.binary), "--root", str(self.root)]
        if hostconf is not None:
            cmd += ["--config", str(hostconf)]
        return cmd + [str(a) for a in args]

    def cmd(self, *args, hostconf=None, binary=None, timeout=60, **kw):
        if "stdout" not in kw:
            kw.setdefault("capture_output", True)
        return subprocess.run(self.argv(*args, hostconf=hostconf, binary=binary), text=True,
                              timeout=timeout, **kw)

    def hostconf(self, text):
        path = self.tmp / f"ward-{next(self._n)}.conf"
        path.write_text(text)
        return path

    def relaxed(self, syscalls=()):
        """A host config that takes ward's own layers away (the control): the named baseline
        syscalls allowed, Landlock off, no_new_privs optional, /proc/sys & co. as the config
        says."""
        lines = ["landlock = off", "sandbox.no_new_privileges = optional",
                 "sandbox.kernel_interfaces = config"]
        if syscalls:
            lines.append("seccomp.allow = " + ",".join(syscalls))
        return self.hostconf("\n".join(lines) + "\n")

    def bundle(self, config):
        b = self.tmp / f"bundle-{next(self._n)}"
        b.mkdir()
        subprocess.run(["cp", "-a", str(self.template), str(b / "rootfs")], check=True)
        (b / "config.json").write_text(json.dumps(config, indent=1))
        return b

    def new_id(self):
        cid = f"sec-{os.getpid()}-{next(self._n)}"
        self.ids.append(cid)
        return cid

    def run(self, config, *, hostconf=None, bundle=None, timeout=60, binary=None, **kw):
        """`ward run` of config (or of an existing bundle); the outcome with its RESULT line.
        Without a host config, $WARD_SEC_ATTACK_HOSTCONF if set: a diagnostic that runs every
        attack under a weaker host config (e.g. "landlock = off": what seccomp alone holds)."""
        b = bundle or self.bundle(config)
        if hostconf is None:
            hostconf = os.environ.get("WARD_SEC_ATTACK_HOSTCONF") or None
        r = self.cmd("run", "--bundle", b, self.new_id(), hostconf=hostconf, binary=binary,
                     timeout=timeout, **kw)
        return Outcome(r.returncode, r.stdout, r.stderr, parse_result(r.stdout))

    def create(self, config, *, hostconf=None, binary=None, bundle=None):
        """`ward create`; returns (id, init pid)."""
        b = bundle or self.bundle(config)
        cid = self.new_id()
        log = self.tmp / f"{cid}.create.log"
        # the init keeps the stdio it was given: no pipes, or reading them would never end
        with open(log, "w") as f:
            r = self.cmd("create", "--bundle", b, cid, hostconf=hostconf, binary=binary,
                         stdin=subprocess.DEVNULL, stdout=f, stderr=f)
        assert r.returncode == 0, f"ward create failed: {log.read_text()}"
        return cid, self.state(cid)["pid"]

    def state(self, cid):
        r = self.cmd("state", cid)
        assert r.returncode == 0, f"ward state {cid} failed: {r.stderr}"
        return json.loads(r.stdout)

    def wait_stopped(self, cid, timeout=20):
        def stopped():
            r = self.cmd("state", cid)
            return r.returncode != 0 or json.loads(r.stdout)["status"] == "stopped"
        return wait_until(stopped, timeout=timeout)

    def cleanup(self):
        for cid in self.ids:
            try:
                self.cmd("delete", "--force", cid, timeout=30)
            except subprocess.TimeoutExpired:
                pass
