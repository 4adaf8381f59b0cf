# SPDX-License-Identifier: Apache-2.0
"""Build the guest's initramfs: busybox-static, init.sh as /init and the kernel modules it loads.

The archive is an uncompressed newc cpio (decompressing costs more than reading it under software
emulation), cached as CACHE/initramfs-HASH.cpio where HASH covers every input.
"""
import hashlib
import os
import shutil
import subprocess
import tempfile
import time

from .kernel import HarnessError

BUSYBOX = "/bin/busybox"
INIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "init.sh")

# What the guest needs; dependencies (virtio_ring, netfs, jbd2, crc16, ...) come from modules.dep.
MODULES = [
    "virtio_pci",  # virtio over PCI: 9p, serial ports, rng
    "virtio_console",  # the stdout/stderr ports
    "virtio_rng",  # entropy, so getrandom() does not stall under emulation
    "9pnet_virtio",
    "9p",  # the host root and the run dir
    "overlay",  # the writable root over the read-only host root
    "loop",
    "dm_mod",
    "dm_crypt",
    "ecb",
    "xts",  # aes-xts-plain64, the LUKS2 default
    "algif_skcipher",  # cryptsetup's kernel crypto backend
    "algif_hash",
    "crc32c_generic",  # ext4 and jbd2 checksums; requested at mount time, not a hard dependency
    "ext4",
]
# Built into Debian's kernel today; loaded as modules if a later kernel splits them out.
OPTIONAL_MODULES = ["tpm", "tpm_tis_core", "tpm_tis",
                    # ward's volumes: integrity (LUKS2 hmac(sha256) + aes-xts) and xfs
                    "dm_integrity", "authenc", "xfs"]


def module_list(kernel):
    wanted = MODULES + [m for m in OPTIONAL_MODULES if kernel.has_module(m)]
    return kernel.load_order(wanted)


def _sha256_file(path, h):
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)


def _prune(cache, keep, age=3600):
    """Drop initramfs files of other inputs once no run can still be about to boot them."""
    for name in os.listdir(cache):
        path = os.path.join(cache, name)
        if name.startswith("initramfs-") and path != keep:
            try:
                if time.time() - os.stat(path).st_mtime > age:
                    os.unlink(path)
            except FileNotFoundError:
                pass


def build(kernel, cache):
    """Path of the initramfs for KERNEL, building it if no cached one matches."""
    if not os.access(BUSYBOX, os.X_OK):
        raise HarnessError(f"{BUSYBOX} missing: install busybox-static")
    modules = module_list(kernel)
    h = hashlib.sha256(kernel.key.encode())
    h.update("\n".join(modules).encode())
    for path in (BUSYBOX, INIT):
        _sha256_file(path, h)
    out = os.path.join(cache, f"initramfs-{h.hexdigest()[:16]}.cpio")
    if os.path.exists(out):
        return out
    work = tempfile.mkdtemp(prefix=".initramfs-", dir=cache)
    try:
        tree = os.path.join(work, "tree")
        os.makedirs(os.path.join(tree, "bin"))
        shutil.copy(BUSYBOX, os.path.join(tree, "bin/busybox"))
        shutil.copy(INIT, os.path.join(tree, "init"))
        os.chmod(os.path.join(tree, "init"), 0o755)
        for ko in modules:
            dest = os.path.join(tree, "lib/modules", ko)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy(os.path.join(kernel.moddir, ko), dest)
        with open(os.path.join(tree, "modules.load"), "w", encoding="utf-8") as f:
            f.write("".join(ko + "\n" for ko in modules))
        files = subprocess.run(["find", ".", "-print0"], cwd=tree, capture_output=True,
                               check=True).stdout
        tmp = os.path.join(work, "initramfs.cpio")
        with open(tmp, "wb") as f:
            res = subprocess.run(["cpio", "--null", "--create", "--format=newc", "--quiet",
                                  "--owner=0:0"], cwd=tree, input=files, stdout=f,
                                 stderr=subprocess.PIPE, check=False)
        if res.returncode != 0:
            raise HarnessError(f"cpio failed: {res.stderr.decode(errors='replace').strip()}")
        os.rename(tmp, out)
        _prune(cache, keep=out)
    except OSError as e:
        raise HarnessError(f"building the initramfs: {e}") from e
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out
