# SPDX-License-Identifier: Apache-2.0
"""Boot the guest under qemu (TCG), optionally with a private swtpm, and collect the result.

A run's files live in its own temp dir RUN: RUN/io is shared writable with the guest over 9p
(cmd.sh in, status or fatal out), RUN/console.log gets the serial console, RUN/stdout.sock and
RUN/stderr.sock carry the command's output from two virtio serial ports, RUN/tpm holds swtpm.
"""
import ctypes
import os
import signal
import socket
import subprocess
import threading
import time

from .kernel import HarnessError

QBOOT = "/usr/share/qemu/qboot.rom"  # a minimal firmware: boots -kernel faster than SeaBIOS
_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """Runs in the child before exec: a killed harness takes its qemu and swtpm with it."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _stop(proc, grace=5):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Swtpm:
    """A private TPM 2.0 emulator whose control socket qemu's tpm-emulator backend uses."""

    def __init__(self, rundir):
        self.dir = os.path.join(rundir, "tpm")
        os.mkdir(self.dir)
        self.ctrl = os.path.join(self.dir, "ctrl.sock")
        self.log = os.path.join(self.dir, "swtpm.log")
        self.proc = None

    def start(self):
        args = ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={self.dir}",
                "--ctrl", f"type=unixio,path={self.ctrl}", "--flags", "startup-clear",
                "--log", f"file={self.log}"]
        try:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         preexec_fn=_die_with_parent)
        except OSError as e:
            raise HarnessError(f"swtpm: {e.strerror} (install swtpm)") from e
        deadline = time.monotonic() + 10
        while not os.path.exists(self.ctrl):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise HarnessError(f"swtpm did not start: {self._log_tail()}")
            time.sleep(0.02)

    def _log_tail(self):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as f:
                return f.read()[-500:].strip()
        except OSError:
            return "(no log)"

    def qemu_args(self):
        return ["-chardev", f"socket,id=tpmchr,path={self.ctrl}",
                "-tpmdev", "emulator,id=tpm0,chardev=tpmchr",
                "-device", "tpm-tis,tpmdev=tpm0"]

    def stop(self):
        _stop(self.proc)


class OutputPort:
    """A listening unix socket that qemu's serial port chardev connects to; copies it to FD."""

    def __init__(self, path, fd):
        self.path, self.fd = path, fd
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)
        self.thread = threading.Thread(target=self._copy, daemon=True)

    def _copy(self):
        conn, _ = self.sock.accept()
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                while data:
                    data = data[os.write(self.fd, data):]

    def qemu_args(self, name):
        chardev = "c" + name.replace(".", "_")
        return ["-chardev", f"socket,id={chardev},path={self.path}",
                "-device", f"virtserialport,chardev={chardev},name={name}"]

    def finish(self, timeout=10):
        """Wait for the rest of the output: qemu has exited, so the connection is at EOF."""
        self.thread.join(timeout)
        self.sock.close()


class VM:
    """One guest boot: configure, then run() returns the command's exit status."""

    def __init__(self, kernel, initrd, rundir, *, cpus=2, mem=1536, cgroup="hybrid", tpm=False,
                 console_fd=None):
        self.kernel, self.initrd, self.rundir = kernel, initrd, rundir
        self.cpus, self.mem, self.cgroup = cpus, mem, cgroup
        self.console = os.path.join(rundir, "console.log")
        self.console_fd = console_fd
        self.io = os.path.join(rundir, "io")
        self.swtpm = Swtpm(rundir) if tpm else None
        self.proc = None

    def _qemu_args(self, ports):
        append = " ".join(["console=ttyS0", "quiet", "panic=-1", "rdinit=/init",
                           "random.trust_cpu=on", f"WARD_VM_CGROUP={self.cgroup}"])
        args = ["qemu-system-x86_64", "-accel", "tcg", "-M", "pc", "-cpu", "max",
                "-smp", str(self.cpus), "-m", str(self.mem),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", self.kernel.vmlinuz, "-initrd", self.initrd, "-append", append,
                "-chardev", f"file,id=con,path={self.console}", "-serial", "chardev:con",
                "-virtfs", "local,path=/,mount_tag=host,security_model=none,readonly=on,"
                           "multidevs=remap",
                "-virtfs", f"local,path={self.io},mount_tag=io,security_model=none,"
                           "multidevs=remap",
                "-device", "virtio-rng-pci", "-device", "virtio-serial-pci"]
        if os.path.exists(QBOOT):
            args += ["-bios", QBOOT]
        for name, port in ports.items():
            args += port.qemu_args(name)
        if self.swtpm:
            args += self.swtpm.qemu_args()
        return args

    def run(self, timeout):
        """Boot, wait at most TIMEOUT seconds; the command's status, or None on timeout."""
        ports = {"ward.stdout": OutputPort(os.path.join(self.rundir, "stdout.sock"), 1),
                 "ward.stderr": OutputPort(os.path.join(self.rundir, "stderr.sock"), 2)}
        try:
            if self.swtpm:
                self.swtpm.start()
            args = self._qemu_args(ports)
            qemu_log = open(os.path.join(self.rundir, "qemu.log"), "wb")
            with qemu_log:
                try:
                    self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=qemu_log,
                                                 stderr=subprocess.STDOUT,
                                                 preexec_fn=_die_with_parent)
                except OSError as e:
                    raise HarnessError(f"qemu-system-x86_64: {e.strerror} "
                                       "(install qemu-system-x86)") from e
            for port in ports.values():
                port.thread.start()
            tail = self._follow_console() if self.console_fd is not None else None
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                return None
            finally:
                _stop(self.proc, grace=1)
                if tail:
                    tail.join(2)
            for port in ports.values():
                port.finish()
            if self.proc.returncode != 0:
                raise HarnessError(f"qemu exited with status {self.proc.returncode}: "
                                   f"{self._read('qemu.log')[-1000:].strip()}")
            return self._status()
        finally:
            _stop(self.proc, grace=1)
            if self.swtpm:
                self.swtpm.stop()

    def _status(self):
        status = self._read("io/status").strip()
        if status.isdigit():
            return int(status)
        fatal = self._read("io/fatal").strip()
        raise HarnessError("the guest reported no exit status"
                           + (f": {fatal}" if fatal else " (it crashed or did not boot)"))

    def _read(self, name):
        try:
            with open(os.path.join(self.rundir, name), encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def _follow_console(self):
        """Copy the console to console_fd as it grows (--console), until qemu exits."""

        def follow():
            with open(self.console, "rb") as f:
                while True:
                    data = f.read(65536)
                    if data:
                        os.write(self.console_fd, data)
                    elif self.proc.poll() is not None:
                        return
                    else:
                        time.sleep(0.1)

        while not os.path.exists(self.console):
            if self.proc.poll() is not None:
                return None
            time.sleep(0.02)
        thread = threading.Thread(target=follow, daemon=True)
        thread.start()
        return thread

    def console_tail(self, lines=40):
        return "\n".join(self._read("console.log").splitlines()[-lines:])
