# SPDX-License-Identifier: Apache-2.0
"""What a runtime may leave behind on the host: mounts, cgroup directories, processes."""

import os

CGROUP_ROOT = "/sys/fs/cgroup"


def mountinfo(pid="self"):
    """[(mount_id, mount_point, fstype, source)] from /proc/PID/mountinfo."""
    entries = []
    with open(f"/proc/{pid}/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields = left.split()
            rfields = right.split()
            point = fields[4].encode().decode("unicode_escape")
            entries.append((fields[0], point, rfields[0], rfields[1] if len(rfields) > 1 else ""))
    return entries


def mount_points(pid="self"):
    return {m[1] for m in mountinfo(pid)}


def mount_ids(pid="self"):
    return {(m[0], m[1]) for m in mountinfo(pid)}


def new_mounts(before, after=None, ignore_prefixes=()):
    """Mount entries in `after` (default: now) that were not in `before` (both from mount_ids()),
    ignoring mount points under any of ignore_prefixes (other processes on a shared host)."""
    after = mount_ids() if after is None else after
    added = sorted(after - before, key=lambda m: m[1])
    return [m for m in added if not any(_under(m[1], p) for p in ignore_prefixes)]


def mounts_under(prefix):
    """Mount points at or below prefix in this mount namespace."""
    return sorted(p for p in mount_points() if _under(p, prefix))


def _under(path, prefix):
    prefix = prefix.rstrip("/") or "/"
    return path == prefix or path.startswith(prefix + "/") or prefix == "/"


def cgroup_hierarchies():
    """Mounted cgroup hierarchies: {name: mount point}; name is the controller list (v1) or
    'unified' for cgroup2."""
    found = {}
    for _, point, fstype, _ in mountinfo():
        if fstype in ("cgroup", "cgroup2") and point.startswith(CGROUP_ROOT + "/"):
            found[os.path.basename(point)] = point
    if not found and os.path.exists(os.path.join(CGROUP_ROOT, "cgroup.controllers")):
        found["unified"] = CGROUP_ROOT
    return found


def cgroup_dirs(cgroups_path):
    """Existing directories for an absolute cgroupsPath in every mounted hierarchy."""
    rel = cgroups_path.lstrip("/")
    return [p for p in (os.path.join(m, rel) for m in cgroup_hierarchies().values())
            if os.path.isdir(p)]


def cgroup_file(controller, cgroups_path, name):
    """Path of a v1 controller file for an absolute cgroupsPath."""
    return os.path.join(CGROUP_ROOT, controller, cgroups_path.lstrip("/"), name)


def remove_cgroup_tree(cgroups_path):
    """rmdir a cgroup (and its children, depth first) in every hierarchy; for test teardown."""
    for top in cgroup_dirs(cgroups_path):
        for dirpath, _, _ in sorted(os.walk(top), key=lambda w: -len(w[0])):
            try:
                os.rmdir(dirpath)
            except OSError:
                pass


def ns_inode(kind, pid="self"):
    """The inode in /proc/PID/ns/KIND, e.g. 'net:[4026531840]' -> 4026531840."""
    link = os.readlink(f"/proc/{pid}/ns/{kind}")
    return int(link.split("[")[1].rstrip("]"))
