/* SPDX-License-Identifier: Apache-2.0 */
/* One spec mount: resolve its target beneath the rootfs, mount, remount, propagation, attrs. */

#include "runtime/rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/base/cleanup.h"

#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

/* Flags that only a remount can put on a bind mount. */
#define BIND_REMOUNT_FLAGS (~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT))

static bool streq(const char *a, const char *b)
{
    return a != NULL && strcmp(a, b) == 0;
}

/* Clone the source tree, idmap it (detached mounts only), then attach it at target_fd. */
static int bind_idmapped(const spec_mount *m, int src_fd, int target_fd, const mount_opts *mo,
                         ward_err *err)
{
    cleanup_close int tree = -1;
    cleanup_close int userns = -1;
    unsigned tree_flags = OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH;

    if (mo->flags & MS_REC)
        tree_flags |= AT_RECURSIVE;
    userns = rootfs_idmap_userns(m, err);
    if (userns < 0)
        return -1;
    tree = rootfs_open_tree(src_fd, "", tree_flags);
    if (tree < 0)
        return ward_fail_errno(err, errno, "open_tree");
    if (rootfs_setattr(tree, (mo->extra & MOUNTOPT_RIDMAP) != 0, MOUNT_ATTR_IDMAP, 0, userns) < 0)
        return ward_fail_errno(err, errno, "mount_setattr idmap");
    if (rootfs_move_mount(tree, "", target_fd, "",
                          MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return ward_fail_errno(err, errno, "move_mount");
    return 0;
}

/* Bind the host path source onto dest (made a file or a directory like the source). */
static int do_bind(const spec_mount *m, int root_fd, const char *source, const mount_opts *mo,
                   ward_err *err)
{
    cleanup_close int src_fd = -1;
    cleanup_close int target_fd = -1;
    struct stat st;

    if (source == NULL || source[0] == '\0')
        return ward_fail(err, "bind mount without a source");
    /* The source is a host path: open it once and use the fd, so what we checked is what
     * gets mounted. */
    src_fd = open(source, O_PATH | O_CLOEXEC);
    if (src_fd < 0 || fstat(src_fd, &st) < 0)
        return ward_fail_errno(err, errno, "open source \"%s\"", source);
    target_fd = rootfs_mkpath(root_fd, m->destination, !S_ISDIR(st.st_mode), err);
    if (target_fd < 0)
        return -1;
    if (mo->extra & MOUNTOPT_IDMAP)
        return bind_idmapped(m, src_fd, target_fd, mo, err);
    if (mount(rootfs_procfd(src_fd).s, rootfs_procfd(target_fd).s, NULL,
              MS_BIND | (mo->flags & MS_REC), NULL) < 0)
        return ward_fail_errno(err, errno, "bind \"%s\"", source);
    return 0;
}

/* The devpts of a container is its own instance, with a ptmx anyone in it may open. */
static int devpts_data(const mount_opts *mo, char *buf, size_t size, const char **data)
{
    const char *d = mo->data ? mo->data : "";
    int n =
        snprintf(buf, size, "%s%s%s", d, mountopt_data_has(d, "newinstance") ? "" : ",newinstance",
                 mountopt_data_has(d, "ptmxmode") ? "" : ",ptmxmode=0666");
    if (n < 0 || (size_t)n >= size)
        return -1;
    *data = buf[0] == ',' ? buf + 1 : buf;
    return 0;
}

/* Where to bind from when a fresh instance is refused in a user namespace (crun does this). */
static const char *userns_fallback(const char *type)
{
    if (streq(type, "sysfs"))
        return "/sys";
    if (streq(type, "mqueue"))
        return "/dev/mqueue";
    return NULL;
}

static int do_fs_mount(const rootfs_opts *o, const spec_mount *m, int root_fd, mount_opts *mo,
                       ward_err *err)
{
    cleanup_close int target_fd = -1;
    cleanup_close int below_fd = -1;
    char devpts_buf[MOUNTOPT_DATA_MAX + 64];
    const char *data = mo->data;
    const char *source = m->source && m->source[0] ? m->source : m->type;
    const char *fallback;

    target_fd = rootfs_mkpath(root_fd, m->destination, false, err);
    if (target_fd < 0)
        return -1;
    if (streq(m->type, "devpts") && devpts_data(mo, devpts_buf, sizeof(devpts_buf), &data) < 0)
        return ward_fail(err, "devpts options too long");
    if (mo->extra & MOUNTOPT_TMPCOPYUP) {
        if (!streq(m->type, "tmpfs"))
            return ward_fail(err, "tmpcopyup: only for tmpfs");
        below_fd = openat(target_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (below_fd < 0)
            return ward_fail_errno(err, errno, "tmpcopyup: open");
    }
    if (mount(source, rootfs_procfd(target_fd).s, m->type, mo->flags, data) < 0) {
        int e = errno;
        fallback = userns_fallback(m->type);
        if (!(o->userns && e == EPERM && fallback != NULL))
            return ward_fail_errno(err, e, "mount %s", m->type);
        if (mount(fallback, rootfs_procfd(target_fd).s, NULL, MS_BIND | MS_REC, NULL) < 0)
            return ward_fail_errno(err, errno, "mount %s (bind %s in a user namespace)", m->type,
                                   fallback);
        mo->flags |= MS_BIND; /* so that the caller remounts it with the flags asked */
    }
    if (below_fd >= 0) {
        cleanup_close int new_fd = rootfs_resolve(root_fd, m->destination, O_RDONLY | O_DIRECTORY);
        if (new_fd < 0)
            return ward_fail_errno(err, -new_fd, "tmpcopyup: open tmpfs");
        if (rootfs_copy_tree(below_fd, new_fd, err) < 0)
            return ward_err_prefix(err, "tmpcopyup");
    }
    return 0;
}

/* After the mount exists: remount (binds), propagation, recursive attributes. */
static int finish_mount(const spec_mount *m, int root_fd, const mount_opts *mo, bool bind,
                        ward_err *err)
{
    cleanup_close int fd = -1;

    if (!bind && mo->n_propagation == 0 && mo->attr_set == 0 && mo->attr_clr == 0)
        return 0;
    /* Reopen: the fd from before the mount is the directory underneath it. */
    fd = rootfs_resolve(root_fd, m->destination, O_PATH);
    if (fd < 0)
        return ward_fail_errno(err, -fd, "reopen after mount");
    if (bind && ((mo->flags & BIND_REMOUNT_FLAGS) || mo->atime_set) &&
        rootfs_remount_bind(fd, mo->flags, mo->atime_set, err) < 0)
        return -1;
    for (size_t i = 0; i < mo->n_propagation; i++)
        if (mount(NULL, rootfs_procfd(fd).s, NULL, mo->propagation[i], NULL) < 0)
            return ward_fail_errno(err, errno, "set propagation");
    if ((mo->attr_set || mo->attr_clr) &&
        rootfs_setattr(fd, true, mo->attr_set, mo->attr_clr, -1) < 0)
        return ward_fail_errno(err, errno, "mount_setattr");
    return 0;
}

static int mount_one(const rootfs_opts *o, const spec_mount *m, int root_fd, mount_opts *mo,
                     ward_err *err)
{
    bool bind;

    if (m->destination == NULL || m->destination[0] == '\0')
        return ward_fail(err, "destination is required");
    if (streq(m->type, "bind") && !(mo->flags & MS_BIND))
        mo->flags |= MS_BIND | MS_REC;
    bind = (mo->flags & MS_BIND) != 0;
    if (!bind && (m->type == NULL || m->type[0] == '\0'))
        return ward_fail(err, "type is required for a mount that is not a bind mount");
    if (!bind && (streq(m->type, "cgroup") || streq(m->type, "cgroup2")))
        return rootfs_mount_cgroup(o, root_fd, m->destination, mo, err);
    if (!bind && (mo->extra & MOUNTOPT_IDMAP))
        return ward_fail(err, "idmap: only bind mounts can be idmapped");
    if (bind ? do_bind(m, root_fd, m->source, mo, err) : do_fs_mount(o, m, root_fd, mo, err))
        return -1;
    return finish_mount(m, root_fd, mo, (mo->flags & MS_BIND) != 0, err);
}

/*
 * Kernel interfaces whose files change the whole host when written from the host's user
 * namespace: sysfs (kernel and device settings) and the cgroup filesystems (a container could
 * raise its own limits). Without a user namespace of its own the container gets them read-only,
 * whatever the config's options say (ward's sandbox cannot be switched off by the config).
 */
static bool host_kernel_interface(const rootfs_opts *o, const spec_mount *m)
{
    return o->kernel_ro && !o->userns &&
           (streq(m->type, "sysfs") || streq(m->type, "cgroup") || streq(m->type, "cgroup2"));
}

int rootfs_mount_one(const rootfs_opts *o, int root_fd, size_t i, ward_err *err)
{
    const spec_mount *m = &o->cfg->mounts[i];
    mount_opts mo;
    int ret;

    ret = mountopt_parse(&m->options, &mo, err);
    if (ret == 0 && host_kernel_interface(o, m))
        mo.flags |= MS_RDONLY;
    if (ret == 0)
        ret = mount_one(o, m, root_fd, &mo, err);
    mountopt_clear(&mo);
    if (ret < 0)
        return ward_err_prefix(err, "mounts[%zu] (%s)", i,
                               m->destination ? m->destination : "(no destination)");
    return 0;
}
