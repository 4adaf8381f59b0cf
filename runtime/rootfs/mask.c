/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Masked and read-only paths, inside the container after pivot_root. Paths are resolved beneath
 * the container's root like mount targets, and every mount here is attached by fd with the new
 * mount API (open_tree/fsmount + move_mount), so this works whether or not /proc is mounted.
 */

#include "runtime/rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "spec/base/cleanup.h"

#define LOCKDOWN_ATTRS                                                                             \
    (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* Attach the detached mount tree onto the target fd. */
static int attach(int tree, int target, ward_err *err)
{
    if (rootfs_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
        0)
        return ward_fail_errno(err, errno, "move_mount");
    return 0;
}

/* Resolve path beneath root; 0 with *fd = -1 when there is nothing to act on. */
static int open_optional(int root_fd, const char *path, int *fd, ward_err *err)
{
    *fd = rootfs_resolve(root_fd, path, O_PATH);
    if (*fd >= 0)
        return 0;
    if (*fd == -ENOENT || *fd == -ENOTDIR || *fd == -EACCES) {
        *fd = -1;
        return 0;
    }
    return ward_fail_errno(err, -*fd, "resolve");
}

/* The container's /dev/null, checked to be the real device before we bind it anywhere. */
static int open_dev_null(int root_fd, ward_err *err)
{
    int fd = rootfs_resolve(root_fd, "/dev/null", O_PATH);
    struct stat st;

    if (fd < 0)
        return ward_fail_errno(err, -fd, "open /dev/null");
    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
        close(fd);
        return ward_fail(err, "/dev/null is not the null device");
    }
    return fd;
}

static int mask_one(int root_fd, int null_fd, const char *path, ward_err *err)
{
    cleanup_close int fd = -1;
    cleanup_close int tree = -1;
    struct stat st;

    if (open_optional(root_fd, path, &fd, err) < 0)
        return -1;
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) < 0)
        return ward_fail_errno(err, errno, "stat");
    if (S_ISDIR(st.st_mode))
        tree = rootfs_empty_tmpfs(LOCKDOWN_ATTRS);
    else
        tree = rootfs_open_tree(null_fd, "", OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH);
    if (tree < 0)
        return ward_fail_errno(err, errno, S_ISDIR(st.st_mode) ? "tmpfs" : "clone /dev/null");
    return attach(tree, fd, err);
}

int rootfs_mask_paths(const spec_config *cfg, int root_fd, ward_err *err)
{
    const spec_strv *paths = &cfg->linux_.masked_paths;
    cleanup_close int null_fd = -1;

    if (paths->len == 0)
        return 0;
    null_fd = open_dev_null(root_fd, err);
    if (null_fd < 0)
        return ward_err_prefix(err, "linux.maskedPaths");
    for (size_t i = 0; i < paths->len; i++)
        if (mask_one(root_fd, null_fd, paths->items[i], err) < 0)
            return ward_err_prefix(err, "linux.maskedPaths[%zu] (%s)", i, paths->items[i]);
    return 0;
}

/* A recursive clone of the path made read-only (and nosuid, nodev, noexec) mounted over it. */
int rootfs_readonly_beneath(int root_fd, const char *path, ward_err *err)
{
    cleanup_close int fd = -1;
    cleanup_close int tree = -1;

    if (open_optional(root_fd, path, &fd, err) < 0)
        return -1;
    if (fd < 0)
        return 0;
    tree = rootfs_open_tree(fd, "", OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (tree < 0)
        return ward_fail_errno(err, errno, "open_tree");
    if (rootfs_setattr(tree, true, LOCKDOWN_ATTRS, 0, -1) < 0)
        return ward_fail_errno(err, errno, "mount_setattr");
    return attach(tree, fd, err);
}

int rootfs_readonly_paths(const rootfs_opts *o, int root_fd, ward_err *err)
{
    const spec_strv *paths = &o->cfg->linux_.readonly_paths;

    for (size_t i = 0; i < paths->len; i++)
        if (rootfs_readonly_beneath(root_fd, paths->items[i], err) < 0)
            return ward_err_prefix(err, "linux.readonlyPaths[%zu] (%s)", i, paths->items[i]);
    return 0;
}
