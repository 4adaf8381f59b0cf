# SPDX-License-Identifier: Apache-2.0
"""Small self-contained helpers for the exec/pause/update/ps/events suites.

Each suite gets a private state root and a busybox rootfs (scripts/make-rootfs); each test gets
its own bundle and a unique container id, and deletes its containers with `delete --force` even
when it fails. The binary is lib.common's: $WARD_RUNTIME, else $WARD_BUILD_DIR/ward, else ./ward.
"""
import json
import os
import shutil
import subprocess
import tempfile
import uuid

import pytest

from lib.common import make_rootfs, ward_binary

WARD = ward_binary()
TIMEOUT = 30


def ward_cmd(root, *args, config=None):
    cmd = [WARD, "--root", root]
    if config:
        cmd += ["--config", config]
    return cmd + [str(a) for a in args]


def run(root, *args, env=None, input=None, config=None, timeout=TIMEOUT, **kw):
    """Run ward; returns CompletedProcess with text stdout/stderr.

    Output goes through files, not pipes: a container process (create, exec --detach) inherits
    ward's stdio and would hold a pipe open long after ward exited.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        if input is not None:
            kw["input"] = input.encode() if isinstance(input, str) else input
        elif "stdin" not in kw:
            kw["stdin"] = subprocess.DEVNULL
        p = subprocess.run(ward_cmd(root, *args, config=config), stdout=out, stderr=err, env=env,
                           timeout=timeout, **kw)
        out.seek(0)
        err.seek(0)
        p.stdout = out.read().decode(errors="replace")
        p.stderr = err.read().decode(errors="replace")
        return p


def no_path_env():
    """What podman gives kill/delete/pause/resume: XDG_RUNTIME_DIR= and nothing else."""
    return {"XDG_RUNTIME_DIR": ""}


def default_config(args, hostname="wardtest"):
    """ward spec's config, made non-interactive and given a hostname."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([WARD, "spec", "--bundle", d], check=True, timeout=TIMEOUT)
        with open(os.path.join(d, "config.json")) as f:
            cfg = json.load(f)
    cfg["process"]["terminal"] = False
    cfg["process"]["args"] = list(args)
    cfg["hostname"] = hostname
    cfg["root"] = {"path": "rootfs", "readonly": False}
    return cfg


CAP_NUMBERS = {"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3, "CAP_KILL": 5,
               "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_NET_BIND_SERVICE": 10,
               "CAP_NET_RAW": 13, "CAP_SYS_CHROOT": 18, "CAP_AUDIT_WRITE": 29}


def caps_mask(names):
    m = 0
    for n in names:
        m |= 1 << CAP_NUMBERS[n]
    return m


class Ward:
    """A state root and a rootfs shared by a module's tests."""

    def __init__(self, base):
        self.base = base
        self.root = os.path.join(base, "state")
        self.rootfs = os.path.join(base, "rootfs")
        make_rootfs(self.rootfs)
        self.ids = []

    def run(self, *args, **kw):
        return run(self.root, *args, **kw)

    def bundle(self, cfg):
        b = tempfile.mkdtemp(prefix="bundle-", dir=self.base)
        os.symlink(self.rootfs, os.path.join(b, "rootfs"))
        with open(os.path.join(b, "config.json"), "w") as f:
            json.dump(cfg, f)
        return b

    def start(self, args=("sleep", "1000"), cfg=None, config=None):
        """create + start a container running args; returns (id, init pid)."""
        cfg = cfg or default_config(args)
        cid = "x" + uuid.uuid4().hex[:12]
        self.ids.append(cid)
        b = self.bundle(cfg)
        r = run(self.root, "create", "--bundle", b, cid, config=config)
        assert r.returncode == 0, r.stderr
        r = run(self.root, "start", cid, config=config)
        assert r.returncode == 0, r.stderr
        return cid, self.state(cid)["pid"]

    def state(self, cid):
        r = self.run("state", cid)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def cleanup(self):
        for cid in self.ids:
            run(self.root, "delete", "--force", cid)
        self.ids = []


@pytest.fixture(scope="module")
def ward():
    base = tempfile.mkdtemp(prefix="ward-exec-")
    w = Ward(base)
    try:
        yield w
    finally:
        w.cleanup()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def ctr(ward):
    """A running container (sleep 1000); deleted after the test."""
    cid, pid = ward.start()
    yield cid, pid
    run(ward.root, "delete", "--force", cid)
