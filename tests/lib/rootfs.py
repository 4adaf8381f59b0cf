# SPDX-License-Identifier: Apache-2.0
"""A minimal root filesystem made from Debian's busybox-static.

build_rootfs(dest) copies /bin/busybox into dest/bin, links the applets the suites use and writes
/etc/passwd and /etc/group with root and an unprivileged user (uid/gid 1000). The result is about
2 MB; make it once per session and share it read-only, or clone_rootfs() it (hard links, cheap)
when a test needs to change it.
"""

import os
import shutil

BUSYBOX = os.environ.get("WARD_TEST_BUSYBOX", "/bin/busybox")

# Applets linked into /bin. Extend with build_rootfs(extra_applets=...) rather than here when a
# suite needs something unusual; keep this list to what tests really call.
APPLETS = (
    "sh", "ash", "cat", "chmod", "cut", "date", "dd", "echo", "env", "false", "grep", "head",
    "hostname", "dnsdomainname", "id", "ip", "kill", "ln", "ls", "mkdir", "mkfifo", "mknod",
    "mount", "nproc", "od", "printf", "ps", "pwd", "readlink", "rm", "sed", "seq", "sleep", "stat",
    "stty", "sysctl", "tail", "test", "timeout", "touch", "tr", "true", "tty", "umount", "uname",
    "wc", "xargs", "[",
)

USER_UID = 1000
USER_GID = 1000

PASSWD = (
    "root:x:0:0:root:/root:/bin/sh\n"
    "user:x:1000:1000:user:/home/user:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
)
GROUP = (
    "root:x:0:\n"
    "wheel:x:10:\n"
    "audio:x:29:\n"
    "user:x:1000:\n"
    "nogroup:x:65534:\n"
)

# Directories every container expects; created empty with these modes.
DIRS = {
    "bin": 0o755, "etc": 0o755, "proc": 0o555, "sys": 0o555, "dev": 0o755, "tmp": 0o1777,
    "root": 0o700, "home": 0o755, "home/user": 0o755, "mnt": 0o755, "run": 0o755, "var": 0o755,
}


def build_rootfs(dest, extra_applets=()):
    """Create a busybox rootfs at dest (which must not exist or be empty); return dest."""
    if not os.path.exists(BUSYBOX):
        raise FileNotFoundError(f"{BUSYBOX} not found: install Debian's busybox-static")
    os.makedirs(dest, exist_ok=True)
    os.chmod(dest, 0o755)
    for d, mode in DIRS.items():
        path = os.path.join(dest, d)
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
    os.chown(os.path.join(dest, "home/user"), USER_UID, USER_GID)
    shutil.copy2(BUSYBOX, os.path.join(dest, "bin/busybox"))
    for applet in tuple(APPLETS) + tuple(extra_applets):
        link = os.path.join(dest, "bin", applet)
        if not os.path.lexists(link):
            os.symlink("busybox", link)
    _write(os.path.join(dest, "etc/passwd"), PASSWD, 0o644)
    _write(os.path.join(dest, "etc/group"), GROUP, 0o644)
    _write(os.path.join(dest, "etc/hostname"), "ward-test\n", 0o644)
    return dest


def clone_rootfs(src, dest):
    """A private, writable copy of a rootfs: directories, symlinks and small files copied; large
    files (the busybox binary) hard-linked when on the same filesystem. A container must not
    rewrite /bin/busybox in place (it would change the shared original)."""

    def link_or_copy(s, d):
        if os.path.getsize(s) >= 64 * 1024:
            try:
                os.link(s, d)
                return
            except OSError:
                pass
        shutil.copy2(s, d)

    shutil.copytree(src, dest, symlinks=True, copy_function=link_or_copy)
    os.chmod(dest, 0o755)
    return dest


def _write(path, text, mode):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
