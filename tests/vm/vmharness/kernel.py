# SPDX-License-Identifier: Apache-2.0
"""Fetch Debian's linux-image-amd64 kernel with apt-get download and unpack it into a cache.

The package is never installed: dpkg-deb -x unpacks it into CACHE/kernel-PKG_VERSION/, which later
runs reuse. The package ships no modules.dep (depmod runs at install time), so busybox depmod makes
one, and module dependencies are resolved from it.
"""
import os
import shutil
import subprocess
import sys
import tempfile

META_PACKAGE = "linux-image-amd64"


class HarnessError(Exception):
    """Something the harness needs is missing or broken (exit status 125)."""


def _run(args, cwd=None):
    try:
        res = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as e:
        raise HarnessError(f"{args[0]}: {e.strerror}") from e
    if res.returncode != 0:
        raise HarnessError(f"{' '.join(args)} failed (exit {res.returncode}): {res.stderr.strip()}")
    return res.stdout


def resolve_package():
    """Return (package, version) of the kernel image the meta package currently depends on."""
    image = None
    for line in _run(["apt-cache", "depends", "--no-recommends", META_PACKAGE]).splitlines():
        key, _, value = line.strip().partition(": ")
        if key in ("Depends", "|Depends") and value.startswith("linux-image-"):
            image = value.strip()
            break
    if image is None:
        raise HarnessError(f"apt-cache: {META_PACKAGE} depends on no linux-image package")
    for line in _run(["apt-cache", "show", "--no-all-versions", image]).splitlines():
        if line.startswith("Version: "):
            return image, line.split(": ", 1)[1].strip()
    raise HarnessError(f"apt-cache show {image}: no Version field")


class Kernel:
    """An unpacked kernel package: the bootable image and its modules."""

    def __init__(self, root):
        self.root = root
        moddirs = os.listdir(os.path.join(root, "lib/modules"))
        if len(moddirs) != 1:
            raise HarnessError(f"{root}: expected one lib/modules/VERSION, found {moddirs}")
        self.release = moddirs[0]
        self.moddir = os.path.join(root, "lib/modules", self.release)
        self.vmlinuz = os.path.join(root, "boot", "vmlinuz-" + self.release)
        self.key = os.path.basename(root)
        self._deps = self._read_modules_dep()
        self._builtin = self._read_builtin()

    @staticmethod
    def _name(path):
        """Module name of a .ko path: dashes and underscores are the same to the kernel."""
        return os.path.basename(path).split(".ko")[0].replace("-", "_")

    def _read_modules_dep(self):
        deps = {}
        with open(os.path.join(self.moddir, "modules.dep"), encoding="utf-8") as f:
            for line in f:
                mod, _, rest = line.partition(":")
                deps[self._name(mod)] = (mod.strip(), rest.split())
        return deps

    def _read_builtin(self):
        with open(os.path.join(self.moddir, "modules.builtin"), encoding="utf-8") as f:
            return {self._name(line.strip()) for line in f if line.strip()}

    def is_builtin(self, name):
        return name.replace("-", "_") in self._builtin

    def has_module(self, name):
        return name.replace("-", "_") in self._deps

    def load_order(self, names):
        """Relative .ko paths for NAMES and their dependencies, each after what it needs."""
        order, seen = [], set()

        def visit(name, chain):
            if name in seen:
                return
            if name not in self._deps:
                raise HarnessError(f"kernel {self.release}: no module {name} in modules.dep")
            if name in chain:
                raise HarnessError(f"module dependency loop: {' -> '.join(chain + [name])}")
            path, needs = self._deps[name]
            for dep in needs:
                visit(self._name(dep), chain + [name])
            seen.add(name)
            order.append(path)

        for name in names:
            n = name.replace("-", "_")
            if n not in self._builtin:
                visit(n, [])
        return order


def _unpack(cache, package, version, dest):
    work = tempfile.mkdtemp(prefix=".unpack-", dir=cache)
    try:
        # The sandbox option keeps apt from warning that _apt cannot write into a root-owned dir.
        _run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root",
              f"{package}={version}"], cwd=work)
        debs = [f for f in os.listdir(work) if f.endswith(".deb")]
        if len(debs) != 1:
            raise HarnessError(f"apt-get download {package}: expected one .deb, got {debs}")
        tree = os.path.join(work, "tree")
        _run(["dpkg-deb", "-x", os.path.join(work, debs[0]), tree])
        release = os.listdir(os.path.join(tree, "lib/modules"))[0]
        _run(["busybox", "depmod", "-b", tree, release])
        try:
            os.rename(tree, dest)
        except OSError:
            if not os.path.isdir(dest):  # else a parallel run unpacked it first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


APT_LISTS = "/var/lib/apt/lists"


def resolve_package_cached(cache):
    """resolve_package(), remembered until apt's package lists change (apt-cache costs ~2 s)."""
    try:
        stamp = str(os.stat(APT_LISTS).st_mtime_ns)
    except OSError:
        stamp = "none"
    memo = os.path.join(cache, "resolved")
    try:
        with open(memo, encoding="utf-8") as f:
            saved, package, version = f.read().split()
        if saved == stamp:
            return package, version
    except (OSError, ValueError):
        pass
    package, version = resolve_package()
    tmp = f"{memo}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"{stamp} {package} {version}\n")
    os.rename(tmp, memo)
    return package, version


def fetch(cache):
    """The kernel of the current linux-image-amd64, downloaded and unpacked on first use.

    WARD_VM_KERNEL_DIR=DIR uses an already unpacked package tree (with modules.dep) instead.
    """
    override = os.environ.get("WARD_VM_KERNEL_DIR")
    if override:
        return Kernel(override)
    os.makedirs(cache, exist_ok=True)
    package, version = resolve_package_cached(cache)
    dest = os.path.join(cache, f"kernel-{package}_{version}")
    if not os.path.isdir(dest):
        print(f"tests/vm/run: fetching {package} {version} into {cache}", file=sys.stderr)
        _unpack(cache, package, version, dest)
        for old in os.listdir(cache):  # a superseded kernel is 400 MB
            if old.startswith("kernel-") and old != os.path.basename(dest):
                shutil.rmtree(os.path.join(cache, old), ignore_errors=True)
    return Kernel(dest)
