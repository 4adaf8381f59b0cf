# SPDX-License-Identifier: Apache-2.0
"""Encrypted volumes with real dm-crypt. Not collected on the host (no device-mapper there):
tests/vm/test_vm_volumes.py runs it as
    tests/vm/run -- python3 -m pytest tests/integration/volumes_dm.py
Data at rest is ciphertext, the key is nowhere on disk, nothing survives delete, volumes of two
containers are apart, and integrity detects a flipped byte."""

import glob
import os
import subprocess
import time

import pytest

VOLDIR = "/var/lib/ward/volumes"
SECRET = "ward-volume-secret-marker-7f3a"


@pytest.fixture(autouse=True)
def _device_mapper():
    assert os.path.exists("/dev/mapper/control"), "no device-mapper: run this in tests/vm"


def _volume_bundle(ctx, script, spec="/scratch,size=64M", name="scratch"):
    b = ctx.bundle(script=script)
    b.config.setdefault("annotations", {})[f"ward.volume.{name}"] = spec
    return b


def _dm_devices():
    """The device-mapper devices by the kernel's word (/dev/mapper may be stale without udev)."""
    names = set()
    for f in glob.glob("/sys/block/dm-*/dm/name"):
        with open(f) as fh:
            names.add(fh.read().strip())
    return names


def _loops_on(path_prefix):
    out = []
    for f in glob.glob("/sys/block/loop*/loop/backing_file"):
        with open(f) as fh:
            if fh.read().strip().startswith(path_prefix):
                out.append(f)
    return out


def _run_and_hold(ctx, b):
    """Create and start a container that writes SECRET to its volume and then waits."""
    cid = ctx.new_id()
    ctx.create(cid, b)
    ctx.rt.start(cid)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if ctx.rt.call("exec", cid, "test", "-e", "/scratch/done").rc == 0:
            return cid
        time.sleep(0.1)
    raise AssertionError("the container did not write its volume")


def test_ciphertext_at_rest_key_nowhere_nothing_left(ctx):
    b = _volume_bundle(ctx, f"echo {SECRET} > /scratch/file; sync; touch /scratch/done; "
                            "sleep 60")
    dm_before = _dm_devices()
    cid = _run_and_hold(ctx, b)
    vdir = os.path.join(VOLDIR, cid)
    backing = os.path.join(vdir, "scratch.img")
    assert os.path.isfile(backing)
    # the container sees its data; the backing file holds only ciphertext
    assert SECRET in ctx.rt.call("exec", cid, "cat", "/scratch/file").out
    subprocess.run(["sync"], check=True)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3")
    with open(backing, "rb") as f:
        assert SECRET.encode() not in f.read()
    # the volume is a LUKS2 aes-xts dm-crypt device on a loop device over the backing file
    new = _dm_devices() - dm_before
    assert len(new) == 1, new
    dm = new.pop()
    table = subprocess.run(["dmsetup", "table", "--showkeys", dm], capture_output=True,
                           text=True, check=True).stdout.split()
    assert table[2] == "crypt" and table[3] == "aes-xts-plain64", table
    key_hex = table[4]
    assert len(key_hex) == 128 and set(key_hex) != {"0"}
    # the key is nowhere on disk: not in the state dir, the logs, the volume directory
    key_raw = bytes.fromhex(key_hex)
    for d in (ctx.rt.root, ctx.rt.workdir, vdir):
        for dirpath, _, files in os.walk(d):
            for fn in files:
                p = os.path.join(dirpath, fn)
                if not os.path.isfile(p) or os.path.getsize(p) > 256 << 20:
                    continue
                with open(p, "rb") as f:
                    data = f.read()
                assert key_hex.encode() not in data.lower() and key_raw not in data, p
    # ward state records the volume among the protections
    vols = ctx.rt.state(cid)["ward"]["protections"]["volumes"]
    assert vols == [{"name": "scratch", "destination": "/scratch", "size": 64 << 20,
                     "fs": "ext4", "encryption": "luks2 aes-xts-plain64 512-bit ephemeral key",
                     "integrity": "none", "persist": False}], vols
    # delete: mount, dm device, loop device, backing file and directory all gone
    res = ctx.rt.call("delete", "--force", cid)
    assert res.rc == 0, res
    assert dm not in _dm_devices()
    assert not os.path.exists(vdir)
    assert not _loops_on(vdir)
    with open("/proc/self/mountinfo") as f:
        assert vdir not in f.read()


