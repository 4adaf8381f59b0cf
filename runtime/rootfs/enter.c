/* SPDX-License-Identifier: Apache-2.0 */
/* Step 2: switch to the rootfs (pivot_root or MS_MOVE + chroot), then lock it down. */

#include "runtime/rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "spec/base/cleanup.h"

/*
 * pivot_root(".", "."): the old root ends up mounted on top of the new one, at "."; detaching it
 * leaves the rootfs as "/". No directory is needed inside the rootfs for the old root.
 */
static int do_pivot(int rootfs_fd, ward_err *err)
{
    if (fchdir(rootfs_fd) < 0)
        return ward_fail_errno(err, errno, "chdir to the rootfs");
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return ward_fail_errno(err, errno, "pivot_root");
    /* The old root may share propagation with the host: unmounting it must not reach there. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return ward_fail_errno(err, errno, "make the old root a slave");
    if (umount2(".", MNT_DETACH) < 0)
        return ward_fail_errno(err, errno, "detach the old root");
    return 0;
}

/* Unmount a host mount we move away from; a locked one is covered by an empty tmpfs instead. */
static int unmount_or_hide(const char *path, ward_err *err)
{
    if (umount2(path, MNT_DETACH) == 0 || errno == ENOENT)
        return 0;
    if (errno == EINVAL && mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k") == 0)
        return 0;
    return ward_fail_errno(err, errno, "unmount %s", path);
}

/* --no-pivot (e.g. a rootfs on initramfs): the rootfs is moved over "/" and chrooted into. */
static int do_move_root(int rootfs_fd, ward_err *err)
{
    if (fchdir(rootfs_fd) < 0)
        return ward_fail_errno(err, errno, "chdir to the rootfs");
    /* Nothing of the host's /proc and /sys stays reachable under the new root (crun does so). */
    if (unmount_or_hide("/sys", err) < 0 || unmount_or_hide("/proc", err) < 0)
        return -1;
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
        return ward_fail_errno(err, errno, "move the rootfs to /");
    if (chroot(".") < 0)
        return ward_fail_errno(err, errno, "chroot");
    return 0;
}

int rootfs_enter(const rootfs_opts *o, ward_err *err)
{
    cleanup_close int rootfs_fd = -1;
    cleanup_close int root_fd = -1;
    cleanup_close int proc_self = -1;
    unsigned long propagation;

    if (o == NULL || o->cfg == NULL || o->rootfs == NULL)
        return ward_fail(err, "rootfs: no configuration");
    if (rootfs_propagation(o->cfg, &propagation, err) < 0)
        return -1;
    rootfs_fd = open(o->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfs_fd < 0)
        return ward_fail_errno(err, errno, "open rootfs %s", o->rootfs);
    /* the container's mount table, read after pivot_root, whether or not it mounts a /proc */
    proc_self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (proc_self < 0)
        return ward_fail_errno(err, errno, "open /proc/self");
    if ((o->no_pivot ? do_move_root(rootfs_fd, err) : do_pivot(rootfs_fd, err)) < 0)
        return -1;
    if (chdir("/") < 0)
        return ward_fail_errno(err, errno, "chdir /");
    if (mount(NULL, "/", NULL, propagation, NULL) < 0)
        return ward_fail_errno(err, errno, "linux.rootfsPropagation: set on /");
    root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return ward_fail_errno(err, errno, "open /");
    if (rootfs_mask_paths(o->cfg, root_fd, err) < 0 || rootfs_readonly_paths(o, root_fd, err) < 0 ||
        rootfs_lock_kernel_interfaces(o, root_fd, proc_self, err) < 0)
        return -1;
    /* The root mount itself last (crun's order): only its top mount, as a bind remount would;
     * mount_setattr needs no path, so it works without /proc. */
    if (o->cfg->root.readonly && rootfs_setattr(root_fd, false, MOUNT_ATTR_RDONLY, 0, -1) < 0)
        return ward_fail_errno(err, errno, "root.readonly: make / read-only");
    return 0;
}
