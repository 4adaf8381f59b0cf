# SPDX-License-Identifier: Apache-2.0
"""Regressions for the runtime CVEs: overwriting the runtime binary through /proc/PID/exe
(CVE-2019-5736) and a host fd or cwd leaked into the container (CVE-2024-21626)."""
import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import battery
from escape import describe
from lib.common import wait_until
from wardlib import generous_config, parse_result


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _wait_file(path, timeout=20):
    return wait_until(lambda: os.path.exists(path), timeout=timeout, step=0.02)


def _json_file(path):
    """The JSON document in path, or None while it is missing or still being written."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _processes_running(binary):
    """Pids whose /proc/PID/exe is binary (readable ones)."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/exe") == str(binary):
                pids.append(int(pid))
        except OSError:
            pass
    return pids


def _exe_scenario(ward, tmp_path, attacker):
    """A private copy of ward creates container B and stays inside B's createRuntime hook (which
    blocks until told to go on), so two processes run that copy: `ward create` itself and B's
    init. attacker(shared_dir, [pids], copy) starts the exe program against those pids and
    returns a function giving its RESULT. Once the program holds its fds, B's creation is let
    finish and B is deleted, so no process runs the copy any more, and the program is told to
    reopen its fds for writing. The copy must be unchanged at the end."""
    wardcopy = tmp_path / "ward-copy"
    shutil.copy2(ward.binary, wardcopy)
    digest = _sha256(wardcopy)
    shared = tmp_path / "shared"
    shared.mkdir()
    config = generous_config(["true"])
    config["hooks"] = {"createRuntime": [{"path": "/bin/sh", "args": [
        "sh", "-c", f'cat > "{shared}/state.json"; '
                    f'while [ ! -e "{shared}/hook-go" ]; do sleep 0.05; done']}]}
    cid_b = ward.new_id()
    log = open(tmp_path / "create-b.log", "w")
    creator = subprocess.Popen(ward.argv("create", "--bundle", ward.bundle(config), cid_b,
                                         binary=wardcopy),
                               stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        state = wait_until(lambda: _json_file(shared / "state.json"), timeout=20)
        assert state, "the createRuntime hook never wrote the container's state"
        pid_b = state["pid"]
        targets = [pid_b, creator.pid]
        for pid in targets:
            assert os.readlink(f"/proc/{pid}/exe") == str(wardcopy), pid
        result = attacker(shared, targets, wardcopy)
        assert _wait_file(shared / "ready"), "the exe program never got ready"
    finally:
        (shared / "hook-go").touch()
        creator.wait(timeout=60)
        log.close()
        ward.cmd("delete", "--force", cid_b)
    assert wait_until(lambda: not _processes_running(wardcopy)), \
        "a process still runs the ward copy"
    (shared / "go").touch()
    res = result()
    assert _sha256(wardcopy) == digest, "THE WARD BINARY WAS MODIFIED"
    return res


def test_cve_2019_5736_overwrite_runtime_binary(ward, tmp_path):
    """From a container in the host's pid namespace: /proc/self/exe, /proc/<ppid>/exe (the ward
    process that started it) and /proc/PID/exe of two processes running the host's ward binary
    (another container's `ward create` and its init, held in a createRuntime hook), each opened
    for writing, and each kept as an O_PATH fd and reopened for writing once no process runs the
    binary any more (how the CVE got past ETXTBSY). Control: the same program on the host, with
    no sandbox, does get a write fd on the binary by that reopen (nothing is written)."""
    main_digest = _sha256(ward.binary)

    def on_host(shared, pids, _copy):
        p = subprocess.Popen([str(ward.template / "sec" / "exe"), "noparent", str(shared)] +
                             [str(pid) for pid in pids], stdout=subprocess.PIPE, text=True)
        return lambda: parse_result(p.communicate(timeout=60)[0])

    (tmp_path / "control").mkdir()
    ctl = _exe_scenario(ward, tmp_path / "control", on_host)
    assert ctl and ctl.get("init0_path") == "ok" and ctl.get("init0_reopen") == "ok", (
        f"control: the unconfined program could not get a write fd on the runtime: {ctl}")

    def in_container(shared, pids, wardcopy):
        outfile = shared.parent / "attacker.out"
        config = generous_config(["/sec/exe", "parent", "/shared"] + [str(p) for p in pids],
                                 pid_ns=False,
                                 mounts=[{"destination": "/shared", "type": "bind",
                                          "source": str(shared), "options": ["rbind", "rw"]}])
        cid = ward.new_id()
        errfile = shared.parent / "attacker.err"
        # files, not pipes: the detached container keeps its stdio until it exits
        with open(outfile, "w") as out, open(errfile, "w") as err:
            r = subprocess.run(ward.argv("run", "--detach", "--bundle", ward.bundle(config), cid,
                                         binary=wardcopy), stdin=subprocess.DEVNULL, stdout=out,
                               stderr=err, timeout=60)
        assert r.returncode == 0, errfile.read_text()

        return lambda: wait_until(lambda: parse_result(outfile.read_text()), timeout=40)

    (tmp_path / "attack").mkdir()
    res = _exe_scenario(ward, tmp_path / "attack", in_container)
    keys = [k for k in (res or {}) if k.startswith(("self", "parent", "init"))]
    opened_for_write = [k for k in keys if not k.endswith("_path") and res[k] == "ok"]
    blocked = (bool(res) and "init0" in res and "init1" in res and not opened_for_write and
               _sha256(ward.binary) == main_digest)
    battery.record("write the runtime binary via /proc/*/exe (CVE-2019-5736)", blocked,
                   describe(res, keys))
    assert blocked, f"CVE-2019-5736 NOT BLOCKED: {res}"


def test_cve_2024_21626_no_host_fd_or_cwd(ward, tmp_path):
    """Every fd of the container's process, its cwd, and pid 1's fds/cwd/root must lead to the
    container's own tree. The caller leaks a host directory fd into ward (not in
    --preserve-fds, as a careless shim or script would), and process.cwd is set to
    /proc/self/fd/N for N = 3..12 and the leaked fd's number (the runc exploit): ward must
    refuse each such config or give a cwd inside the container. Then the concrete damage: from
    a cwd on the leaked fd, chmod and chown a host file (Landlock does not cover either). The
    control is the same program chrooted (no ward) with a host fd and cwd: it sees the leak."""
    host_dir = tmp_path / "host-dir"
    host_dir.mkdir()
    rootfs = ward.bundle(generous_config(["true"])) / "rootfs"
    ctl = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c",
         f'mount -t proc proc "{rootfs}/proc" && exec 7<"{host_dir}" && cd "{host_dir}" && '
         f'exec python3 -c "import os; os.chroot(\'{rootfs}\'); '
         f'os.execv(\'/sec/fds\', [\'fds\', \'1\'])"'],
        capture_output=True, text=True, timeout=30)
    ctl_r = parse_result(ctl.stdout) or {}
    assert "cwd:" in ctl_r.get("leaks", "") and str(host_dir) in ctl_r.get("leaks", ""), (
        f"control: the program did not see the leaked fd/cwd: {ctl.stdout} {ctl.stderr}")

    victim = host_dir / "victim"
    victim.write_text("host file\n")
    os.chmod(victim, 0o600)
    before = os.stat(victim)
    leak_fd = os.open(str(host_dir), os.O_RDONLY | os.O_DIRECTORY)
    details, bad = [], []
    try:
        def run(cwd, args=("/sec/fds", "1")):
            b = ward.bundle(generous_config(list(args), cwd=cwd))
            r = subprocess.run(ward.argv("run", "--bundle", b, ward.new_id()), text=True,
                               capture_output=True, timeout=60, pass_fds=(leak_fd,))
            return r, parse_result(r.stdout)

        r, res = run("/")
        if not res or res.get("leaks") != "none" or int(res.get("checked", 0)) < 3:
            bad.append(f"cwd=/: {res} {r.stderr.strip()}")
        details.append(f"cwd/={(res or {}).get('leaks')}")
        for n in range(3, max(13, leak_fd + 1)):  # the leaked fd is among them
            r, res = run(f"/proc/self/fd/{n}")
            if res is None:
                if r.returncode == 0:
                    bad.append(f"cwd=/proc/self/fd/{n}: no result, status 0")
                details.append(f"fd{n}=refused")
            elif res.get("leaks") != "none":
                bad.append(f"cwd=/proc/self/fd/{n} (the leaked fd is {leak_fd}): {res}")
                details.append(f"fd{n}=LEAK")
            else:
                details.append(f"fd{n}=inside")
        r, res = run(f"/proc/self/fd/{leak_fd}",
                     ("sh", "-c", "chmod 6777 victim; chown 4321:4321 victim; echo RESULT x=1"))
    finally:
        os.close(leak_fd)
    after = os.stat(victim)
    changed = (after.st_mode, after.st_uid, after.st_gid) != (
        before.st_mode, before.st_uid, before.st_gid)
    details.append(f"host_file_chmod_chown={'ok' if changed else 'blocked'}")
    if changed:
        bad.append(f"from cwd=/proc/self/fd/{leak_fd} the container changed the host file "
                   f"{victim}: mode {oct(before.st_mode)} -> {oct(after.st_mode)}, "
                   f"owner {before.st_uid}:{before.st_gid} -> {after.st_uid}:{after.st_gid}")
    blocked = battery.record("host fd or cwd leaked into the container (CVE-2024-21626)",
                             not bad, " ".join(details),
                             hole=any("LEAK" in d or "=ok" in d for d in details))
    assert blocked, "CVE-2024-21626 NOT BLOCKED: " + "; ".join(bad)


