# SPDX-License-Identifier: Apache-2.0
"""A private, offline podman 4.3 setup in one directory (used by test_podman.py and
bench/clients-bench).

CONTAINERS_CONF and CONTAINERS_STORAGE_CONF point into the directory: overlay storage, cgroupfs
(no systemd here), file events and file locks (nothing in /dev/shm or /run/libpod), no network,
and ulimits podman can actually set (root here lacks CAP_SYS_RESOURCE). The runtimes are
registered by name in [engine.runtimes] and in runtime_supports_json, so podman passes
--log-format=json --log to them. The image is a busybox rootfs brought in with `podman import`.
"""
import os
import shutil
import subprocess
import tempfile
import time

import clientutil as cu
from lib.common import make_rootfs  # noqa: E402 (on sys.path through clientutil)

IMG = "localhost/wardbb:latest"
TIMEOUT = 90  # seconds for any one podman command; generous because the host may be loaded

STORAGE_CONF = """[storage]
driver = "overlay"
graphroot = "{w}/root"
runroot = "{w}/runroot"
"""

CONTAINERS_CONF = """[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"
log_driver = "k8s-file"

[network]
network_config_dir = "{w}/networks"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "{w}/tmp/events.log"
tmp_dir = "{w}/tmp"
static_dir = "{w}/root/libpod"
volume_path = "{w}/root/volumes"
lock_type = "file"
runtime = "{default}"
runtime_supports_json = [{names}]

[engine.runtimes]
{table}
"""


class Podman:
    """podman bound to one private setup; calling it runs `podman ARGS` and checks the result."""

    def __init__(self, work, runtimes, default):
        self.work = work
        self.runtimes = runtimes
        self.runtime = runtimes[default]
        self.env = {
            "PATH": cu.SYS_PATH, "HOME": "/root", "TMPDIR": os.path.join(work, "tmp"),
            "CONTAINERS_CONF": os.path.join(work, "containers.conf"),
            "CONTAINERS_STORAGE_CONF": os.path.join(work, "storage.conf"),
        }

    def argv(self, *args):
        return ["podman"] + [str(a) for a in args]

    def __call__(self, *args, input=None, check=True, timeout=TIMEOUT, **kw):
        r = subprocess.run(self.argv(*args), input=input, capture_output=True, text=True,
                           env=self.env, timeout=timeout, **kw)
        if check and r.returncode != 0:
            raise AssertionError(f"podman {' '.join(map(str, args))} -> rc {r.returncode}\n"
                                 f"stdout: {r.stdout}\nstderr: {r.stderr}")
        return r

    def tty(self, *args, check=True):
        """podman on a pseudo-terminal (script -qec)."""
        r = subprocess.run(cu.in_script(self.argv(*args)), stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, env=self.env, timeout=TIMEOUT)
        if check and r.returncode != 0:
            raise AssertionError(f"script podman {args} -> rc {r.returncode}\n{r.stdout}{r.stderr}")
        return r

    def inspect(self, name, fmt):
        return self("inspect", "--format", fmt, name).stdout.strip()

    def status(self, name):
        return self.inspect(name, "{{.State.Status}}")

    def pid(self, name):
        return int(self.inspect(name, "{{.State.Pid}}"))

    def exit_code(self, name):
        return int(self.inspect(name, "{{.State.ExitCode}}"))

    def run_detached(self, name, *cmd, opts=()):
        self("run", "-d", "--name", name, *opts, IMG, *cmd)
        return self.pid(name)


def setup(runtimes, default="ward"):
    """A fresh setup in a new temp dir with runtimes ({name: absolute path}) and the image."""
    work = tempfile.mkdtemp(prefix="ward-podman-")
    pm = Podman(work, runtimes, default)
    try:
        os.makedirs(os.path.join(work, "tmp"))
        with open(pm.env["CONTAINERS_STORAGE_CONF"], "w") as f:
            f.write(STORAGE_CONF.format(w=work))
        names = ", ".join(f'"{n}"' for n in sorted(set(runtimes) | {"crun", "runc"}))
        table = "\n".join(f'{n} = ["{p}"]' for n, p in runtimes.items())
        with open(pm.env["CONTAINERS_CONF"], "w") as f:
            f.write(CONTAINERS_CONF.format(w=work, default=default, names=names, table=table))
        rootfs = os.path.join(work, "rootfs")
        make_rootfs(rootfs)
        tarball = os.path.join(work, "rootfs.tar")
        subprocess.run(["tar", "-C", rootfs, "-cf", tarball, "."], check=True, timeout=60)
        shutil.rmtree(rootfs)
        pm("import", "--change", 'CMD ["/bin/sh"]', tarball, IMG)
    except BaseException:
        teardown(pm)
        raise
    return pm


def teardown(pm):
    """Remove every container, then anything a failing runtime or podman left behind."""
    work = pm.work
    ids = pm("ps", "-aq", "--no-trunc", check=False, timeout=60).stdout.split()
    pm("rm", "-af", "-t", "0", check=False, timeout=120)
    # A runtime whose kill failed leaves its containers behind (podman then forgets them).
    for rt in set(pm.runtimes.values()):
        for cid in ids:
            subprocess.run([rt, "kill", cid, "9"], capture_output=True, timeout=30)
            subprocess.run([rt, "delete", "--force", cid], capture_output=True, timeout=30)
    for cid in ids:  # before conmon goes: container processes it has not reaped yet
        cu.reap_cgroups(f"libpod_parent/libpod-{cid}")
    cu.kill_pids(cu.pids_mentioning(work))  # conmon and podman cleanup processes of this setup
    time.sleep(0.2)
    cu.umount_under(work)
    shutil.rmtree(work, ignore_errors=True)
