/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's filesystem, set up by its init inside its new mount namespace. Every mount target
 * is resolved beneath the rootfs with openat2(RESOLVE_IN_ROOT) and mounted through the fd
 * (/proc/self/fd/N), so a symlink planted in the image cannot redirect a mount to the host
 * (CVE-2021-30465).
 */
#ifndef WARD_RUNTIME_ROOTFS_H
#define WARD_RUNTIME_ROOTFS_H

#include <stdbool.h>

#include "spec/config.h"

typedef struct rootfs_opts {
    const spec_config *cfg;
    const char *rootfs; /* absolute, canonical path of the rootfs on the host */
    bool no_pivot;      /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
    bool userns;        /* in a new user namespace: bind devices from the host, never mknod */
    bool kernel_ro;     /* force /proc/sys & co., sysfs and cgroupfs read-only (host config) */
} rootfs_opts;

/*
 * Step 1, before createContainer hooks: make / a slave/private, bind the rootfs onto itself, apply
 * rootfsPropagation, mount every spec mount (bind, rbind, tmpfs, proc, sysfs, mqueue, devpts,
 * cgroup, overlay...; all options and propagation flags; idmap where the kernel has it), create the
 * default devices and the spec's devices, /dev/ptmx -> pts/ptmx, /dev/fd, stdin/out/err symlinks.
 */
int rootfs_mount_all(const rootfs_opts *o, ward_err *err);

/*
 * Step 2, after createContainer hooks: pivot_root (or MS_MOVE + chroot), detach the old root,
 * masked paths (/dev/null over files, read-only empty tmpfs over dirs), readonly paths, readonly
 * root. The working directory is "/" afterwards.
 */
int rootfs_enter(const rootfs_opts *o, ward_err *err);

#endif
