# SPDX-License-Identifier: Apache-2.0
"""tests/vm/run itself: exit status, output streams, cwd, isolation from the host, timeouts."""
import os
import subprocess
import time

import pytest

from vmtest import GUEST, REPO, RUN, explain, facts, vm_run


@pytest.fixture(scope="module", name="default_run")
def fixture_default_run(tmp_path_factory):
    """One boot with the default options running guest/facts.sh, which exits 7."""
    host_file = tmp_path_factory.mktemp("vm") / "from-host"
    host_file.write_text("made on the host\n")
    probe = REPO / f".vm-write-probe-{os.getpid()}"
    res = vm_run("sh", GUEST / "facts.sh", host_file, probe,
                 options=["--env", "WARD_VM_TEST_ENV=passed"], timeout=180)
    yield res, facts(res.stdout), host_file, probe
    probe.unlink(missing_ok=True)


def test_exit_status_is_the_commands(default_run):
    res, f, _, _ = default_run
    assert res.returncode == 7, explain(res)
    assert f.get("loopback") == "connected", explain(res)  # facts.sh ran to its end


def test_stdout_and_stderr_come_back_separately(default_run):
    res, f, _, _ = default_run
    assert "cwd" in f, explain(res)
    assert "to stderr" not in res.stdout, explain(res)
    assert "to stderr\n" in res.stderr, explain(res)


def test_runs_as_root_in_the_callers_cwd(default_run):
    res, f, _, _ = default_run
    assert f.get("cwd") == str(REPO), explain(res)
    assert f.get("uid") == "0", explain(res)


def test_sees_host_files_but_writes_stay_in_the_guest(default_run):
    res, f, host_file, probe = default_run
    assert f.get("root fstype") == "overlayfs", explain(res)
    assert f.get("host file") == "made on the host", explain(res)
    assert f.get("written") == "guest", explain(res)
    assert f.get("tmp written") == "guest", explain(res)
    assert not probe.exists()
    assert host_file.read_text() == "made on the host\n"


def test_env_option_reaches_the_command(default_run):
    res, f, _, _ = default_run
    assert f.get("env") == "passed", explain(res)


def test_default_is_hybrid_cgroups_and_no_tpm(default_run):
    res, f, _, _ = default_run
    assert f.get("cgroup fstype") == "tmpfs", explain(res)
    assert f.get("cgroup unified fstype") == "cgroup2fs", explain(res)
    assert f.get("tpm") == "0", explain(res)


def test_nonzero_status_prints_the_console_tail(default_run):
    res, _, _, _ = default_run
    assert "guest console tail" in res.stderr, explain(res)
    assert "ward-vm: command exited with status 7" in res.stderr, explain(res)


def _processes_mentioning(text):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    found.append(pid)
        except OSError:
            pass
    return found


def _start(*args, **kwargs):
    return subprocess.Popen([str(RUN), *args], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_timeout_kills_a_hung_vm_while_another_runs(tmp_path_factory):
    timeout = 60  # well past a boot on a loaded 2-core host
    tmpdir = tmp_path_factory.mktemp("t")  # the hung run's temp dir goes here
    start = time.monotonic()
    # Both start at once, so they boot side by side: no shared port, socket or path.
    hung = _start("--tpm", "--timeout", str(timeout), "--", "sh", "-c",
                  "echo started; exec sleep 1000", env=dict(os.environ, TMPDIR=str(tmpdir)))
    other = _start("--tpm", "--", "sh", "-c", "echo other; exit 3")
    try:
        # Output streams while the command still runs.
        assert hung.stdout.readline() == "started\n"
        assert hung.poll() is None
        out, err = other.communicate(timeout=300)
        assert (other.returncode, out) == (3, "other\n"), err
        out, err = hung.communicate(timeout=timeout + 60)
    finally:
        for proc in (hung, other):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    elapsed = time.monotonic() - start
    assert hung.returncode == 124, f"{out}\n{err}"
    assert f"timeout: the VM ran longer than {timeout} s and was killed" in err
    assert timeout <= elapsed < timeout + 60
    # The run removed its temp dir and stopped its qemu and swtpm.
    assert not list(tmpdir.iterdir())
    assert not _processes_mentioning(str(tmpdir))


def test_crashed_guest_is_reported_with_the_console_tail():
    res = vm_run("sh", "-c", "echo c >/proc/sysrq-trigger; sleep 100", timeout=120)
    assert res.returncode == 125, explain(res)
    assert "the guest reported no exit status" in res.stderr, explain(res)
    assert "Kernel panic" in res.stderr, explain(res)
