# SPDX-License-Identifier: Apache-2.0
"""A private swtpm on a free loopback port pair (data P, control P+1), stopped by pid.

Shared by the attest/ test suite and bench/attest-bench (no pytest needed here).
"""
import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path


def _port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair():
    """A port P such that P and P+1 are both free on 127.0.0.1."""
    rng = random.SystemRandom()
    for _ in range(200):
        p = rng.randrange(20000, 60000, 2)
        if _port_free(p) and _port_free(p + 1):
            return p
    raise RuntimeError("no free loopback port pair")


def _wait_listening(port, proc, deadline=5.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"swtpm exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port + 1), timeout=0.2):
                pass
            # swtpm serves one client at a time: probe only the control channel, then wait for
            # the data socket to be bound (connecting to it would occupy the single client slot)
            if not _port_free(port):
                return
        except OSError:
            pass
        time.sleep(0.01)
    raise RuntimeError("swtpm did not start listening")


class Swtpm:
    def __init__(self, state: Path, flags="not-need-init,startup-clear"):
        self.state = state
        self.flags = flags
        self.port = None
        self.proc = None

    @property
    def tcti(self):
        return f"swtpm:host=127.0.0.1,port={self.port}"

    def start(self):
        self.state.mkdir(parents=True, exist_ok=True)
        for _ in range(5):
            self.port = free_port_pair()
            self.proc = subprocess.Popen(
                ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={self.state}",
                 "--server", f"type=tcp,port={self.port},bindaddr=127.0.0.1",
                 "--ctrl", f"type=tcp,port={self.port + 1},bindaddr=127.0.0.1",
                 "--flags", self.flags,
                 "--log", f"file={self.state}/swtpm.log"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                _wait_listening(self.port, self.proc)
                return self
            except RuntimeError:
                self.stop()  # lost a race for the port: try another pair
        raise RuntimeError("could not start swtpm")

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def tools(self, *args, check=True):
        """Run a tpm2-tools command against this swtpm."""
        env = dict(os.environ, TPM2TOOLS_TCTI=self.tcti, TSS2_LOG="all+NONE")
        return subprocess.run(list(args), env=env, capture_output=True, text=True, check=check,
                              timeout=60)

    def pcr(self, index):
        out = self.tools("tpm2_pcrread", f"sha256:{index}").stdout
        for line in out.splitlines():
            line = line.strip()
            if line.startswith(f"{index}:"):
                return line.split("0x", 1)[1].lower()
        raise AssertionError(f"no PCR {index} in {out!r}")

    def transient_handles(self):
        out = self.tools("tpm2_getcap", "handles-transient").stdout
        return [w for w in out.split() if w.startswith("0x")]
