# SPDX-License-Identifier: Apache-2.0
"""Fixtures of the escape battery: the static attack programs, a busybox rootfs, ward with a temp
--root, the generous container config every attempt starts from, and the battery's tally.

The runtime under test: lib.common's ($WARD_RUNTIME, else $WARD_BUILD_DIR/ward, else ./ward).
"""
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
import battery  # noqa: E402
from lib.common import make_rootfs, ward_binary  # noqa: E402
from wardlib import Ward  # noqa: E402

PROGS = HERE / "progs"


@pytest.fixture(scope="session")
def ward_bin():
    path = ward_binary()
    if not os.access(path, os.X_OK):
        pytest.fail(f"no ward binary at {path}: build it (make) or set WARD_RUNTIME")
    if os.geteuid() != 0:
        pytest.fail("the escape battery runs containers: run it as root")
    return path


@pytest.fixture(scope="session")
def progs(tmp_path_factory):
    """Every progs/*.c built with `cc -static -O2`; name -> path on the host."""
    out = tmp_path_factory.mktemp("progs")

    def build(src):
        exe = out / src.stem
        r = subprocess.run([os.environ.get("CC", "cc"), "-static", "-O2", "-Wall", "-Wextra",
                            "-Werror", "-o", str(exe), str(src)], capture_output=True, text=True)
        return src, exe, r

    built = {}
    with ThreadPoolExecutor(max_workers=2) as pool:  # a shared 2-core machine
        for src, exe, r in pool.map(build, sorted(PROGS.glob("*.c"))):
            if r.returncode != 0:
                pytest.fail(f"building {src.name} failed:\n{r.stderr}")
            built[src.stem] = exe
    return built


@pytest.fixture(scope="session")
def rootfs_template(tmp_path_factory, progs):
    """A busybox rootfs (scripts/make-rootfs) with the programs in /sec."""
    root = tmp_path_factory.mktemp("rootfs-template") / "rootfs"
    make_rootfs(root)
    (root / "sec").mkdir()
    (root / "mnt").mkdir(exist_ok=True)
    for name, exe in progs.items():
        shutil.copy2(exe, root / "sec" / name)
    return root


@pytest.fixture
def ward(ward_bin, rootfs_template, tmp_path):
    w = Ward(ward_bin, tmp_path, rootfs_template)
    try:
        yield w
    finally:
        w.cleanup()


def pytest_terminal_summary(terminalreporter):
    for line in battery.summary_lines():
        terminalreporter.write_line(line)
