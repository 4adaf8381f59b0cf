# SPDX-License-Identifier: Apache-2.0
"""ward exec: exit codes, namespaces, cgroup, the process (flags and --process files), tty,
fds, and the sandbox of the exec'd process."""
import json
import hashlib
import os
import shlex
import subprocess
import time

from exec_helpers import WARD, caps_mask, ctr, default_config, ward  # noqa: F401
from lib.common import proc_status, wait_until
from lib.console import ConsoleReceiver, read_until_eof

NOT_FOUND = ('exec failed: unable to start container process: exec: "nosuchcmd": '
             'executable file not found in $PATH')


# ---- output and exit status ----

def test_output_and_status_zero(ward, ctr):
    r = ward.run("exec", ctr[0], "echo", "hello from exec")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "hello from exec\n"


def test_exit_status_passes_through(ward, ctr):
    r = ward.run("exec", ctr[0], "sh", "-c", "exit 3")
    assert r.returncode == 3


def test_killed_by_signal_is_128_plus_signal(ward, ctr):
    r = ward.run("exec", ctr[0], "sh", "-c", "kill -9 $$")
    assert r.returncode == 128 + 9


def test_missing_binary_is_127_with_runc_message(ward, ctr):
    r = ward.run("exec", ctr[0], "nosuchcmd")
    assert r.returncode == 127
    assert NOT_FOUND in r.stderr


def test_missing_binary_detached_is_127_too(ward, ctr):
    # podman/conmon always pass --detach; it reads the message and rc
    r = ward.run("exec", "--detach", ctr[0], "nosuchcmd")
    assert r.returncode == 127
    assert NOT_FOUND in r.stderr


def test_missing_absolute_path(ward, ctr):
    r = ward.run("exec", ctr[0], "/no/such/file")
    assert r.returncode == 127
    assert 'exec: "/no/such/file": No such file or directory' in r.stderr


def test_not_executable_is_126(ward, ctr):
    r = ward.run("exec", ctr[0], "/etc/passwd")
    assert r.returncode == 126
    assert "Permission denied" in r.stderr


def test_json_log_carries_the_error(ward, ctr, tmp_path):
    log = tmp_path / "oci-log"
    r = ward.run("--log-format=json", "--log", log, "exec", "--detach", ctr[0], "nosuchcmd")
    assert r.returncode == 127
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines[-1]["level"] == "error"
    assert lines[-1]["msg"] == NOT_FOUND


# ---- the container's namespaces and cgroup ----

def test_sees_container_hostname_and_pid_namespace(ward, ctr):
    r = ward.run("exec", ctr[0], "sh", "-c", "hostname; cat /proc/1/cmdline | tr '\\0' ' '")
    assert r.returncode == 0, r.stderr
    host, init_cmd = r.stdout.splitlines()
    assert host == "wardtest"
    assert init_cmd.strip() == "sleep 1000"


def test_joins_every_namespace_of_the_init(ward, ctr):
    cid, init = ctr
    names = ["pid", "mnt", "net", "ipc", "uts", "cgroup", "user", "time"]
    r = ward.run("exec", cid, "sh", "-c",
                 " ; ".join(f"readlink /proc/self/ns/{n}" for n in names))
    assert r.returncode == 0, r.stderr
    inside = r.stdout.split()
    want = [os.readlink(f"/proc/{init}/ns/{n}") for n in names]
    assert inside == want
    # and the container really has its own pid, mnt, net, ipc and uts namespaces
    for n in ["pid", "mnt", "net", "ipc", "uts", "cgroup"]:
        assert os.readlink(f"/proc/{init}/ns/{n}") != os.readlink(f"/proc/self/ns/{n}")


def test_detach_pid_file_is_host_pid_in_container_cgroup(ward, ctr, tmp_path):
    cid, init = ctr
    pid_file = tmp_path / "exec.pid"
    r = ward.run("exec", "--detach", "--pid-file", pid_file, cid, "sleep", "300")
    assert r.returncode == 0, r.stderr
    pid = int(pid_file.read_text())
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        assert f.read() == b"sleep\x00300\x00"
    with open(f"/proc/{pid}/cgroup") as f, open(f"/proc/{init}/cgroup") as g:
        assert f.read() == g.read()
    for n in ["pid", "mnt", "net"]:
        assert os.readlink(f"/proc/{pid}/ns/{n}") == os.readlink(f"/proc/{init}/ns/{n}")
    ps = ward.run("ps", "--format", "json", cid)
    assert sorted(json.loads(ps.stdout)) == sorted([init, pid])


