# SPDX-License-Identifier: Apache-2.0
"""One escape attempt: the attack in a generous ward container, a control that shows the same
program succeeds where ward's sandbox is relaxed by the host (or where the thing is allowed),
and the verdict recorded in the battery."""
import pytest

import battery
from wardlib import generous_config


def verdict(result, expect):
    """True when every key of expect has one of the expected (errno) values in result."""
    if result is None:
        return False
    return all(result.get(k) in allowed for k, allowed in expect.items())


def describe(result, keys):
    if result is None:
        return "no RESULT line"
    return " ".join(f"{k}={result.get(k, '?')}" for k in keys)


def attempt(ward, name, args, expect, *, control=None, relax=(), config_kw=None,
            control_expect=None, unsupported=("ENOSYS",)):
    """Run args in the generous container and check each key of expect against its allowed
    errnos; run the control first (by default: the same container with the host config relaxing
    the baseline for `relax` and turning Landlock off) and require control_expect (default: every
    key "ok"). A control answering one of `unsupported` means this kernel cannot do the thing at
    all: the attempt is not counted here (it needs the VM) and the test is skipped, saying so."""
    config_kw = config_kw or {}
    control_expect = control_expect or {k: ("ok",) for k in expect}
    attack_keys = [k for k in expect if "ok" not in expect[k]]
    if control is None:
        ctl = ward.run(generous_config(args, **config_kw), hostconf=ward.relaxed(relax))
        ctl_result = ctl.result
    else:
        ctl_result = control()
    if ctl_result and any(ctl_result.get(k) in unsupported for k in attack_keys):
        reason = f"this kernel cannot do it even unconfined ({describe(ctl_result, expect)})"
        battery.uncounted(name, reason + ": needs the VM")
        pytest.skip(f"{name}: {reason}; checked by the VM test")
    assert verdict(ctl_result, control_expect), (
        f"{name}: control did not succeed, so the attempt would prove nothing: "
        f"{describe(ctl_result, expect)} (wanted {control_expect})")

    out = ward.run(generous_config(args, **config_kw))
    blocked = battery.record(name, verdict(out.result, expect), describe(out.result, expect))
    assert blocked, f"{name}: NOT BLOCKED by ward: {out} (expected {expect})"
    return out
