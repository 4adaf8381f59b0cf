# SPDX-License-Identifier: Apache-2.0
"""Fixtures for ward's integration suite.

Runtime under test: $WARD_RUNTIME, else $WARD_BUILD_DIR/ward, else <repo>/ward (repo = the
directory holding tests/). Tests marked `ward_only` are skipped only when that runtime is not
ward (runc and crun differ there on purpose); WARD_ITEST_FORCE_WARD_ONLY=1 runs them anyway.

Every test gets `ctx` (lib.context.TestContext): its own temp dir, its own --root, unique
container ids, bundles on a session-wide busybox rootfs, and a finaliser that runs
`delete --force` for every id it created and fails the test if any state, cgroup directory,
mount or container process is left. WARD_TEST_KEEP=1 keeps a failed test's temp dir.
"""

import json
import os
import subprocess
import sys

import pytest

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from lib.common import ward_binary  # noqa: E402
from lib.context import Session, TestContext  # noqa: E402
from lib.runtime import runtime_name  # noqa: E402

_BINARY = {}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "ward_only: ward behaves differently from runc/crun here on purpose; skipped "
        "when WARD_RUNTIME is not ward")
    binary = ward_binary()
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise pytest.UsageError(
            f"runtime {binary} not found or not executable: build ward (make) or set "
            f"WARD_RUNTIME=/path/to/runtime (e.g. /usr/sbin/runc) or WARD_BUILD_DIR")
    _BINARY["path"] = binary
    _BINARY["name"] = runtime_name(binary)


def pytest_report_header(config):
    return f"runtime under test: {_BINARY.get('path')} ({_BINARY.get('name')})"


def pytest_collection_modifyitems(config, items):
    if _BINARY.get("name") == "ward" or os.environ.get("WARD_ITEST_FORCE_WARD_ONLY") == "1":
        return
    skip = pytest.mark.skip(reason=f"ward_only: {_BINARY.get('name')} differs from ward here")
    for item in items:
        if "ward_only" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.ward_call_failed = rep.failed


@pytest.fixture(scope="session")
def session():
    s = Session(_BINARY["path"], prefix="ward-itest")
    yield s
    problems = s.finish()
    assert not problems, "; ".join(problems)


@pytest.fixture(scope="session")
def rootfs(session):
    return session.rootfs


@pytest.fixture(scope="session")
def features(session):
    """The runtime's `features` document (parsed), or {} when it has none."""
    res = subprocess.run([session.binary, "features"], capture_output=True, text=True,
                         timeout=10)
    try:
        return json.loads(res.stdout) if res.returncode == 0 else {}
    except ValueError:
        return {}


@pytest.fixture
def ctx(request, session):
    c = TestContext(session, request.node.name)
    yield c
    keep = os.environ.get("WARD_TEST_KEEP") == "1" and getattr(request.node, "ward_call_failed",
                                                                 False)
    problems = c.finish(keep=keep)
    assert not problems, "leftovers after the test: " + "; ".join(problems)