def test_two_containers_same_volume_name_are_apart(ctx):
    a = _run_and_hold(ctx, _volume_bundle(ctx, "echo from-a > /scratch/mine; touch /scratch/done; "
                                               "sleep 60"))
    b = _run_and_hold(ctx, _volume_bundle(ctx, "touch /scratch/done; sleep 60"))
    assert "from-a" in ctx.rt.call("exec", a, "cat", "/scratch/mine").out
    res = ctx.rt.call("exec", b, "ls", "/scratch")
    assert res.rc == 0 and "mine" not in res.out, res
    for cid in (a, b):
        assert ctx.rt.call("delete", "--force", cid).rc == 0
    assert not os.listdir(VOLDIR) if os.path.isdir(VOLDIR) else True


def test_xfs_and_nonroot_owner(ctx):
    b = _volume_bundle(ctx, "id -u > /scratch/who; touch /scratch/done; sleep 60",
                       spec="/scratch,size=320M,fs=xfs")
    b.config["process"]["user"] = {"uid": 1000, "gid": 1000}
    cid = _run_and_hold(ctx, b)
    assert ctx.rt.call("exec", cid, "cat", "/scratch/who").out.strip() == "1000"
    mounts = ctx.rt.call("exec", cid, "cat", "/proc/self/mountinfo").out
    line = next(l for l in mounts.splitlines() if " /scratch " in l)
    assert " - xfs " in line and "nosuid" in line and "nodev" in line, line
    assert ctx.rt.call("delete", "--force", cid).rc == 0


def test_integrity_detects_a_flipped_byte(ctx):
    b = _volume_bundle(ctx, "dd if=/dev/zero of=/scratch/fill bs=1M count=8 2>/dev/null; sync; "
                            "touch /scratch/done; sleep 60",
                       spec="/scratch,size=64M,integrity")
    dm_before = _dm_devices()
    cid = _run_and_hold(ctx, b)
    dm = (_dm_devices() - dm_before)
    crypt = [d for d in dm if not d.endswith("_dif")]
    assert len(crypt) == 1, dm
    assert ctx.rt.state(cid)["ward"]["protections"]["volumes"][0]["integrity"] == "hmac(sha256)"
    # a clean read of the whole device works
    dev = f"/dev/mapper/{crypt[0]}"
    ok = subprocess.run(["dd", f"if={dev}", "of=/dev/null", "bs=1M", "iflag=direct"],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    # flip bytes across the data area of the backing file (behind the 16 MiB LUKS2 header)
    backing = os.path.join(VOLDIR, cid, "scratch.img")
    with open(backing, "r+b") as f:
        for off in range(20 << 20, 40 << 20, 1 << 20):
            f.seek(off)
            byte = f.read(1)
            f.seek(off)
            f.write(bytes([byte[0] ^ 0xFF]))
        f.flush()
        os.fsync(f.fileno())
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3")
    bad = subprocess.run(["dd", f"if={dev}", "of=/dev/null", "bs=1M", "iflag=direct"],
                         capture_output=True, text=True)
    # dm-integrity answers EILSEQ ("Invalid or incomplete multibyte...") or EIO
    assert bad.returncode != 0 and ("Input/output error" in bad.stderr or
                                    "Invalid or incomplete multibyte" in bad.stderr), bad.stderr
    assert ctx.rt.call("delete", "--force", cid).rc == 0
    assert not (set(dm) & _dm_devices())


def test_persist_is_refused_not_downgraded(ctx):
    b = _volume_bundle(ctx, "true", spec="/scratch,size=64M,persist")
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    b.write()
    res = ctx.rt.call("create", "--bundle", b.path, cid)
    assert res.rc != 0 and "persist" in res.err and "never downgrades" in res.err, res
    assert not os.path.exists(os.path.join(VOLDIR, cid))


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.5, 4.0])
def test_delete_force_cleans_what_a_crash_left(ctx, delay):
    """SIGKILL ward at moments of a volume's setup (backing file, loop device, LUKS format,
    dm-crypt, integrity wipe, mkfs), then delete --force: nothing of the volume is left."""
    b = _volume_bundle(ctx, "true", spec="/scratch,size=64M,integrity")
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    b.write()
    dm_before = _dm_devices()
    vdir = os.path.join(VOLDIR, cid)
    proc, _, _ = ctx.rt.spawn("create", "--bundle", b.path, cid)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not os.path.exists(os.path.join(vdir, "scratch.img")):
        time.sleep(0.005)
    time.sleep(delay)
    proc.kill()
    assert proc.wait() == -9, "ward finished before the kill: no crash was tested"
    res = ctx.rt.call("delete", "--force", cid)
    assert res.rc == 0, res
    assert not (_dm_devices() - dm_before)
    assert not os.path.exists(vdir)
    assert not _loops_on(vdir)