def test_root_is_the_container_rootfs(ward, ctr):
    r = ward.run("exec", ctr[0], "sh", "-c", "pwd; ls /; test -e /bin/busybox && echo bb")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split()
    assert lines[0] == "/"
    assert "bb" in lines and "proc" in lines
    assert "wt-exec" not in r.stdout and "usr" not in lines  # the host's / has /usr


# ---- the process: flags ----

def test_user_flag(ward, ctr):
    r = ward.run("exec", "--user", "1000:1000", ctr[0], "id")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("uid=1000(user) gid=1000(user)")
    assert "groups=" not in r.stdout or "groups=1000" in r.stdout


def test_user_flag_rejects_names(ward, ctr):
    r = ward.run("exec", "-u", "root", ctr[0], "id")
    assert r.returncode == 1
    assert "--user root: must be uid[:gid] (numbers)" in r.stderr


def test_cwd_and_env(ward, ctr):
    r = ward.run("exec", "--cwd", "/tmp", "-e", "FOO=bar", "--env", "TERM=dumb", ctr[0],
                 "sh", "-c", 'pwd; echo "$FOO $TERM"; env | grep -c "^TERM="')
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["/tmp", "bar dumb", "1"]


def test_relative_cwd_is_refused(ward, ctr):
    r = ward.run("exec", "--cwd", "tmp", ctr[0], "true")
    assert r.returncode == 1
    assert "exec: cwd: must be an absolute path" in r.stderr


def test_default_capabilities_are_the_containers(ward, ctr):
    cid, init = ctr
    r = ward.run("exec", cid, "grep", "^Cap", "/proc/self/status")
    inside = dict(line.split(":\t") for line in r.stdout.splitlines())
    st = proc_status(init)
    for k in ["CapBnd", "CapEff", "CapPrm"]:
        assert inside[k] == st[k], k


def test_cap_flag_adds_a_capability(ward, ctr):
    r = ward.run("exec", "--cap", "CAP_CHOWN", "--cap", "net_raw", ctr[0],
                 "grep", "^CapEff", "/proc/self/status")
    assert r.returncode == 0, r.stderr
    eff = int(r.stdout.split()[1], 16)
    want = caps_mask(["CAP_CHOWN", "CAP_NET_RAW", "CAP_AUDIT_WRITE", "CAP_KILL",
                      "CAP_NET_BIND_SERVICE"])
    assert eff == want


def test_cap_flag_unknown(ward, ctr):
    r = ward.run("exec", "--cap", "CAP_BOGUS", ctr[0], "true")
    assert r.returncode == 1
    assert "--cap CAP_BOGUS: unknown capability" in r.stderr


# ---- the process: --process FILE (what podman and containerd write) ----

def podman_process(args, **over):
    p = {
        "terminal": False,
        "user": {"uid": 1000, "gid": 1000},
        "args": args,
        "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=xterm", "container=podman", "HOME=/root", "FOO=from-file"],
        "cwd": "/tmp",
        "capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL"],
                         "effective": ["CAP_CHOWN", "CAP_KILL"],
                         "permitted": ["CAP_CHOWN", "CAP_KILL"]},
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 512, "soft": 256}],
    }
    p.update(over)
    return p


def test_process_file(ward, ctr, tmp_path):
    f = tmp_path / "exec-process-1"
    f.write_text(json.dumps(podman_process(
        ["sh", "-c", "id; pwd; echo $FOO $container; ulimit -Sn; ulimit -Hn; "
                     "grep -E '^Cap(Bnd|Prm)' /proc/self/status"])))
    r = ward.run("exec", "--process", f, ctr[0])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("uid=1000(user) gid=1000(user)")
    assert lines[1:5] == ["/tmp", "from-file podman", "256", "512"]
    caps = dict(line.split(":\t") for line in lines[5:])
    assert int(caps["CapBnd"], 16) == caps_mask(["CAP_CHOWN", "CAP_KILL"])
    # execve as a non-root uid without ambient caps clears permitted (kernel rules, as in runc)
    assert int(caps["CapPrm"], 16) == 0


def test_process_file_exit_code(ward, ctr, tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(podman_process(["sh", "-c", "exit 3"])))
    assert ward.run("exec", "--process", f, ctr[0]).returncode == 3


def test_process_file_empty_args(ward, ctr, tmp_path):
    f = tmp_path / "exec-process.json"
    f.write_text(json.dumps(podman_process([])))
    r = ward.run("exec", "--process", f, ctr[0])
    assert r.returncode == 1
    assert f"ward: {f}: args: must be a non-empty array" in r.stderr


