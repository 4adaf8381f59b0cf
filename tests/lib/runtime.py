# SPDX-License-Identifier: Apache-2.0
"""Drive an OCI runtime's CLI (ward, or runc/crun for comparison) against a private --root.

    rt = Runtime(common.ward_binary(), root=tmp/"root", workdir=tmp/"calls")
    rt.create(cid, bundle); rt.start(cid); rt.state(cid)["status"]; rt.delete(cid, force=True)
    problems = rt.cleanup()   # delete --force every id it created, then list what is left

Every call's stdout and stderr go to files, never pipes: after `create` the container's stdio is
the runtime's, and a pipe held open by a running container would hang the reader. Result.out and
Result.err re-read those files, so they also show what a detached container wrote later.
"""

import json
import os
import shlex
import signal
import subprocess
import time

from .common import wait_pid_gone

DEFAULT_TIMEOUT = 30


def extra_global_args():
    """Extra global options for every call, from $WARD_RUNTIME_ARGS (shell words)."""
    return shlex.split(os.environ.get("WARD_RUNTIME_ARGS", ""))


def runtime_name(binary):
    """'ward', 'runc', 'crun' or the first word of `--version`; the basename as a fallback."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10,
                             stdin=subprocess.DEVNULL).stdout
        first = out.split()[0].lower() if out.split() else ""
    except (OSError, subprocess.TimeoutExpired):
        first = ""
    return first or os.path.basename(binary)


class RuntimeError_(AssertionError):
    """A runtime call that was expected to succeed failed."""


class Result:
    def __init__(self, argv, rc, out_path, err_path, elapsed):
        self.argv = argv
        self.rc = rc
        self.out_path = out_path
        self.err_path = err_path
        self.elapsed = elapsed

    @property
    def out(self):
        return _read(self.out_path)

    @property
    def err(self):
        return _read(self.err_path)

    @property
    def ok(self):
        return self.rc == 0

    def __repr__(self):
        return (f"<{shlex.join(self.argv)} -> rc={self.rc}\n--- stdout ---\n{self.out}"
                f"--- stderr ---\n{self.err}>")


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class Runtime:
    def __init__(self, binary, root, workdir, global_args=None, timeout=DEFAULT_TIMEOUT):
        self.binary = str(binary)
        self.root = str(root)
        self.workdir = str(workdir)
        self.global_args = list(extra_global_args() if global_args is None else global_args)
        self.timeout = timeout
        self.ids = []      # every id passed to create/run, in order
        self.pids = {}     # id -> container init pid, as seen in state or pid files
        self._calls = 0
        os.makedirs(self.workdir, exist_ok=True)

    # ---- raw calls ------------------------------------------------------------------------

    def argv(self, *args, root=True, global_args=()):
        head = [self.binary]
        if root:
            head += ["--root", self.root]
        return head + self.global_args + list(global_args) + [str(a) for a in args]

    def _files(self):
        self._calls += 1
        base = os.path.join(self.workdir, f"{self._calls:04d}")
        return base + ".out", base + ".err"

    def spawn(self, *args, global_args=(), root=True, **popen):
        """Start a runtime command without waiting; returns (Popen, out_path, err_path)."""
        argv = self.argv(*args, root=root, global_args=global_args)
        out_path, err_path = self._files()
        with open(out_path, "w") as out, open(err_path, "w") as err:
            popen.setdefault("stdin", subprocess.DEVNULL)
            proc = subprocess.Popen(argv, stdout=out, stderr=err, **popen)
        proc.ward_argv = argv
        return proc, out_path, err_path

    def call(self, *args, check=False, timeout=None, global_args=(), root=True, **popen):
        """Run a runtime command to completion and return its Result."""
        start = time.monotonic()
        proc, out_path, err_path = self.spawn(*args, global_args=global_args, root=root, **popen)
        try:
            rc = proc.wait(timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise RuntimeError_(f"timed out after {timeout or self.timeout}s: "
                                f"{shlex.join(proc.ward_argv)}\n{_read(err_path)}")
        res = Result(proc.ward_argv, rc, out_path, err_path, time.monotonic() - start)
        if check and rc != 0:
            raise RuntimeError_(f"runtime call failed: {res!r}")
        return res

    # ---- lifecycle ------------------------------------------------------------------------

    def _bundle_args(self, bundle, write_config):
        path = getattr(bundle, "path", bundle)
        if write_config and hasattr(bundle, "write"):
            bundle.write()
        return ["--bundle", str(path)]

    @staticmethod
    def _opts(pid_file, console_socket, preserve_fds, no_pivot):
        opts = []
        if pid_file is not None:
            opts += ["--pid-file", str(pid_file)]
        if console_socket is not None:
            opts += ["--console-socket", str(console_socket)]
        if preserve_fds is not None:
            opts += ["--preserve-fds", str(preserve_fds)]
        if no_pivot:
            opts.append("--no-pivot")
        return opts

    def create(self, cid, bundle, pid_file=None, console_socket=None, preserve_fds=None,
               no_pivot=False, check=True, write_config=True, **popen):
        self._track(cid)
        args = ["create"] + self._bundle_args(bundle, write_config)
        args += self._opts(pid_file, console_socket, preserve_fds, no_pivot) + [cid]
        res = self.call(*args, check=check, **popen)
        self._note_pid_file(cid, pid_file)
        return res

    def run(self, cid, bundle, detach=False, pid_file=None, console_socket=None,
            preserve_fds=None, no_pivot=False, check=False, write_config=True, **popen):
        """`run`; returns the Result (rc is the container's exit status unless detached)."""
        self._track(cid)
        args = ["run"] + self._bundle_args(bundle, write_config)
        args += self._opts(pid_file, console_socket, preserve_fds, no_pivot)
        if detach:
            args.append("--detach")
        res = self.call(*args, cid, check=check, **popen)
        self._note_pid_file(cid, pid_file)
        return res

    def spawn_run(self, cid, bundle, pid_file=None, write_config=True, **popen):
        """`run` in the foreground without waiting: (Popen, out_path, err_path)."""
        self._track(cid)
        args = ["run"] + self._bundle_args(bundle, write_config)
        args += self._opts(pid_file, None, None, False)
        return self.spawn(*args, cid, **popen)

    def start(self, cid, check=True):
        return self.call("start", cid, check=check)

    def state(self, cid):
        """Parsed `state` JSON (fails the test when the call fails)."""
        res = self.call("state", cid, check=True)
        st = json.loads(res.out)
        if st.get("pid"):
            self.pids.setdefault(cid, st["pid"])
        return st

    def status(self, cid):
        return self.state(cid)["status"]

    def kill(self, cid, sig=None, all_=False, check=True):
        args = ["kill"] + (["--all"] if all_ else []) + [cid]
        if sig is not None:
            args.append(str(sig))
        return self.call(*args, check=check)

    def delete(self, cid, force=False, check=True):
        return self.call("delete", *(["--force"] if force else []), cid, check=check)

    def list(self, fmt=None, quiet=False, check=True):
        args = ["list"]
        if fmt:
            args += ["--format", fmt]
        if quiet:
            args.append("-q")
        return self.call(*args, check=check)

    def wait_status(self, cid, status, timeout=10.0):
        """Poll `state` until status matches; returns the last state."""
        deadline = time.monotonic() + timeout
        while True:
            st = self.state(cid)
            if st["status"] == status or time.monotonic() > deadline:
                return st
            pid = st.get("pid")
            if status == "stopped" and pid:
                wait_pid_gone(pid, timeout=max(0.0, deadline - time.monotonic()))
            else:
                time.sleep(0.02)

    # ---- bookkeeping and cleanup ----------------------------------------------------------

    def _track(self, cid):
        if cid not in self.ids:
            self.ids.append(cid)

    def _note_pid_file(self, cid, pid_file):
        if pid_file is not None and os.path.exists(pid_file):
            try:
                self.pids.setdefault(cid, int(open(pid_file).read().strip()))
            except ValueError:
                pass

    def root_entries(self):
        try:
            return sorted(os.listdir(self.root))
        except FileNotFoundError:
            return []

    def cleanup(self):
        """delete --force every id this runner created; return a list of what is left (problems)."""
        problems = []
        for cid in reversed(self.ids):
            self.call("delete", "--force", cid, timeout=20)
        for cid in self.ids:
            pid = self.pids.get(cid)
            if pid and not wait_pid_gone(pid, timeout=5):
                problems.append(f"{cid}: init pid {pid} still alive after delete --force")
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        left = [e for e in self.root_entries() if e in self.ids]
        if left:
            problems.append(f"state left in --root {self.root}: {left}")
        return problems
