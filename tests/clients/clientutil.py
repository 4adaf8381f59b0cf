# SPDX-License-Identifier: Apache-2.0
"""Shared helpers of the client suites (podman, containerd): which runtime is under test, the
busybox rootfs, host cgroup files of a process, and teardown of whatever a session left behind.

The runtime under test is lib.common's ward binary (WARD_BUILD_DIR, WARD_RUNTIME), or any
runc-compatible binary named by env WARD_CLIENT_RUNTIME (e.g. /usr/sbin/runc to validate a suite).
Importing this module puts tests/ on sys.path, so that the suites can import lib.common.
"""
import os
import signal
import subprocess
import sys
import time

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)
from lib.common import pid_alive, ward_binary  # noqa: E402

WAIT = 20.0  # seconds a client suite waits for a state change (podman and containerd are slow)
SYS_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def runtime_under_test():
    """Absolute path of the runtime binary the clients are told to use."""
    path = os.path.abspath(os.environ.get("WARD_CLIENT_RUNTIME") or ward_binary())
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"runtime under test {path} is not an executable file "
                           "(build ward, or set WARD_BUILD_DIR or WARD_CLIENT_RUNTIME)")
    return path


def in_script(argv):
    """argv run on a fresh pseudo-terminal by script(1), for `-t` / `-it` client commands."""
    cmd = " ".join("'" + a.replace("'", "'\\''") + "'" for a in argv)
    return ["script", "-qec", cmd, "/dev/null"]


# -- host cgroup files of a container process (v1 hybrid, or pure v2) --------------------------

def _cgroup_dirs(pid):
    """{controller: host directory} for pid; the v2 entry is under the key ""."""
    dirs = {}
    with open(f"/proc/{pid}/cgroup") as f:
        for line in f:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            if not ctrls:
                base = "/sys/fs/cgroup/unified" if os.path.isdir(
                    "/sys/fs/cgroup/unified") else "/sys/fs/cgroup"
                dirs[""] = base + path
                continue
            for c in ctrls.split(","):
                dirs[c] = os.path.join("/sys/fs/cgroup", ctrls) + path
    return dirs


def _read(path):
    with open(path) as f:
        return f.read().strip()


def memory_limit(pid):
    """The memory limit in bytes of the cgroup pid is in (None when unlimited)."""
    d = _cgroup_dirs(pid)
    if "memory" in d:
        v = int(_read(os.path.join(d["memory"], "memory.limit_in_bytes")))
        return None if v >= 1 << 62 else v
    v = _read(os.path.join(d[""], "memory.max"))
    return None if v == "max" else int(v)


def cpu_shares(pid):
    """cpu.shares (v1), or cpu.weight converted back the way runc converts shares (v2)."""
    d = _cgroup_dirs(pid)
    if "cpu" in d:
        return int(_read(os.path.join(d["cpu"], "cpu.shares")))
    return ("weight", int(_read(os.path.join(d[""], "cpu.weight"))))


def shares_as_seen(shares):
    """What cpu_shares() reads back after the runtime set `shares`."""
    if os.path.isdir("/sys/fs/cgroup/cpu"):
        return shares
    return ("weight", 1 + ((shares - 2) * 9999) // 262142)


def is_frozen(pid):
    d = _cgroup_dirs(pid)
    if "freezer" in d:
        return _read(os.path.join(d["freezer"], "freezer.state")) == "FROZEN"
    return _read(os.path.join(d[""], "cgroup.freeze")) == "1"


# -- teardown -----------------------------------------------------------------------------------

def pids_mentioning(text):
    """Pids (not ours) whose command line contains text."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry))
    return found


def kill_pids(pids, sig=signal.SIGKILL):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def umount_under(directory):
    """Lazily unmount every mount point at or below directory, deepest first."""
    directory = os.path.realpath(directory)
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4].encode().decode("unicode_escape")
            if mp == directory or mp.startswith(directory + "/"):
                points.append(mp)
    for mp in sorted(set(points), key=len, reverse=True):
        subprocess.run(["umount", "-l", mp], stderr=subprocess.DEVNULL, timeout=30)


def cgroup_procs(pid):
    """Pids in the same (memory, else v2) cgroup as pid."""
    d = _cgroup_dirs(pid)
    path = os.path.join(d.get("memory") or d[""], "cgroup.procs")
    with open(path) as f:
        return [int(x) for x in f.read().split()]


def _cgroup_roots():
    """Mount points of the cgroup hierarchies (each v1 controller set, and v2)."""
    roots = set()
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            fstype = fields[fields.index("-") + 1]
            if fstype in ("cgroup", "cgroup2"):
                roots.add(fields[4])
    return sorted(roots)


def reap_cgroups(relpath):
    """Kill every process in the cgroup relpath (and below) in every hierarchy, wait until they
    are gone, then remove the emptied cgroups. Used before a monitor (conmon, shim) is killed, so
    that no container process is left to the host's init."""
    dirs = []
    for root in _cgroup_roots():
        top = os.path.join(root, relpath.lstrip("/"))
        for d, _, _ in os.walk(top, topdown=False):
            dirs.append(d)

    def procs():
        found = set()
        for d in dirs:
            try:
                with open(os.path.join(d, "cgroup.procs")) as f:
                    found.update(int(p) for p in f.read().split())
            except OSError:
                pass
        return found
    for _ in range(50):
        live = [p for p in procs() if pid_alive(p)]
        if not live:
            break
        kill_pids(live)
        time.sleep(0.1)
    for d in dirs:
        try:
            os.rmdir(d)
        except OSError:
            pass