def _create_live(ward, config, bundle, tries=1):
    """`ward create` until its init is still alive (waiting on the exec fifo) 0.3 s later."""
    for _ in range(tries):
        cid, pid = ward.create(config, bundle=bundle)
        time.sleep(0.3)
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        if state not in ("Z", "X"):
            return cid, pid
        ward.cmd("delete", "--force", cid)
    return None, None


def test_created_init_waits_for_start(ward):
    """After `ward create` returns, the init must stay alive, waiting on its exec fifo, until
    `ward start` (the exe and fd checks above depend on it)."""
    config = generous_config(["true"])
    bundle = ward.bundle(config)
    dead = 0
    for _ in range(5):
        cid, pid = _create_live(ward, config, bundle)
        if cid is None:
            dead += 1
        else:
            ward.cmd("delete", "--force", cid)
    assert dead == 0, (f"{dead} of 5 inits died (SIGKILL) right after `ward create` returned: "
                       "the init clears PR_SET_PDEATHSIG only after SYNC_CREATED, racing with "
                       "ward's exit")


def test_waiting_init_holds_no_inheritable_host_fd(ward):
    """The init waiting on its exec fifo (seen from the host): every fd beyond stdio it holds
    that points outside the rootfs (the exec fifo in the state dir, for one) must be
    close-on-exec, so nothing of the host survives into the workload; its cwd and root are the
    rootfs."""
    config = generous_config(["true"])
    bundle = ward.bundle(config)
    cid, pid = _create_live(ward, config, bundle, tries=20)
    assert cid is not None, "no init survived `ward create` (see test_created_init_waits...)"
    rootfs = os.path.realpath(bundle / "rootfs")
    problems = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        if int(fd) <= 2:
            continue  # stdio: the caller's, handed over on purpose
        target = os.readlink(f"/proc/{pid}/fd/{fd}")
        info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
        cloexec = bool(int(info.split("flags:")[1].split()[0], 8) & 0o2000000)
        if target.startswith("/") and not target.startswith(rootfs) and not cloexec:
            problems.append(f"fd {fd} -> {target} (inherited by the workload)")
    root_st = os.stat(rootfs)
    for link in ("cwd", "root"):
        st = os.stat(f"/proc/{pid}/{link}")
        if (st.st_dev, st.st_ino) != (root_st.st_dev, root_st.st_ino):
            problems.append(f"{link} is not the rootfs")
    assert ward.state(cid)["status"] == "created"
    assert not problems, problems
