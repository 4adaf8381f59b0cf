# SPDX-License-Identifier: Apache-2.0
"""What every Python suite shares: the binaries under test, the test rootfs, waiting for a
condition, and process checks. Suites import it as `lib.common` (tests/ on sys.path).

The build directory is $WARD_BUILD_DIR (an out-of-tree or AddressSanitizer build), else the
repository root. The runtime under test is $WARD_RUNTIME (any runc-compatible binary, e.g.
/usr/sbin/runc to validate a suite), else <build directory>/ward.
"""

import os
import subprocess
import time

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TESTS_DIR)


def build_dir():
    """Where the built programs are: $WARD_BUILD_DIR, else the repository root."""
    return os.path.abspath(os.environ.get("WARD_BUILD_DIR") or REPO)


def built(name):
    """Absolute path of a program of the build (ward, ward-attest)."""
    return os.path.join(build_dir(), name)


def ward_binary():
    """Absolute path of the runtime under test: $WARD_RUNTIME, else the built ward."""
    return os.path.abspath(os.environ.get("WARD_RUNTIME") or built("ward"))


def make_rootfs(dest, timeout=120):
    """scripts/make-rootfs: a busybox-static rootfs at dest (every applet, /etc/passwd with root
    and user 1000, /tmp)."""
    subprocess.run([os.path.join(REPO, "scripts", "make-rootfs"), str(dest)], check=True,
                   timeout=timeout)


def wait_until(predicate, timeout=10.0, step=0.05):
    """Call predicate until it returns a true value or timeout seconds pass; returns its last
    value (true when the condition came about)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def pid_alive(pid):
    """True while pid exists and is neither a zombie nor dead."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_pid_gone(pid, timeout=5.0):
    """True once pid has exited (or is a zombie), False if it is still running after timeout."""
    return wait_until(lambda: not pid_alive(pid), timeout=timeout, step=0.01)


def proc_status(pid):
    """/proc/PID/status as a dict of stripped strings."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out