def test_process_file_wrong_type(ward, ctr, tmp_path):
    f = tmp_path / "exec-process.json"
    f.write_text(json.dumps(podman_process(["true"], cwd=7)))
    r = ward.run("exec", "--process", f, ctr[0])
    assert r.returncode == 1
    assert f"{f}: cwd: " in r.stderr


def test_process_file_bad_json(ward, ctr, tmp_path):
    f = tmp_path / "exec-process.json"
    f.write_text('{"args": ["true"],')
    r = ward.run("exec", "--process", f, ctr[0])
    assert r.returncode == 1
    assert f"{f}: line 1" in r.stderr


def test_process_file_missing(ward, ctr, tmp_path):
    r = ward.run("exec", "--process", tmp_path / "nope.json", ctr[0])
    assert r.returncode == 1
    assert "nope.json" in r.stderr and "No such file or directory" in r.stderr


# ---- tty and fds ----

def test_tty_through_console_socket(ward, ctr, tmp_path):
    cons = ConsoleReceiver(tmp_path / "console.sock")
    try:
        r = ward.run("exec", "--tty", "--console-socket", cons.path, ctr[0], "sh", "-c",
                     "tty; test -t 0 && test -t 1 && echo isatty; exit 5")
        assert r.returncode == 5, r.stderr
        out = read_until_eof(cons.wait()).decode(errors="replace")
        assert cons.name == b"/dev/ptmx"
        assert out.splitlines()[0].startswith("/dev/pts/")
        assert "isatty" in out
    finally:
        cons.close()


def test_process_file_terminal_with_console_socket(ward, ctr, tmp_path):
    # containerd's shim: terminal:true in the file, --console-socket, no --tty
    cons = ConsoleReceiver(tmp_path / "console.sock")
    f = tmp_path / "p.json"
    f.write_text(json.dumps(podman_process(["tty"], terminal=True,
                                           consoleSize={"height": 30, "width": 100})))
    try:
        r = ward.run("exec", "--process", f, "--console-socket", cons.path, ctr[0])
        assert r.returncode == 0, r.stderr
        assert read_until_eof(cons.wait()).startswith(b"/dev/pts/")
    finally:
        cons.close()


def test_detached_tty_needs_console_socket(ward, ctr):
    r = ward.run("exec", "--tty", "--detach", ctr[0], "true")
    assert r.returncode == 1
    assert "--console-socket is required" in r.stderr


