# SPDX-License-Identifier: Apache-2.0
"""Fixtures for ward's integration suite.

Runtime under test: $WARD_RUNTIME, else $WARD_BUILD_DIR/ward, else <repo>/ward (repo = the
directory holding tests/). Tests marked `ward_only` are skipped only when that runtime is not
ward (runc and crun differ there on purpose).

Every test gets `ctx`: its own temp dir, its own --root, unique container ids, bundles on a
session-wide busybox rootfs, and a finaliser that runs `delete --force` for every id it created
and fails the test if any state, cgroup directory, mount or container process is left.
"""

import itertools
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TESTS_DIR)
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from lib import hostcheck  # noqa: E402
from lib.bundle import Bundle, default_config  # noqa: E402
from lib.rootfs import build_rootfs, clone_rootfs  # noqa: E402
from lib.runtime import Runtime, find_runtime, runtime_name  # noqa: E402

TOKEN = secrets.token_hex(3)
_SESSION = {}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "ward_only: ward behaves differently from runc/crun here on purpose; skipped "
        "when WARD_RUNTIME is not ward")
    binary = find_runtime(REPO)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise pytest.UsageError(
            f"runtime {binary} not found or not executable: build ward (make) or set "
            f"WARD_RUNTIME=/path/to/runtime (e.g. /usr/sbin/runc) or WARD_BUILD_DIR")
    _SESSION["binary"] = binary
    _SESSION["name"] = runtime_name(binary)


def pytest_report_header(config):
    return f"runtime under test: {_SESSION.get('binary')} ({_SESSION.get('name')})"


def pytest_collection_modifyitems(config, items):
    # WARD_ITEST_FORCE_WARD_ONLY=1 runs ward_only tests on another runtime too, to see how it
    # differs.
    if _SESSION.get("name") == "ward" or os.environ.get("WARD_ITEST_FORCE_WARD_ONLY") == "1":
        return
    skip = pytest.mark.skip(reason=f"ward_only: {_SESSION.get('name')} differs from ward here")
    for item in items:
        if "ward_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def runtime_binary():
    return _SESSION["binary"]


@pytest.fixture(scope="session")
def is_ward():
    return _SESSION["name"] == "ward"


@pytest.fixture(scope="session")
def base_dir():
    base = tempfile.mkdtemp(prefix=f"ward-itest-{TOKEN}-")
    os.chmod(base, 0o755)
    yield base
    left = hostcheck.mounts_under(base)
    for point in reversed(left):
        subprocess.run(["umount", "-l", point], check=False)
    shutil.rmtree(base, ignore_errors=True)
    for top in hostcheck.cgroup_hierarchies().values():
        for name in os.listdir(top):
            if name.startswith(f"it-{TOKEN}-"):
                hostcheck.remove_cgroup_tree("/" + name)
    assert not left, f"mounts left under {base} at the end of the session: {left}"


@pytest.fixture(scope="session")
def rootfs(base_dir):
    """The shared busybox rootfs (absolute path); mount it read-only (root.readonly) or clone it."""
    return build_rootfs(os.path.join(base_dir, "rootfs"))


@pytest.fixture(scope="session")
def features(runtime_binary):
    """The runtime's `features` document (parsed), or {} when it has none."""
    import json
    res = subprocess.run([runtime_binary, "features"], capture_output=True, text=True, timeout=10)
    try:
        return json.loads(res.stdout) if res.returncode == 0 else {}
    except ValueError:
        return {}


class Ctx:
    """Per-test workspace: tmp dir, Runtime on a private --root, ids, bundles, leak checks."""

    _counter = itertools.count(1)

    def __init__(self, request, base_dir, rootfs, binary, name):
        short = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name)[:24].strip("-")
        self.tmp = tempfile.mkdtemp(prefix=f"{short}-", dir=base_dir)
        os.chmod(self.tmp, 0o755)
        self.rootfs = rootfs
        self.runtime_name = name
        self.is_ward = name == "ward"
        self.rt = Runtime(binary, root=os.path.join(self.tmp, "root"),
                          workdir=os.path.join(self.tmp, "calls"))
        self.cgroups = []
        self._ids = itertools.count(1)
        self._bundles = itertools.count(1)
        self._test_no = next(self._counter)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def new_id(self, tag="c"):
        return f"it-{TOKEN}-{self._test_no:03d}-{tag}{next(self._ids)}"

    def bundle(self, *args, private=False, script=None, readonly=None):
        """A bundle on the shared rootfs (read-only root) or, with private=True, on a private
        writable clone (read-only root unless readonly=True)."""
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
        cfg = default_config(args=args or ("true",), rootfs=root, readonly=ro)
        return Bundle(bdir, cfg)

    def cgroups_path(self, cid):
        return "/" + cid

    def prepare(self, cid, bundle):
        """Give the bundle a cgroupsPath named after the id (so leaks can be found) unless the
        test set one, and remember it for the teardown check."""
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
        """run in the foreground, expect exit 0, return stdout."""
        cid = cid or self.new_id()
        res = self.run(cid, bundle, **kw)
        assert res.rc == 0, res
        return res.out

    def finish(self):
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
        return problems


@pytest.fixture
def ctx(request, base_dir, rootfs):
    c = Ctx(request, base_dir, rootfs, _SESSION["binary"], _SESSION["name"])
    yield c
    problems = c.finish()
    shutil.rmtree(c.tmp, ignore_errors=True)
    assert not problems, "leftovers after the test: " + "; ".join(problems)
