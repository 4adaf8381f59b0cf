/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /dev: the default devices every container gets, linux.devices, and the usual symlinks. In a
 * user namespace mknod is refused, so the host's node is bind-mounted onto an empty file instead.
 */

#include "runtime/rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "spec/base/cleanup.h"

static const spec_device default_devices[] = {
    {.path = "/dev/null", .type = 'c', .major = 1, .minor = 3},
    {.path = "/dev/zero", .type = 'c', .major = 1, .minor = 5},
    {.path = "/dev/full", .type = 'c', .major = 1, .minor = 7},
    {.path = "/dev/random", .type = 'c', .major = 1, .minor = 8},
    {.path = "/dev/urandom", .type = 'c', .major = 1, .minor = 9},
    {.path = "/dev/tty", .type = 'c', .major = 5, .minor = 0},
};

static const struct {
    const char *target, *name;
} dev_symlinks[] = {
    {"/proc/self/fd", "fd"},
    {"/proc/self/fd/0", "stdin"},
    {"/proc/self/fd/1", "stdout"},
    {"/proc/self/fd/2", "stderr"},
};

/* Compare paths ignoring repeated and trailing slashes ("/dev//null/" is "/dev/null"). */
static bool same_path(const char *a, const char *b)
{
    for (;;) {
        while (*a == '/')
            a++;
        while (*b == '/')
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
        if (la != lb || memcmp(a, b, la) != 0)
            return false;
        a += la;
        b += lb;
    }
}

static mode_t type_bits(char type)
{
    switch (type) {
    case 'c':
    case 'u':
        return S_IFCHR;
    case 'b':
        return S_IFBLK;
    case 'p':
        return S_IFIFO;
    default:
        return 0;
    }
}

/* Split path into its parent directory (buf, "" for the root) and last component (*name). */
static int split_path(const char *path, char *buf, size_t size, const char **name, ward_err *err)
{
    size_t len = strlen(path);
    char *slash;

    while (len > 1 && path[len - 1] == '/')
        len--;
    if (len == 0 || len >= size)
        return ward_fail(err, "invalid path");
    memcpy(buf, path, len);
    buf[len] = '\0';
    slash = strrchr(buf, '/');
    if (slash != NULL)
        *slash = '\0';
    *name = slash ? slash + 1 : buf + len;
    if (slash == NULL) {
        /* a bare name: its parent is the root */
        memmove(buf + 1, buf, len + 1);
        buf[0] = '\0';
        *name = buf + 1;
    }
    if (**name == '\0' || strcmp(*name, ".") == 0 || strcmp(*name, "..") == 0)
        return ward_fail(err, "invalid path");
    return 0;
}

/* In a user namespace: an empty file with the host's node bind-mounted on it. */
static int bind_host_node(int parent, const char *name, const spec_device *d, mode_t type,
                          ward_err *err)
{
    cleanup_close int host = open(d->path, O_PATH | O_CLOEXEC);
    cleanup_close int target = -1;
    struct stat st;
    int fd;

    if (host < 0 || fstat(host, &st) < 0)
        return ward_fail_errno(err, errno, "open host %s", d->path);
    if ((st.st_mode & S_IFMT) != type || st.st_rdev != makedev(d->major, d->minor))
        return ward_fail(err, "host %s is not device %lld:%lld", d->path, (long long)d->major,
                         (long long)d->minor);
    fd = openat(parent, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0)
        return ward_fail_errno(err, errno, "create");
    close(fd);
    target = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (target < 0)
        return ward_fail_errno(err, errno, "open");
    if (mount(rootfs_procfd(host).s, rootfs_procfd(target).s, NULL, MS_BIND, NULL) < 0)
        return ward_fail_errno(err, errno, "bind host %s", d->path);
    return 0;
}

