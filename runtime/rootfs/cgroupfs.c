/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A "cgroup" mount. cgroup v2: a cgroup2 instance when the container has its own cgroup
 * namespace (the namespace makes its cgroup the root), else a bind of its own cgroup directory.
 * cgroup v1 and hybrid, as runc does: a tmpfs with one directory per host hierarchy, each a fresh
 * instance (cgroup namespace) or a bind of the container's cgroup in that hierarchy.
 */

#include "runtime/rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "spec/base/cleanup.h"
#include "spec/base/mountinfo.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

typedef struct hierarchy {
    char mountpoint[PATH_MAX]; /* e.g. /sys/fs/cgroup/cpu,cpuacct */
    char root[PATH_MAX];       /* the cgroup mounted there, usually "/" */
    char fstype[16];           /* cgroup or cgroup2 */
    char opts[512];            /* super options: "rw,cpu,cpuacct" */
} hierarchy;

static bool has_cgroupns(const spec_config *cfg)
{
    for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
        if (cfg->linux_.namespaces[i].type == SPEC_NS_CGROUP)
            return true;
    return false;
}

/* Parse a mountinfo line into h; 0 when it is a cgroup hierarchy directly under CGROUP_ROOT. */
static int parse_hierarchy(char *line, hierarchy *h)
{
    mountinfo_line mi;

    if (mountinfo_parse_line(line, &mi) < 0 ||
        (strcmp(mi.fstype, "cgroup") != 0 && strcmp(mi.fstype, "cgroup2") != 0))
        return -1;
    if (strncmp(mi.mountpoint, CGROUP_ROOT "/", sizeof(CGROUP_ROOT)) != 0 ||
        strchr(mi.mountpoint + sizeof(CGROUP_ROOT), '/') != NULL)
        return -1;
    if (snprintf(h->mountpoint, sizeof(h->mountpoint), "%s", mi.mountpoint) >=
            (int)sizeof(h->mountpoint) ||
        snprintf(h->root, sizeof(h->root), "%s", mi.root) >= (int)sizeof(h->root) ||
        snprintf(h->opts, sizeof(h->opts), "%s", mi.superopts) >= (int)sizeof(h->opts))
        return -1;
    snprintf(h->fstype, sizeof(h->fstype), "%s", mi.fstype);
    return 0;
}

static bool opts_have(const char *opts, const char *word)
{
    return mountopt_data_has(opts, word) != 0;
}

/* Whether every controller of a /proc/self/cgroup line (e.g. "cpu,cpuacct") is mounted at h. */
static bool line_matches(const hierarchy *h, char *controllers)
{
    char *save = NULL;
    if (strcmp(h->fstype, "cgroup2") == 0)
        return controllers[0] == '\0';
    if (controllers[0] == '\0')
        return false;
    for (char *c = strtok_r(controllers, ",", &save); c; c = strtok_r(NULL, ",", &save))
        if (!opts_have(h->opts, c))
            return false;
    return true;
}

/* The init's own cgroup in hierarchy h, from /proc/self/cgroup. */
static int own_cgroup(const hierarchy *h, char *out, size_t size, ward_err *err)
{
    cleanup_fclose FILE *f = fopen("/proc/self/cgroup", "re");
    char line[PATH_MAX + 256];

    if (f == NULL)
        return ward_fail_errno(err, errno, "open /proc/self/cgroup");
    while (fgets(line, sizeof(line), f)) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (c2 == NULL)
            continue;
        *c2 = '\0';
        c2[1 + strcspn(c2 + 1, "\n")] = '\0';
        if (line_matches(h, c1 + 1)) {
            if (snprintf(out, size, "%s", c2 + 1) >= (int)size)
                return ward_fail_errno(err, ENAMETOOLONG, "cgroup path");
            return 0;
        }
    }
    return ward_fail(err, "%s: no entry in /proc/self/cgroup", h->mountpoint);
}

/* Bind the host directory path onto dst_fd (recursively, as runc does). */
static int bind_host_dir(const char *path, int dst_fd, ward_err *err)
{
    cleanup_close int src = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (src < 0)
        return ward_fail_errno(err, errno, "open %s", path);
    if (mount(rootfs_procfd(src).s, rootfs_procfd(dst_fd).s, NULL, MS_BIND | MS_REC, NULL) < 0)
        return ward_fail_errno(err, errno, "bind %s", path);
    return 0;
}

/* The host directory of the container's cgroup in h: mountpoint + (own path - mount root). */
static int host_cgroup_dir(const hierarchy *h, char *out, size_t size, ward_err *err)
{
    char own[PATH_MAX];
    size_t rl = strlen(h->root);
    const char *rel;

    if (own_cgroup(h, own, sizeof(own), err) < 0)
        return -1;
    if (strcmp(h->root, "/") == 0)
        rel = own;
    else if (strncmp(own, h->root, rl) == 0 && (own[rl] == '/' || own[rl] == '\0'))
        rel = own + rl;
    else
        return ward_fail(err, "%s: cgroup %s is outside the mounted root %s", h->mountpoint, own,
                         h->root);
    if (snprintf(out, size, "%s%s", h->mountpoint, rel) >= (int)size)
        return ward_fail_errno(err, ENAMETOOLONG, "cgroup path");
    return 0;
}

