# SPDX-License-Identifier: Apache-2.0
"""Per-test and per-session workspaces for suites that drive the runtime CLI.

    session = Session.start(binary)         # once: temp base dir, busybox rootfs, token
    ctx = TestContext(session, "test_name")  # per test: tmp dir, Runtime on a private --root
    ...
    problems = ctx.finish()                  # delete --force all ids; report leftovers
    session.finish()                         # remove the base dir and stray cgroups

A pytest suite wraps these in fixtures (see tests/integration/conftest.py).
"""

import itertools
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time

from . import hostcheck
from .bundle import Bundle, default_config
from .rootfs import build_rootfs, clone_rootfs
from .runtime import Runtime, runtime_name


class Session:
    def __init__(self, binary, prefix="ward-test"):
        self.binary = binary
        self.name = runtime_name(binary)
        self.is_ward = self.name == "ward"
        self.token = secrets.token_hex(3)
        self.base = tempfile.mkdtemp(prefix=f"{prefix}-{self.token}-")
        os.chmod(self.base, 0o755)   # user-namespaced containers must traverse it
        self.rootfs = build_rootfs(os.path.join(self.base, "rootfs"))
        self._tests = itertools.count(1)

    def finish(self):
        """Remove the base dir and any cgroup named after this session; return problems."""
        problems = []
        left = hostcheck.mounts_under(self.base)
        if left:
            problems.append(f"mounts left under {self.base}: {left}")
            for point in reversed(left):
                subprocess.run(["umount", "-l", point], check=False)
        shutil.rmtree(self.base, ignore_errors=True)
        for top in hostcheck.cgroup_hierarchies().values():
            for name in os.listdir(top):
                if name.startswith(f"it-{self.token}-"):
                    problems.append(f"cgroup left: {os.path.join(top, name)}")
                    hostcheck.remove_cgroup_tree("/" + name)
        return problems


class TestContext:
    """One test's workspace: tmp dir, Runtime on a private --root, ids, bundles, leak checks."""

    __test__ = False  # not a pytest test class

    def __init__(self, session, test_name):
        self.session = session
        short = re.sub(r"[^A-Za-z0-9]+", "-", test_name)[:24].strip("-")
        self.tmp = tempfile.mkdtemp(prefix=f"{short}-", dir=session.base)
        os.chmod(self.tmp, 0o755)
        self.rootfs = session.rootfs
        self.runtime_name = session.name
        self.is_ward = session.is_ward
        self.rt = Runtime(session.binary, root=os.path.join(self.tmp, "root"),
                          workdir=os.path.join(self.tmp, "calls"))
        self.cgroups = []
        self._ids = itertools.count(1)
        self._bundles = itertools.count(1)
        self._test_no = next(session._tests)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def new_id(self, tag="c"):
        """A container id unique to this session and test (also used as its cgroup name)."""
        return f"it-{self.session.token}-{self._test_no:03d}-{tag}{next(self._ids)}"

    def bundle(self, *args, private=False, script=None, readonly=None):
        """A bundle on the shared rootfs (read-only root) or, with private=True, on a private
        writable clone (root writable unless readonly=True). script= is `sh -c script`."""
        bdir = self.path(f"bundle{next(self._bundles)}")
        os.makedirs(bdir)
        if private:
            root = clone_rootfs(self.rootfs, os.path.join(bdir, "rootfs"))
            ro = bool(readonly)
        else:
            root = self.rootfs
            ro = True if readonly is None else readonly
        if script is not None:
            args = ("sh", "-c", script)
        return Bundle(bdir, default_config(args=args or ("true",), rootfs=root, readonly=ro))

    def cgroups_path(self, cid):
        return "/" + cid

    def prepare(self, cid, bundle):
        """Give the bundle a cgroupsPath named after the id unless the test set one, and
        remember absolute ones for the leak check."""
        if hasattr(bundle, "config"):
            linux = bundle.config.setdefault("linux", {})
            linux.setdefault("cgroupsPath", self.cgroups_path(cid))
            if linux["cgroupsPath"].startswith("/"):
                self.cgroups.append(linux["cgroupsPath"])

    def create(self, cid, bundle, **kw):
        self.prepare(cid, bundle)
        return self.rt.create(cid, bundle, **kw)

    def run(self, cid, bundle, **kw):
        self.prepare(cid, bundle)
        return self.rt.run(cid, bundle, **kw)

    def spawn_run(self, cid, bundle, **kw):
        self.prepare(cid, bundle)
        return self.rt.spawn_run(cid, bundle, **kw)

    def run_ok(self, bundle, cid=None, **kw):
        """`run` in the foreground, expect exit 0, return the container's stdout."""
        cid = cid or self.new_id()
        res = self.run(cid, bundle, **kw)
        assert res.rc == 0, res
        return res.out

    def finish(self, keep=False):
        """delete --force every id; return what was left (state, processes, cgroups, mounts),
        cleaning it up as well as a test can. keep=True leaves the tmp dir for debugging."""
        problems = self.rt.cleanup()
        for cg in self.cgroups:
            deadline = time.monotonic() + 2
            while hostcheck.cgroup_dirs(cg) and time.monotonic() < deadline:
                time.sleep(0.02)
            left = hostcheck.cgroup_dirs(cg)
            if left:
                problems.append(f"cgroup directories left: {left}")
                hostcheck.remove_cgroup_tree(cg)
        mounts = hostcheck.mounts_under(self.tmp) + hostcheck.mounts_under(self.rootfs)
        if mounts:
            problems.append(f"host mounts left: {mounts}")
            for point in reversed(mounts):
                subprocess.run(["umount", "-l", point], check=False)
        if not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return problems
