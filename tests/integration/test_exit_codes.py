# SPDX-License-Identifier: Apache-2.0
"""ward's exit codes match runc's, command by command, for a container that is missing, created,
running, paused or stopped: a drop-in must fail (and succeed) exactly where runc does. Both
runtimes run side by side on the same bundles (ward only: the comparison is ward's)."""

import os
import shutil

import pytest

from lib.runtime import Runtime

pytestmark = pytest.mark.ward_only

RUNC = shutil.which("runc")

COMMANDS = {
    "start": lambda cid: ("start", cid),
    "state": lambda cid: ("state", cid),
    "kill CONT": lambda cid: ("kill", cid, "CONT"),
    "pause": lambda cid: ("pause", cid),
    "resume": lambda cid: ("resume", cid),
    "ps": lambda cid: ("ps", cid),
    "exec true": lambda cid: ("exec", cid, "true"),
    "delete": lambda cid: ("delete", cid),
    "delete --force": lambda cid: ("delete", "--force", cid),
}
STATES = ("missing", "created", "running", "paused", "stopped")


def _into_state(ctx, rt, state, cid):
    if state == "missing":
        return
    b = ctx.bundle("true" if state == "stopped" else "sleep", *([] if state == "stopped"
                                                                 else ["60"]))
    ctx.prepare(cid, b)
    rt.create(cid, b)
    if state == "created":
        return
    rt.start(cid)
    if state == "stopped":
        rt.wait_status(cid, "stopped")
    elif state == "paused":
        rt.call("pause", cid, check=True)


def _outcomes(ctx, rt, tag):
    got = {}
    for state in STATES:
        for name, argv in COMMANDS.items():
            cid = ctx.new_id(f"{tag}{state[:2]}")
            _into_state(ctx, rt, state, cid)
            got[(state, name)] = rt.call(*argv(cid)).rc
            rt.call("delete", "--force", cid)
    return got


def test_exit_codes_match_runc(ctx):
    assert RUNC is not None, "runc is not installed (scripts/install-deps adds it)"
    runc = Runtime(RUNC, root=ctx.path("runc-root"), workdir=ctx.path("runc-calls"),
                   global_args=[])
    ward = _outcomes(ctx, ctx.rt, "w")
    theirs = _outcomes(ctx, runc, "r")
    table = "\n".join(f"{s:8} {c:15} ward {ward[(s, c)]:3} runc {theirs[(s, c)]:3}"
                      for s in STATES for c in COMMANDS)
    differ = [k for k in ward if (ward[k] == 0) != (theirs[k] == 0)]
    assert not differ, f"success differs from runc's at {differ}\n{table}"