def _ward_fault(ctx):
    binary = os.path.join(os.path.dirname(ctx.rt.binary), "tests", "ward-fault")
    assert os.access(binary, os.X_OK), f"{binary} missing: `make` builds it"
    return binary


def _fault_call(ctx, step, *args):
    env = dict(os.environ, WARD_FAULT=step)
    return subprocess.run([_ward_fault(ctx), "--root", ctx.rt.root, *args], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def _nothing_left(dm_before, vdir):
    assert not (_dm_devices() - dm_before)
    assert not os.path.exists(vdir)
    assert not _loops_on(vdir)
    with open("/proc/self/mountinfo") as f:
        assert vdir not in f.read()


# the named steps of tests/integration/test_fault_points.py's VOLUME_STEPS
CREATE_STEPS = ["volume:backing-made", "volume:loop-attached", "volume:formatted",
                "volume:opened", "volume:mkfs-done", "volume:mounted"]
DELETE_STEPS = ["volume:unmounted", "volume:dm-closed", "volume:loop-detached",
                "volume:header-erased"]


@pytest.mark.parametrize("step", CREATE_STEPS)
def test_create_killed_at_each_volume_step(ctx, step):
    """ward SIGKILLed at each named step of a volume's setup (integrity on, so every step is
    there), then delete --force: nothing of the volume or the container is left."""
    b = _volume_bundle(ctx, "true", spec="/scratch,size=48M,integrity")
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    b.write()
    ctx.rt._track(cid)
    dm_before = _dm_devices()
    r = _fault_call(ctx, step, "create", "--bundle", b.path, cid)
    assert r.returncode == -9, f"ward-fault did not stop at {step}: {r.returncode} {r.stderr}"
    res = ctx.rt.call("delete", "--force", cid)
    assert res.rc == 0, res
    _nothing_left(dm_before, os.path.join(VOLDIR, cid))


@pytest.mark.parametrize("step", DELETE_STEPS)
def test_delete_killed_at_each_volume_step(ctx, step):
    """A container with a volume, its delete SIGKILLed at each named step of the teardown, then
    delete --force again: nothing is left."""
    dm_before = _dm_devices()
    cid = _run_and_hold(ctx, _volume_bundle(ctx, "touch /scratch/done; sleep 60"))
    r = _fault_call(ctx, step, "delete", "--force", cid)
    assert r.returncode == -9, f"ward-fault did not stop at {step}: {r.returncode} {r.stderr}"
    res = ctx.rt.call("delete", "--force", cid)
    assert res.rc == 0, res
    _nothing_left(dm_before, os.path.join(VOLDIR, cid))


def test_delete_force_removes_a_lone_integrity_device(ctx):
    """A crash between activating dm-integrity ("<name>_dif") and the crypt device above it
    leaves the integrity device alone; delete --force removes it too."""
    b = _volume_bundle(ctx, "true", spec="/scratch,size=48M,integrity")
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    b.write()
    ctx.rt._track(cid)
    dm_before = _dm_devices()
    r = _fault_call(ctx, "volume:opened", "create", "--bundle", b.path, cid)
    assert r.returncode == -9, r.stderr
    crypt = [d for d in _dm_devices() - dm_before if not d.endswith("_dif")]
    assert len(crypt) == 1 and f"{crypt[0]}_dif" in _dm_devices()
    subprocess.run(["dmsetup", "remove", crypt[0]], check=True)   # the crash's leftover
    assert _dm_devices() - dm_before == {f"{crypt[0]}_dif"}
    res = ctx.rt.call("delete", "--force", cid)
    assert res.rc == 0, res
    _nothing_left(dm_before, os.path.join(VOLDIR, cid))
