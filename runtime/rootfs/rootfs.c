/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Step 1 of the container's filesystem (crun's order): propagation of "/", the rootfs bound onto
 * itself so that it is a mount point, every spec mount in order, then /dev.
 */

#include "runtime/rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "spec/base/cleanup.h"

int rootfs_propagation(const spec_config *cfg, unsigned long *flags, ward_err *err)
{
    const char *name = cfg->linux_.rootfs_propagation;

    if (name == NULL || name[0] == '\0') {
        /* runc's default: host mounts made later still reach rslave binds, nothing flows back */
        *flags = MS_SLAVE | MS_REC;
        return 0;
    }
    if (mountopt_propagation(name, flags) < 0)
        return ward_fail(err,
                         "linux.rootfsPropagation: \"%s\" is not one of shared, slave, "
                         "private, unbindable (or their r-forms)",
                         name);
    return 0;
}

/*
 * pivot_root and MS_MOVE refuse a mount whose parent mount is shared: make the mount that holds
 * the rootfs directory private, walking up to find it (the first path that is a mount point).
 */
static int make_parent_mount_private(const char *rootfs, ward_err *err)
{
    cleanup_close int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        return ward_fail_errno(err, errno, "open rootfs %s", rootfs);
    for (int depth = 0; depth < 4096; depth++) {
        int parent;

        if (mount(NULL, rootfs_procfd(fd).s, NULL, MS_PRIVATE, NULL) == 0)
            return 0;
        if (errno != EINVAL)
            return ward_fail_errno(err, errno, "make the mount of %s private", rootfs);
        parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (parent < 0)
            return ward_fail_errno(err, errno, "make the mount of %s private", rootfs);
        close(fd);
        fd = parent;
    }
    return ward_fail(err, "make the mount of %s private: no mount point found", rootfs);
}

static int prepare_root(const rootfs_opts *o, ward_err *err)
{
    unsigned long propagation;

    if (rootfs_propagation(o->cfg, &propagation, err) < 0)
        return -1;
    if (mount(NULL, "/", NULL, propagation, NULL) < 0)
        return ward_fail_errno(err, errno, "linux.rootfsPropagation: set on /");
    if (make_parent_mount_private(o->rootfs, err) < 0)
        return -1;
    if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return ward_fail_errno(err, errno, "bind the rootfs %s onto itself", o->rootfs);
    return 0;
}

static bool is_root(const char *path)
{
    path += strspn(path, "/");
    return *path == '\0';
}

int rootfs_mount_all(const rootfs_opts *o, ward_err *err)
{
    const spec_config *cfg;
    cleanup_close int root_fd = -1;

    if (o == NULL || o->cfg == NULL || o->rootfs == NULL || o->rootfs[0] != '/')
        return ward_fail(err, "rootfs: an absolute rootfs path is required");
    cfg = o->cfg;
    if (prepare_root(o, err) < 0)
        return -1;
    /* Opened after the bind: every mount below goes onto the new mount, beneath this fd. */
    root_fd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        return ward_fail_errno(err, errno, "open rootfs %s", o->rootfs);
    for (size_t i = 0; i < cfg->n_mounts; i++) {
        const char *dest = cfg->mounts[i].destination;
        if (dest != NULL && is_root(dest))
            return ward_fail(err, "mounts[%zu] (%s): cannot mount over the root", i, dest);
        if (rootfs_mount_one(o, root_fd, i, err) < 0)
            return -1;
    }
    return rootfs_make_devices(o, root_fd, err);
}
