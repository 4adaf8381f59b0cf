# SPDX-License-Identifier: Apache-2.0
"""Escape attempts whose control needs kernel features a host may lack: i386 syscalls through
`int $0x80` (needs IA32 emulation), kexec and module loading (need CONFIG_KEXEC and
CONFIG_MODULES). On a host that has them the attempt runs here; where the control shows the
kernel cannot do the thing at all (this development VM: IA32 emulation off, no kexec, no
modules), the attempt runs in the VM harness (tests/vm/run, Debian's stock kernel) instead, the
control there first, and only that run counts."""
import os
import shlex
import signal
import subprocess
from pathlib import Path

import pytest

import battery
from escape import describe, verdict
from wardlib import generous_config, parse_result

REPO = Path(__file__).resolve().parent.parent.parent

# name -> (program, keys and the errnos that mean blocked, the control's expected outcome,
#          baseline syscalls the relaxed control allows)
KERNEL_ATTEMPTS = {
    "int 0x80 (i386 syscall from a 64-bit process)": (
        "int80", {"int80": ("SIGSYS",)}, {"int80": ("ok",)}, ()),
    "kexec_load / kexec_file_load": (
        "kexec", {"kexec_load": ("EPERM",), "kexec_file_load": ("EPERM",)},
        {"kexec_load": ("EINVAL",), "kexec_file_load": ("EINVAL", "EBADF")},
        ("kexec_load", "kexec_file_load")),
    "init_module / finit_module / delete_module": (
        "module", {"init_module": ("EPERM",), "finit_module": ("EPERM",),
                   "delete_module": ("EPERM",)},
        {"init_module": ("ENOEXEC", "EINVAL"), "finit_module": ("EBADF",),
         "delete_module": ("ENOENT",)},
        ("init_module", "finit_module", "delete_module")),
}


def _host_supports(progs, prog, control):
    r = parse_result(subprocess.run([str(progs[prog])], capture_output=True, text=True,
                                    timeout=30).stdout)
    return verdict(r, control), r


def _killed_result(status, result, keys):
    """A process the filter killed prints nothing: its outcome is the signal."""
    if result is None and 128 < status < 160:
        return {k: signal.Signals(status - 128).name for k in keys}
    return result


def _vm_harness():
    path = os.environ.get("WARD_VM_RUN") or str(REPO / "tests" / "vm" / "run")
    return path if os.access(path, os.X_OK) else None


def _guest_script(ward, names, tmp_path):
    """A shell script for the guest: for each attempt, the program bare (control), in ward with
    the baseline relaxed and Landlock off (control), and in the generous container (attempt)."""
    relaxed = {}
    lines = ["set -u", f"W='{ward.binary}'", "R=/run/ward-sec-root", "mkdir -p $R",
             "uname -r | sed 's/^/kernel: /'"]
    for i, name in enumerate(names):
        prog, _, _, allow = KERNEL_ATTEMPTS[name]
        bundle = ward.bundle(generous_config([f"/sec/{prog}"]))
        relaxed[name] = ward.relaxed(allow)
        for kind, cmd in (
                ("bare", f"{shlex.quote(str(bundle / 'rootfs' / 'sec' / prog))}"),
                ("relaxed", f"$W --root $R --config {shlex.quote(str(relaxed[name]))} run "
                            f"--bundle {shlex.quote(str(bundle))} vmsec-r{i}"),
                ("attempt", f"$W --root $R run --bundle {shlex.quote(str(bundle))} vmsec-a{i}")):
            lines.append(f"out=$({cmd} 2>/tmp/err.$$); st=$?; "
                         f"echo \"{prog} {kind}: status=$st $(echo \"$out\" | grep RESULT)"
                         f" err=$(tr '\\n' ' ' </tmp/err.$$ | cut -c1-200)\"")
    script = tmp_path / "guest.sh"
    script.write_text("\n".join(lines) + "\n")
    return script


def _parse_guest(stdout):
    out = {}
    for line in stdout.splitlines():
        head, sep, rest = line.partition(": status=")
        if not sep or " " not in head:
            continue
        prog, kind = head.split(" ", 1)
        status = int(rest.split()[0])
        out[(prog, kind)] = (status, parse_result(rest[rest.find("RESULT"):])
                             if "RESULT" in rest else None, rest)
    return out


_VM_OUTCOMES = {}


def _run_in_vm(ward, progs, tmp_path):
    """One VM boot for every attempt this host's kernel cannot do: the bare control and the
    relaxed ward control must succeed there, then the generous container must be refused.
    Fills _VM_OUTCOMES[name] = (blocked, message)."""
    todo = [n for n, (prog, _, control, _) in KERNEL_ATTEMPTS.items()
            if not _host_supports(progs, prog, control)[0]]
    harness = _vm_harness()
    assert harness, "needs the VM harness (tests/vm/run or $WARD_VM_RUN) for: " + "; ".join(todo)
    script = _guest_script(ward, todo, tmp_path)
    r = subprocess.run([harness, "--timeout", "420", "--", "sh", str(script)],
                       capture_output=True, text=True, timeout=600, cwd=str(tmp_path))
    assert r.returncode == 0, f"VM run failed ({r.returncode}): {r.stdout}\n{r.stderr[-3000:]}"
    print(r.stdout)
    seen = _parse_guest(r.stdout)
    for name in todo:
        prog, expect, control, _ = KERNEL_ATTEMPTS[name]
        runs = {kind: seen.get((prog, kind)) for kind in ("bare", "relaxed", "attempt")}
        if not all(runs.values()):
            _VM_OUTCOMES[name] = (False, f"missing guest output:\n{r.stdout}\n{r.stderr}")
            continue
        bare_ok = verdict(runs["bare"][1], control)
        relaxed_ok = prog == "int80" or verdict(runs["relaxed"][1], control)
        if not (bare_ok and relaxed_ok):
            battery.uncounted(name, f"control failed in the VM too: {runs}")
            _VM_OUTCOMES[name] = (False, f"control failed in the VM: {runs}")
            continue
        status, result, _ = runs["attempt"]
        res = _killed_result(status, result, expect)
        blocked = battery.record(name + " [VM]", verdict(res, expect), describe(res, expect))
        _VM_OUTCOMES[name] = (blocked, f"NOT BLOCKED in the VM: {runs['attempt']}")


@pytest.mark.parametrize("name", list(KERNEL_ATTEMPTS))
def test_kernel_attempt(ward, progs, tmp_path, name):
    """On this host where its kernel does the thing for an unconfined process (and, but for
    int 0x80, in ward with the baseline relaxed and Landlock off); otherwise in the VM, where
    Debian's stock kernel does."""
    prog, expect, control, allow = KERNEL_ATTEMPTS[name]
    ok, _ = _host_supports(progs, prog, control)
    if not ok:
        if name not in _VM_OUTCOMES:
            _run_in_vm(ward, progs, tmp_path)
        blocked, message = _VM_OUTCOMES[name]
        assert blocked, f"{name}: {message}"
        return
    if prog != "int80":
        ctl = ward.run(generous_config([f"/sec/{prog}"]), hostconf=ward.relaxed(allow))
        assert verdict(ctl.result, control), f"relaxed control: {ctl}"
    out = ward.run(generous_config([f"/sec/{prog}"]))
    res = _killed_result(out.status, out.result, expect)
    blocked = battery.record(name, verdict(res, expect), describe(res, expect))
    assert blocked, f"{name} NOT BLOCKED: {out}"
