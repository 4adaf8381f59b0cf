# SPDX-License-Identifier: Apache-2.0
"""The escape battery's tally: each attempt is recorded once as blocked or not (with what was
seen), or as not counted when its control shows the kernel cannot do the thing at all (then it
needs the VM). The session ends with "escape battery: N blocked out of M tried"."""

_attempts = {}  # name -> (blocked, detail)
_uncounted = {}  # name -> reason


def record(name, blocked, detail, hole=None):
    """blocked: the attack failed with the expected errno. Not blocked is a hole when hole is
    true (by default: some key=value in detail has a value starting with "ok"), else an
    unexpected outcome (a wrong errno, no result)."""
    if hole is None:
        hole = any(tok.split("=", 1)[-1].startswith("ok") for tok in detail.split())
    _attempts[name] = (bool(blocked), detail, bool(hole))
    return bool(blocked)


def _label(blocked, hole):
    if blocked:
        return "BLOCKED"
    return "NOT BLOCKED (hole)" if hole else "UNEXPECTED"


def uncounted(name, reason):
    _uncounted[name] = reason


def summary_lines():
    if not _attempts and not _uncounted:
        return []
    lines = ["", "escape battery:"]
    for name, (blocked, detail, hole) in sorted(_attempts.items()):
        lines.append(f"  {_label(blocked, hole)}  {name}: {detail}")
    for name, reason in sorted(_uncounted.items()):
        lines.append(f"  NOT COUNTED  {name}: {reason}")
    tried = len(_attempts)
    blocked = sum(1 for b, _, _ in _attempts.values() if b)
    lines.append(f"escape battery: {blocked} blocked out of {tried} tried")
    return lines