def test_tty_in_the_foreground_is_proxied_like_runc(ward, ctr):
    """`exec -t ID sh` with no console socket: ward holds the pty and is its other end, at the
    size of ward's own terminal, and exits with the process's status (as runc does)."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 23, 71, 0, 0))
        os.execv(WARD, [WARD, "--root", ward.root, "exec", "--tty", ctr[0], "sh", "-c",
                        "stty size; tty; read x; echo got-$x; exit 6"])
    out = b""
    deadline = time.monotonic() + 15
    sent = False
    while b"got-hi" not in out and time.monotonic() < deadline:
        if not sent and b"/dev/pts/" in out:
            os.write(fd, b"hi\r")
            sent = True
        if select.select([fd], [], [], 0.2)[0]:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    _, status = os.waitpid(pid, 0)
    assert b"23 71" in out and b"/dev/pts/" in out and b"got-hi" in out, out
    assert os.waitstatus_to_exitcode(status) == 6


def exec_with_fds(ward, redirections, *args):
    """ward exec run by bash with extra fds open (as conmon passes them)."""
    cmd = " ".join(shlex.quote(str(a)) for a in [WARD, "--root", ward.root, "exec", *args])
    return subprocess.run(["bash", "-c", f"exec {redirections}; exec {cmd}"],
                          capture_output=True, text=True, timeout=30)


def test_preserve_fds(ward, ctr, tmp_path):
    data = tmp_path / "data"
    data.write_text("preserved\n")
    r = exec_with_fds(ward, f"3<'{data}' 4</dev/null", "--preserve-fds", "2", ctr[0], "sh",
                      "-c", "cat <&3; echo $(ls /proc/self/fd)")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "preserved"
    # stdio, the two preserved fds, and the fd ls has open on /proc/self/fd
    assert sorted(int(x) for x in lines[1].split()) == [0, 1, 2, 3, 4, 5]


def test_unpreserved_fds_are_closed(ward, ctr, tmp_path):
    data = tmp_path / "data"
    data.write_text("secret\n")
    r = exec_with_fds(ward, f"3<'{data}' 7</dev/null", ctr[0], "ls", "/proc/self/fd")
    assert r.returncode == 0, r.stderr
    # 3 is ls's own directory fd: the caller's 3 and 7 did not get in
    assert sorted(int(x) for x in r.stdout.split()) == [0, 1, 2, 3]
    r = exec_with_fds(ward, f"3<'{data}'", ctr[0], "cat", "/proc/self/fd/3")
    assert "secret" not in r.stdout


def test_preserve_fds_must_be_open(ward, ctr):
    r = ward.run("exec", "--preserve-fds", "3", ctr[0], "true")
    assert r.returncode == 1
    assert "--preserve-fds 3: fd 3 is not open" in r.stderr


# ---- the sandbox ----

def test_seccomp_and_no_new_privs_like_the_init(ward, ctr):
    cid, init = ctr
    r = ward.run("exec", cid, "grep", "-E", "^(Seccomp|Seccomp_filters|NoNewPrivs):",
                 "/proc/self/status")
    inside = dict(line.split(":\t") for line in r.stdout.splitlines())
    assert inside["Seccomp"] == "2"
    assert inside["NoNewPrivs"] == "1"
    assert inside["Seccomp_filters"] == proc_status(init)["Seccomp_filters"]


def spec_seccomp_config():
    cfg = default_config(["sleep", "1000"])
    cfg["linux"]["seccomp"] = {
        "defaultAction": "SCMP_ACT_ALLOW",
        "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [{"names": ["fchmodat", "chmod", "fchmod"], "action": "SCMP_ACT_ERRNO",
                      "errnoRet": 1}],
    }
    return cfg


def test_spec_seccomp_filter_applies_to_exec(ward):
    cid, init = ward.start(cfg=spec_seccomp_config())
    try:
        r = ward.run("exec", cid, "sh", "-c",
                     "grep Seccomp_filters /proc/self/status; touch /tmp/f && echo touched; "
                     "chmod 600 /tmp/f || echo chmod-denied")
        lines = r.stdout.splitlines()
        filters = lines[0].split()[1]
        assert filters == "2" == proc_status(init)["Seccomp_filters"]
        assert "touched" in lines  # control: other syscalls work
        assert "chmod-denied" in lines
        assert "Operation not permitted" in r.stderr
    finally:
        ward.run("delete", "--force", cid)


def test_no_new_privs_flag(ward, ctr):
    r = ward.run("exec", "--no-new-privs", ctr[0], "grep", "NoNewPrivs", "/proc/self/status")
    assert r.stdout.split() == ["NoNewPrivs:", "1"]


def test_landlock_applies_to_exec(ward, ctr):
    # ward's Landlock ruleset forbids making fifos unless the host allows special files
    r = ward.run("exec", ctr[0], "sh", "-c",
                 "touch /tmp/plain && echo made-file; mkfifo /tmp/fifo || echo fifo-denied")
    assert "made-file" in r.stdout.split()
    assert "fifo-denied" in r.stdout.split()


def test_exec_clone_is_not_dumpable_inside_the_container(ward, tmp_path):
    """CVE-2019-5736: while ward's clone is in the container (before execve) a process there
    must not open /proc/<clone>/exe (ward's binary). Landlock is switched off for this container
    so that only dumpability stands between them (Landlock would also refuse)."""
    conf = tmp_path / "ward.conf"
    conf.write_text("landlock = off\n")
    cid, init = ward.start(config=str(conf))
    try:
        # a watcher in the container tries every process whose comm is "ward"
        # OPENED only when what was read is ward's binary: between the comm check and the
        # open the process may have exec'd its command already (then its exe is that command)
        wardsum = hashlib.md5(open(WARD, "rb").read()).hexdigest()
        watch = ("while :; do for p in /proc/[0-9]*; do "
                 "[ \"$(cat $p/comm 2>/dev/null)\" = ward ] || continue; "
                 "if h=$(md5sum < $p/exe 2>/dev/null); then "
                 f"  [ \"${{h%% *}}\" = {wardsum} ] && echo OPENED || echo OTHER; "
                 "else echo DENIED; fi; "
                 "done; done > /tmp/watch.log 2>&1")
        r = ward.run("exec", "--detach", cid, "sh", "-c", watch, config=str(conf))
        assert r.returncode == 0, r.stderr
        # control: the watcher's kind of process can open a dumpable process's exe
        r = ward.run("exec", cid, "sh", "-c", "cat /proc/1/exe > /dev/null && echo CONTROL_OK",
                     config=str(conf))
        assert r.stdout.strip() == "CONTROL_OK", r.stderr
        # stall ward after the clone is set up (pid file on a fifo): the clone sits inside
        pid_file = tmp_path / "exec.pid"
        fifo = str(pid_file) + ".ward-tmp"
        os.mkfifo(fifo)
        proc = subprocess.Popen([WARD, "--root", ward.root, "--config", str(conf), "exec",
                                 "--detach", "--pid-file", str(pid_file), cid, "true"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log = os.path.join(ward.rootfs, "tmp", "watch.log")
        try:
            saw = wait_until(lambda: os.path.exists(log) and "DENIED" in open(log).read(), 20)
        finally:
            # release ward whatever happened (it blocks opening the fifo for writing)
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            try:
                assert proc.wait(30) == 0
            finally:
                os.close(fd)
                if proc.poll() is None:
                    proc.kill()
        seen = open(log).read().split()
        assert saw, seen[-5:]
        assert "DENIED" in seen and "OPENED" not in seen
    finally:
        ward.run("delete", "--force", cid)
        try:
            os.unlink(os.path.join(ward.rootfs, "tmp", "watch.log"))
        except OSError:
            pass


# ---- states ----

def test_exec_into_stopped_container(ward):
    cid, init = ward.start(args=("true",))
    assert wait_until(lambda: ward.state(cid)["status"] == "stopped")
    r = ward.run("exec", cid, "true")
    assert r.returncode == 1
    assert r.stderr.strip() == "ward: cannot exec in a stopped container"
    ward.run("delete", "--force", cid)


def test_exec_into_paused_container(ward, ctr):
    assert ward.run("pause", ctr[0]).returncode == 0
    try:
        r = ward.run("exec", ctr[0], "true")
        assert r.returncode == 1
        assert r.stderr.strip() == "ward: cannot exec in a paused container"
    finally:
        assert ward.run("resume", ctr[0]).returncode == 0
    assert ward.run("exec", ctr[0], "true").returncode == 0


def test_exec_into_missing_container(ward):
    r = ward.run("exec", "nosuchcontainer", "true")
    assert r.returncode == 1
    assert 'container "nosuchcontainer" does not exist' in r.stderr


def test_exec_into_created_container(ward, tmp_path):
    cfg = default_config(["sleep", "1000"])
    b = ward.bundle(cfg)
    cid = "created-" + os.path.basename(b)[-8:]
    ward.ids.append(cid)
    assert ward.run("create", "--bundle", b, cid).returncode == 0
    try:
        r = ward.run("exec", cid, "hostname")
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "wardtest"
        assert ward.state(cid)["status"] == "created"
    finally:
        ward.run("delete", "--force", cid)


def test_exec_without_path_in_environment(ward, ctr):
    r = ward.run("exec", ctr[0], "echo", "ok", env={})
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ok\n"


# ---- faults ----

FAULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "faults")


def test_failure_after_joining_pid_namespace_leaves_it(ward, ctr, tmp_path):
    """ward enters the container's pid namespace (for its children) only around the clone3 of the
    exec'd process: prctl(PR_SET_DUMPABLE) made to fail (LD_PRELOAD fault injection) must leave
    ward back in its own pid namespace when it exits, or whatever it forks next (LeakSanitizer's
    tracer, a hook) would be born in the container's. The library reports the namespace at exit;
    the control is the same exec without the fault, which succeeds."""
    so = tmp_path / "fail_dumpable.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", str(so),
                    os.path.join(FAULTS, "fail_dumpable.c"), "-ldl"], check=True)
    report = tmp_path / "report"
    ok = ward.run("exec", ctr[0], "true")
    assert ok.returncode == 0, ok.stderr
    # an AddressSanitizer build wants its runtime first among the preloaded libraries
    asan = ":".join(o for o in (os.environ.get("ASAN_OPTIONS"), "verify_asan_link_order=0") if o)
    env = dict(os.environ, LD_PRELOAD=str(so), WARD_FAULT_REPORT=str(report), ASAN_OPTIONS=asan)
    r = ward.run("exec", ctr[0], "true", env=env)
    assert r.returncode != 0 and "prctl(PR_SET_DUMPABLE)" in r.stderr, r.stderr
    assert report.read_text().strip() == "pid_for_children_is_own=yes"