static int mknod_node(int parent, const char *name, const spec_device *d, mode_t type,
                      ward_err *err)
{
    mode_t perm = (d->has_file_mode ? d->file_mode : 0666) & 0777;
    dev_t dev = type == S_IFIFO ? 0 : makedev(d->major, d->minor);
    struct stat st;

    if (mknodat(parent, name, type | perm, dev) < 0) {
        if (errno != EEXIST)
            return ward_fail_errno(err, errno, "mknod");
        /* Something is there already: keep it only if it is this very device. */
        if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return ward_fail_errno(err, errno, "stat");
        if ((st.st_mode & S_IFMT) != type || st.st_rdev != dev) {
            if (unlinkat(parent, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0 ||
                mknodat(parent, name, type | perm, dev) < 0)
                return ward_fail_errno(err, errno, "mknod");
        }
    }
    /* mknod obeyed the umask; the spec's mode and owner are exact. */
    if (fchmodat(parent, name, perm, 0) < 0)
        return ward_fail_errno(err, errno, "chmod");
    if (fchownat(parent, name, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0,
                 AT_SYMLINK_NOFOLLOW) < 0)
        return ward_fail_errno(err, errno, "chown");
    return 0;
}

static int make_node(const rootfs_opts *o, int root_fd, const spec_device *d, ward_err *err)
{
    char dir[PATH_MAX + 1];
    const char *name = NULL;
    cleanup_close int parent = -1;
    mode_t type = type_bits(d->type);

    if (d->path == NULL)
        return ward_fail(err, "path is required");
    if (type == 0)
        return ward_fail(err, "type '%c': must be c, u, b or p", d->type ? d->type : '?');
    if (type != S_IFIFO && (d->major < 0 || d->minor < 0 || d->major > 0xfff || d->minor > 0xfffff))
        return ward_fail(err, "major/minor %lld:%lld out of range", (long long)d->major,
                         (long long)d->minor);
    if (split_path(d->path, dir, sizeof(dir), &name, err) < 0)
        return -1;
    parent = rootfs_mkpath(root_fd, dir, false, err);
    if (parent < 0)
        return -1;
    if (o->userns && type != S_IFIFO)
        return bind_host_node(parent, name, d, type, err);
    return mknod_node(parent, name, d, type, err);
}

static bool spec_has_device(const spec_config *cfg, const char *path)
{
    for (size_t i = 0; i < cfg->linux_.n_devices; i++)
        if (cfg->linux_.devices[i].path && same_path(cfg->linux_.devices[i].path, path))
            return true;
    return false;
}

/* runc sets up /dev only when the spec does not bind one from elsewhere. */
static bool dev_is_bound(const spec_config *cfg)
{
    for (size_t i = 0; i < cfg->n_mounts; i++) {
        const spec_mount *m = &cfg->mounts[i];
        if (m->destination == NULL || !same_path(m->destination, "/dev"))
            continue;
        if (m->type && strcmp(m->type, "bind") == 0)
            return true;
        for (size_t j = 0; j < m->options.len; j++)
            if (!strcmp(m->options.items[j], "bind") || !strcmp(m->options.items[j], "rbind"))
                return true;
    }
    return false;
}

static int make_symlink(int dev, const char *target, const char *name, bool replace, ward_err *err)
{
    if (replace && unlinkat(dev, name, 0) < 0 && errno != ENOENT)
        return ward_fail_errno(err, errno, "/dev/%s: unlink", name);
    if (symlinkat(target, dev, name) < 0 && errno != EEXIST)
        return ward_fail_errno(err, errno, "/dev/%s: symlink", name);
    return 0;
}

static int make_symlinks(int root_fd, ward_err *err)
{
    cleanup_close int dev = rootfs_mkpath(root_fd, "/dev", false, err);

    if (dev < 0)
        return ward_err_prefix(err, "/dev");
    if (make_symlink(dev, "pts/ptmx", "ptmx", true, err) < 0)
        return -1;
    for (size_t i = 0; i < sizeof(dev_symlinks) / sizeof(dev_symlinks[0]); i++)
        if (make_symlink(dev, dev_symlinks[i].target, dev_symlinks[i].name, false, err) < 0)
            return -1;
    /* runc links /dev/core only when the host has /proc/kcore. */
    if (access("/proc/kcore", F_OK) == 0 && make_symlink(dev, "/proc/kcore", "core", false, err))
        return -1;
    return 0;
}

int rootfs_make_devices(const rootfs_opts *o, int root_fd, ward_err *err)
{
    const spec_config *cfg = o->cfg;

    if (dev_is_bound(cfg))
        return 0;
    for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
        spec_device d = default_devices[i];
        if (spec_has_device(cfg, d.path))
            continue;
        d.has_file_mode = true;
        d.file_mode = 0666;
        if (make_node(o, root_fd, &d, err) < 0)
            return ward_err_prefix(err, "default device %s", d.path);
    }
    for (size_t i = 0; i < cfg->linux_.n_devices; i++) {
        const spec_device *d = &cfg->linux_.devices[i];
        if (make_node(o, root_fd, d, err) < 0)
            return ward_err_prefix(err, "linux.devices[%zu] (%s)", i, d->path ? d->path : "");
    }
    return make_symlinks(root_fd, err);
}
