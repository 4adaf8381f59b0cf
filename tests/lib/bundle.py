# SPDX-License-Identifier: Apache-2.0
"""OCI bundles built in Python.

default_config() returns the dict `runc spec` prints (runtime-spec 1.0.2 defaults: the same
mounts, namespaces, capabilities, masked and read-only paths), except that the terminal is off and
args are given by the caller. Bundle wraps a directory holding config.json; tests change
bundle.config (a plain dict) and the runtime runner writes it before each create/run.
"""

import copy
import json
import os

OCI_VERSION = "1.0.2"

DEFAULT_CAPS = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]

DEFAULT_MOUNTS = [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
     "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
     "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs",
     "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
     "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
]

DEFAULT_NAMESPACES = ["pid", "network", "ipc", "uts", "mount"]

MASKED_PATHS = [
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
]

READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def default_config(args=("sh",), rootfs="rootfs", readonly=True, hostname="ward-test",
                   cgroups_path=None):
    """The runc-spec default config as a dict, with terminal off and the given args."""
    caps = list(DEFAULT_CAPS)
    config = {
        "ociVersion": OCI_VERSION,
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": list(args),
            "env": [PATH_ENV, "TERM=xterm"],
            "cwd": "/",
            "capabilities": {
                "bounding": list(caps), "effective": list(caps), "permitted": list(caps),
                "ambient": list(caps),
            },
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
            "noNewPrivileges": True,
        },
        "root": {"path": rootfs, "readonly": readonly},
        "hostname": hostname,
        "mounts": copy.deepcopy(DEFAULT_MOUNTS),
        "linux": {
            "resources": {"devices": [{"allow": False, "access": "rwm"}]},
            "namespaces": [{"type": t} for t in DEFAULT_NAMESPACES],
            "maskedPaths": list(MASKED_PATHS),
            "readonlyPaths": list(READONLY_PATHS),
        },
    }
    if cgroups_path:
        config["linux"]["cgroupsPath"] = cgroups_path
    return config


class Bundle:
    """A bundle directory; `config` is written to config.json by write()."""

    def __init__(self, path, config):
        self.path = str(path)
        self.config = config
        os.makedirs(self.path, exist_ok=True)
        os.chmod(self.path, 0o755)

    @property
    def config_path(self):
        return os.path.join(self.path, "config.json")

    @property
    def rootfs(self):
        root = self.config["root"]["path"]
        return root if os.path.isabs(root) else os.path.join(self.path, root)

    def write(self):
        with open(self.config_path, "w") as f:
            json.dump(self.config, f, indent=1)
        return self.config_path

    def write_raw(self, text):
        """Write config.json verbatim (for malformed-JSON tests); later write() calls overwrite it,
        so callers that use this should pass write_config=False to the runner."""
        with open(self.config_path, "wb" if isinstance(text, bytes) else "w") as f:
            f.write(text)
        return self.config_path

    # Convenience editors; each returns self so calls chain.

    @property
    def process(self):
        return self.config["process"]

    @property
    def linux(self):
        return self.config.setdefault("linux", {})

    def args(self, *argv):
        self.process["args"] = list(argv)
        return self

    def shell(self, script):
        """Run `sh -c script` in the container."""
        return self.args("sh", "-c", script)

    def add_mount(self, destination, mtype=None, source=None, options=None):
        m = {"destination": destination}
        if mtype is not None:
            m["type"] = mtype
        if source is not None:
            m["source"] = str(source)
        if options is not None:
            m["options"] = list(options)
        self.config.setdefault("mounts", []).append(m)
        return self

    def bind(self, source, destination, ro=False, extra=()):
        opts = ["rbind", "ro" if ro else "rw"] + list(extra)
        return self.add_mount(destination, "bind", source, opts)

    def namespaces(self):
        return [ns["type"] for ns in self.linux.get("namespaces", [])]

    def add_namespace(self, ns_type, path=None):
        self.remove_namespace(ns_type)
        ns = {"type": ns_type}
        if path is not None:
            ns["path"] = str(path)
        self.linux.setdefault("namespaces", []).append(ns)
        return self

    def remove_namespace(self, ns_type):
        self.linux["namespaces"] = [
            ns for ns in self.linux.get("namespaces", []) if ns["type"] != ns_type
        ]
        return self

    def remove_mount(self, destination):
        self.config["mounts"] = [
            m for m in self.config.get("mounts", []) if m["destination"] != destination
        ]
        return self

    def set_caps(self, caps, ambient=True):
        sets = ("bounding", "effective", "permitted") + (("ambient",) if ambient else ())
        self.process["capabilities"] = {s: list(caps) for s in sets}
        return self

    def add_hook(self, kind, path, args=None, env=None, timeout=None):
        hook = {"path": str(path)}
        if args is not None:
            hook["args"] = [str(a) for a in args]
        if env is not None:
            hook["env"] = list(env)
        if timeout is not None:
            hook["timeout"] = timeout
        self.config.setdefault("hooks", {}).setdefault(kind, []).append(hook)
        return self
