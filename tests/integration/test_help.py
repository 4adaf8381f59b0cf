# SPDX-License-Identifier: Apache-2.0
"""Every command answers --help / -h / `ward help CMD` with usage, options and an example, and the
man pages (doc/*.scd) name exactly the options --help names (ward only)."""

import os
import re

import pytest

pytestmark = pytest.mark.ward_only

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(REPO, "doc")

# command -> (man page, heading of its options section); commands sharing a section are
# compared as a union (create and run share theirs; --detach is run's)
SECTIONS = {
    "create": ("ward-run.8.scd", "CREATE AND RUN OPTIONS"),
    "run": ("ward-run.8.scd", "CREATE AND RUN OPTIONS"),
    "start": ("ward-run.8.scd", "START AND STATE OPTIONS"),
    "state": ("ward-run.8.scd", "START AND STATE OPTIONS"),
    "kill": ("ward-run.8.scd", "KILL OPTIONS"),
    "delete": ("ward-run.8.scd", "DELETE OPTIONS"),
    "exec": ("ward-exec.8.scd", "EXEC OPTIONS"),
    "ps": ("ward-exec.8.scd", "PS OPTIONS"),
    "update": ("ward-exec.8.scd", "UPDATE OPTIONS"),
    "events": ("ward-exec.8.scd", "EVENTS OPTIONS"),
    "pause": ("ward-exec.8.scd", "PAUSE AND RESUME OPTIONS"),
    "resume": ("ward-exec.8.scd", "PAUSE AND RESUME OPTIONS"),
}
# commands whose help is their helper's, with the page that documents them
HELPER_PAGES = {"attest": "ward-attest.8.scd", "key": "ward-manifest.8.scd",
                "manifest": "ward-manifest.8.scd", "image": "ward-image.8.scd"}
# commands documented as one item of ward(8)'s COMMANDS section
WARD8_ITEMS = ("list", "spec", "features", "help")
OPT = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _options(text):
    return set(OPT.findall(text))


def _section(page, heading):
    text = open(os.path.join(DOC, page)).read()
    m = re.search(rf"^# {re.escape(heading)}\n(.*?)(?=^# |\Z)", text, re.M | re.S)
    assert m, f"{page}: no section '{heading}'"
    return m.group(1)


def _ward8_item(name):
    body = _section("ward.8.scd", "COMMANDS")
    m = re.search(rf"^\*{name}\*(.*?)(?=^\*|\Z)", body, re.M | re.S)
    assert m, f"ward.8.scd: COMMANDS has no item *{name}*"
    return m.group(1)


def _commands(ctx):
    res = ctx.rt.call("--help", root=False)
    assert res.rc == 0, res
    body = res.out.split("Commands:", 1)[1]
    return [line.split()[0] for line in body.splitlines() if line.strip()]


def _help(ctx, cmd, flag="--help"):
    res = ctx.rt.call(cmd, flag, root=False)
    assert res.rc == 0, res
    return res.out


def test_every_command_has_help(ctx):
    cmds = _commands(ctx)
    assert {"create", "run", "exec", "attest", "help"} <= set(cmds)
    for cmd in cmds:
        out = _help(ctx, cmd)
        assert "Usage: ward" in out, (cmd, out)
        if cmd in HELPER_PAGES:
            continue                      # the helper's own usage
        assert "Options:" in out and "Example:" in out and "--help" in out, (cmd, out)
        assert _help(ctx, cmd, "-h") == out
        assert ctx.rt.call("help", cmd, root=False).out == out


def test_help_is_found_only_among_wards_own_options(ctx):
    # after an option that takes a value, and not after the container id
    assert "Usage: ward [GLOBAL OPTIONS] run" in _help(ctx, "run", "--help")
    res = ctx.rt.call("run", "--bundle", "/nonexistent", "--help", root=False)
    assert res.rc == 0 and "Usage: ward [GLOBAL OPTIONS] run" in res.out, res
    res = ctx.rt.call("exec", "no-such-container", "ls", "--help")
    assert res.rc != 0 and "Usage:" not in res.out, res
    res = ctx.rt.call("help", "no-such-command", root=False)
    assert res.rc == 1 and 'unknown command "no-such-command"' in res.err, res


@pytest.mark.parametrize("cmd", ["list", "ps", "events"])
def test_unknown_option_gives_one_error(ctx, cmd):
    res = ctx.rt.call(cmd, "--bogus", "x")
    assert res.rc == 1, res
    lines = [l for l in res.err.splitlines() if l.strip()]
    assert len(lines) == 1, res.err
    assert "--bogus" in lines[0] and f"ward {cmd} --help" in lines[0], res.err


def test_man_pages_match_help(ctx):
    by_section = {}
    for cmd, sec in SECTIONS.items():
        by_section.setdefault(sec, set()).update(_options(_help(ctx, cmd)))
    for (page, heading), want in by_section.items():
        got = _options(_section(page, heading))
        assert got == want, f"{page} '{heading}': only in the page {sorted(got - want)}, " \
                            f"only in --help {sorted(want - got)}"
    for cmd in WARD8_ITEMS:
        want = _options(_help(ctx, cmd)) - {"--help"}
        got = _options(_ward8_item(cmd)) - {"--help"}
        assert got == want, f"ward.8 *{cmd}*: page {sorted(got)}, --help {sorted(want)}"
    # every command of `ward --help` has a place in a page
    assert set(_commands(ctx)) <= set(SECTIONS) | set(WARD8_ITEMS) | set(HELPER_PAGES)


def test_man_page_global_and_attest_options(ctx):
    got = _options(_section("ward.8.scd", "GLOBAL OPTIONS"))
    want = _options(ctx.rt.call("--help", root=False).out.split("Commands:")[0])
    assert got == want, f"ward.8 global: page {sorted(got)}, --help {sorted(want)}"
    for cmd, page in HELPER_PAGES.items():
        got = _options(_section(page, "OPTIONS")) - {"--help"}
        want = _options(_help(ctx, cmd))
        assert got == want, f"{page}: page {sorted(got)}, {cmd} --help {sorted(want)}"