/* The controllers in super options: everything but rw/ro and the flags the kernel shows. */
static void controllers_of(const hierarchy *h, char *out, size_t size)
{
    char buf[sizeof(h->opts)], *save = NULL;
    size_t used = 0;

    snprintf(buf, sizeof(buf), "%s", h->opts);
    out[0] = '\0';
    for (char *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (!strcmp(o, "rw") || !strcmp(o, "ro") || !strncmp(o, "release_agent=", 14) ||
            !strcmp(o, "clone_children") || !strcmp(o, "noprefix") || !strcmp(o, "xattr"))
            continue;
        used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "," : "", o);
        if (used >= size)
            break;
    }
}

static int mount_hierarchy(const hierarchy *h, bool cgroupns, int tmpfs_fd, unsigned long flags,
                           ward_err *err)
{
    const char *name = h->mountpoint + sizeof(CGROUP_ROOT);
    char path[PATH_MAX];
    cleanup_close int dst = -1;

    if (mkdirat(tmpfs_fd, name, 0755) < 0 && errno != EEXIST)
        return ward_fail_errno(err, errno, "mkdir %s", name);
    dst = openat(tmpfs_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dst < 0)
        return ward_fail_errno(err, errno, "open %s", name);
    if (cgroupns) {
        controllers_of(h, path, sizeof(path));
        if (mount(h->fstype, rootfs_procfd(dst).s, h->fstype, flags,
                  strcmp(h->fstype, "cgroup") == 0 ? path : NULL) < 0)
            return ward_fail_errno(err, errno, "mount %s %s", h->fstype, path);
        return 0;
    }
    if (host_cgroup_dir(h, path, sizeof(path), err) < 0 || bind_host_dir(path, dst, err) < 0)
        return -1;
    close(dst);
    /* The tmpfs is ours and name has no '/': reopening by name finds the new mount. */
    dst = openat(tmpfs_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dst < 0)
        return ward_fail_errno(err, errno, "reopen %s", name);
    return rootfs_remount_bind(dst, flags, 0, err);
}

static int mount_v1(const spec_config *cfg, int root_fd, const char *dest, unsigned long flags,
                    ward_err *err)
{
    cleanup_close int target = rootfs_mkpath(root_fd, dest, false, err);
    cleanup_close int tmpfs_fd = -1;
    cleanup_fclose FILE *mi = NULL;
    char line[3 * PATH_MAX];
    hierarchy h;

    if (target < 0)
        return -1;
    if (mount("tmpfs", rootfs_procfd(target).s, "tmpfs", (flags & ~MS_RDONLY), "mode=755") < 0)
        return ward_fail_errno(err, errno, "mount tmpfs");
    tmpfs_fd = rootfs_resolve(root_fd, dest, O_PATH | O_DIRECTORY);
    if (tmpfs_fd < 0)
        return ward_fail_errno(err, -tmpfs_fd, "reopen tmpfs");
    mi = fopen("/proc/self/mountinfo", "re");
    if (mi == NULL)
        return ward_fail_errno(err, errno, "open /proc/self/mountinfo");
    while (fgets(line, sizeof(line), mi)) {
        if (parse_hierarchy(line, &h) < 0)
            continue;
        if (mount_hierarchy(&h, has_cgroupns(cfg), tmpfs_fd, flags, err) < 0)
            return ward_err_prefix(err, "cgroup %s", h.mountpoint);
    }
    /* Made read-only last: the directories above were created in it. */
    if (flags & MS_RDONLY)
        return rootfs_remount_bind(tmpfs_fd, flags, 0, err);
    return 0;
}

static int mount_v2(const spec_config *cfg, int root_fd, const char *dest, unsigned long flags,
                    ward_err *err)
{
    cleanup_close int target = rootfs_mkpath(root_fd, dest, false, err);
    hierarchy h = {.mountpoint = CGROUP_ROOT, .root = "/", .fstype = "cgroup2"};
    char path[PATH_MAX];

    if (target < 0)
        return -1;
    if (has_cgroupns(cfg)) {
        if (mount("cgroup2", rootfs_procfd(target).s, "cgroup2", flags, NULL) == 0)
            return 0;
        if (errno != EPERM && errno != EBUSY)
            return ward_fail_errno(err, errno, "mount cgroup2");
    }
    if (own_cgroup(&h, path, sizeof(path), err) < 0)
        return -1;
    if (snprintf(h.root, sizeof(h.root), "%s%s", CGROUP_ROOT, path) >= (int)sizeof(h.root))
        return ward_fail_errno(err, ENAMETOOLONG, "cgroup path");
    if (bind_host_dir(h.root, target, err) < 0)
        return -1;
    close(target);
    target = rootfs_resolve(root_fd, dest, O_PATH | O_DIRECTORY);
    if (target < 0)
        return ward_fail_errno(err, -target, "reopen after bind");
    return rootfs_remount_bind(target, flags, 0, err);
}

int rootfs_mount_cgroup(const rootfs_opts *o, int root_fd, const char *dest, const mount_opts *mo,
                        ward_err *err)
{
    unsigned long flags = mo->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
    struct statfs sf;
    int ret;

    if (statfs(CGROUP_ROOT, &sf) < 0)
        return ward_fail_errno(err, errno, "statfs " CGROUP_ROOT);
    if (sf.f_type == CGROUP2_SUPER_MAGIC)
        ret = mount_v2(o->cfg, root_fd, dest, flags, err);
    else
        ret = mount_v1(o->cfg, root_fd, dest, flags, err);
    return ret;
}
