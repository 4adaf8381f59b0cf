# SPDX-License-Identifier: Apache-2.0
"""A private containerd 1.6 with a busybox OCI image (used by test_containerd.py and
bench/clients-bench).

containerd gets its own root, state, gRPC and ttrpc sockets and opt dir in one temp dir, with the
CRI plugin off. The image is built offline with umoci and brought in with `ctr image import`. The
runc v2 shim keeps a few fixed host paths (/run/containerd/s for its sockets); everything else is
kept apart: a namespace unique to the process, `--runc-root` and `--fifo-dir` in the temp dir.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import clientutil as cu
from lib.common import make_rootfs, wait_until  # noqa: E402 (on sys.path through clientutil)

IMG = "localhost/wardbb:latest"
TIMEOUT = 90  # seconds for any one ctr command; generous because the host may be loaded

CONFIG = """version = 2
root = "{w}/root"
state = "{w}/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "{w}/c.sock"
[ttrpc]
  address = "{w}/c.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "{w}/opt"
"""


class Ctr:
    def __init__(self, work, runtime):
        self.work = work
        self.runtime = runtime
        self.sock = os.path.join(work, "c.sock")
        self.ns = f"wardtest-{os.getpid()}"
        self.runc_root = os.path.join(work, "runtime-root")
        self.fifo_dir = os.path.join(work, "fifo")
        self.env = {"PATH": cu.SYS_PATH, "HOME": "/root"}
        self.proc = None  # the containerd process, set by setup()

    def argv(self, *args):
        return ["ctr", "-a", self.sock, "-n", self.ns] + [str(a) for a in args]

    def run_argv(self, *args, runtime=None):
        """`ctr run` with the runtime under test (or runtime) behind the runc v2 shim."""
        return self.argv("run", "--runtime", "io.containerd.runc.v2", "--runc-binary",
                         runtime or self.runtime, "--runc-root", self.runc_root, "--fifo-dir",
                         self.fifo_dir, *args)

    def _do(self, argv, input=None, check=True, timeout=TIMEOUT):
        r = subprocess.run(argv, input=input, capture_output=True, text=True, env=self.env,
                           timeout=timeout, stdin=None if input is not None else subprocess.DEVNULL)
        if check and r.returncode != 0:
            raise AssertionError(f"{' '.join(argv[5:])} -> rc {r.returncode}\n"
                                 f"stdout: {r.stdout}\nstderr: {r.stderr}")
        return r

    def __call__(self, *args, **kw):
        return self._do(self.argv(*args), **kw)

    def run(self, *args, runtime=None, **kw):
        return self._do(self.run_argv(*args, runtime=runtime), **kw)

    def exec(self, cid, exec_id, *cmd, opts=(), **kw):
        return self("task", "exec", "--fifo-dir", self.fifo_dir, "--exec-id", exec_id, *opts,
                    cid, *cmd, **kw)

    def tty(self, argv):
        r = subprocess.run(cu.in_script(argv), stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, env=self.env, timeout=TIMEOUT)
        assert r.returncode == 0, f"{argv[5:]} -> rc {r.returncode}\n{r.stdout}{r.stderr}"
        return r.stdout

    def tasks(self):
        """{id: (pid, status)} from `ctr task ls`."""
        out = self("task", "ls").stdout.splitlines()[1:]
        return {f[0]: (int(f[1]), f[2]) for f in (line.split() for line in out) if len(f) == 3}

    def status(self, cid):
        return self.tasks().get(cid, (0, None))[1]

    def pid(self, cid):
        return self.tasks()[cid][0]

    def start_detached(self, cid, *cmd):
        self.run("-d", IMG, cid, *cmd)
        return self.pid(cid)

    def delete_task(self, cid):
        """`ctr task delete`: the task's exit status (ctr warns about it and exits 0)."""
        r = self("task", "delete", cid)
        m = re.search(r"exit with non-zero exit code (\d+)", r.stderr)
        return int(m.group(1)) if m else 0

    def remove(self, cid):
        """Kill, delete the task and remove the container; quiet when parts are already gone."""
        if self.status(cid) not in (None, "STOPPED"):
            self("task", "kill", "-s", "SIGKILL", cid, check=False)
            wait_until(lambda: self.status(cid) in (None, "STOPPED"), timeout=cu.WAIT)
        self("task", "delete", cid, check=False)
        self("container", "delete", cid, check=False)


def _build_image(work):
    """A one-layer busybox OCI image (umoci), as an archive for `ctr image import`."""
    layout = os.path.join(work, "oci")
    bundle = os.path.join(work, "oci-bundle")
    image = layout + ":latest"

    def umoci(*args):
        subprocess.run(["umoci"] + list(args), check=True, timeout=120, capture_output=True)
    umoci("init", "--layout", layout)
    umoci("new", "--image", image)
    umoci("unpack", "--image", image, bundle)
    make_rootfs(os.path.join(bundle, "rootfs"))
    umoci("repack", "--image", image, bundle)
    umoci("config", "--image", image, "--config.cmd", "/bin/sh", "--config.env", "PATH=/bin")
    umoci("gc", "--layout", layout)
    archive = os.path.join(work, "image.tar")
    subprocess.run(["tar", "-C", layout, "-cf", archive, "oci-layout", "index.json", "blobs"],
                   check=True, timeout=60)
    shutil.rmtree(bundle)
    return archive


def _start_containerd(work):
    with open(os.path.join(work, "config.toml"), "w") as f:
        f.write(CONFIG.format(w=work))
    log = open(os.path.join(work, "containerd.log"), "w")
    proc = subprocess.Popen(["containerd", "--config", os.path.join(work, "config.toml")],
                            cwd=work, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            start_new_session=True, env={"PATH": cu.SYS_PATH})
    log.close()
    return proc


def teardown(ctr):
    """Delete every task and container, stop containerd, then clear what is left."""
    proc, work = ctr.proc, ctr.work
    if proc.poll() is None:
        for cid in ctr.tasks() if os.path.exists(ctr.sock) else {}:
            ctr.remove(cid)
        for cid in ctr("container", "ls", "-q", check=False).stdout.split():
            ctr("container", "delete", cid, check=False)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    cu.reap_cgroups(ctr.ns)  # ctr puts each container in the cgroup /<namespace>/<id>
    cu.kill_pids(cu.pids_mentioning(ctr.sock))  # shims of this session's containerd
    time.sleep(0.2)
    cu.umount_under(work)
    shutil.rmtree(work, ignore_errors=True)


def setup(runtime):
    """Start containerd in a new temp dir and import the image; runtime is the default binary."""
    for tool in ("containerd", "ctr", "containerd-shim-runc-v2", "umoci"):
        if shutil.which(tool, path=cu.SYS_PATH) is None:
            raise RuntimeError(f"{tool} is required (scripts/install-deps)")
    work = tempfile.mkdtemp(prefix="ward-ctrd-")
    c = Ctr(work, runtime)
    c.proc = _start_containerd(work)
    try:
        archive = _build_image(work)
        ok = wait_until(lambda: c.proc.poll() is None and c("version", check=False,
                                                            timeout=10).returncode == 0,
                        timeout=60, step=0.2)
        if not ok:
            raise RuntimeError("containerd did not come up:\n" + open(
                os.path.join(work, "containerd.log")).read()[-3000:])
        c("image", "import", "--base-name", IMG.rsplit(":", 1)[0], archive)
    except BaseException:
        teardown(c)
        raise
    return c
