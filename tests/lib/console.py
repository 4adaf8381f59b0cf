# SPDX-License-Identifier: Apache-2.0
"""A --console-socket receiver: listens on an AF_UNIX stream socket, accepts the runtime's
connection and takes the pty master it sends with SCM_RIGHTS."""

import array
import errno
import os
import select
import socket
import threading
import time


class ConsoleReceiver:
    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(1)
        self.master = None     # the received fd
        self.name = b""        # the message sent along with it (runc/crun: the pty path)
        self.error = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
            with conn:
                fds = array.array("i")
                msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(4 * fds.itemsize))
                for level, kind, data in anc:
                    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
                self.name = msg
                if len(fds) != 1:
                    for fd in fds:
                        os.close(fd)
                    raise ValueError(f"expected exactly one fd over SCM_RIGHTS, got {len(fds)}")
                self.master = fds[0]
        except Exception as e:  # reported by wait()
            self.error = e
        finally:
            self._done.set()

    def wait(self, timeout=10.0):
        """The received pty master fd; raises if none arrived."""
        if not self._done.wait(timeout):
            raise TimeoutError("no connection on the console socket")
        if self.error:
            raise self.error
        return self.master

    def close(self):
        # Unblock accept() if nothing ever connected.
        if not self._done.is_set():
            try:
                socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(self.path)
            except OSError:
                pass
        self._done.wait(2)
        self.sock.close()
        if self.master is not None:
            os.close(self.master)
            self.master = None


def read_until_eof(fd, timeout=10.0):
    """Read a pty master until the slave side closes (EIO) or timeout; returns bytes."""
    chunks = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        try:
            data = os.read(fd, 4096)
        except OSError as e:
            if e.errno == errno.EIO:
                break
            raise
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)
