# SPDX-License-Identifier: Apache-2.0
"""Helpers for the VM suites (test_vm_*.py): each test module boots a guest with tests/vm/run.
The guest command gets WARD_BUILD_DIR and WARD_RUNTIME when they are set here (lib.common finds
the binary under test with them), so an AddressSanitizer build is tested in the guest too."""
import os
import pathlib
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
RUN = HERE / "run"
GUEST = HERE / "guest"
REPO = HERE.parent.parent


def vm_run(*command, options=(), timeout=300, cwd=REPO):
    """tests/vm/run OPTIONS -- COMMAND from the repo root; a CompletedProcess with text output."""
    passed_on = [f"--env={name}" for name in ("WARD_BUILD_DIR", "WARD_RUNTIME")
                 if os.environ.get(name)]
    args = [str(RUN), "--timeout", str(timeout), *passed_on, *options, "--",
            *map(str, command)]
    # The harness enforces the timeout itself; ours only catches a harness that hangs.
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout + 60,
                          check=False)


def facts(stdout):
    """The "name: value" lines a guest script prints, as a dict."""
    out = {}
    for line in stdout.splitlines():
        name, sep, value = line.partition(": ")
        if sep:
            out[name] = value.strip()
    return out


def explain(res):
    return f"exit {res.returncode}\n--- stdout\n{res.stdout}\n--- stderr\n{res.stderr}"

