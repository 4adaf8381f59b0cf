/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resolving paths beneath the rootfs. Every lookup goes through openat2(RESOLVE_IN_ROOT), so an
 * absolute symlink or a "../.." in the image is resolved as if the rootfs were "/", and the fds we
 * get back are what we mount on (CVE-2021-30465: never a path string that could be swapped).
 */

#include "runtime/rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "spec/base/cleanup.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

procfd_path rootfs_procfd(int fd)
{
    procfd_path p;
    snprintf(p.s, sizeof(p.s), "/proc/self/fd/%d", fd);
    return p;
}

static const char *skip_slashes(const char *p)
{
    while (*p == '/')
        p++;
    return p;
}

int rootfs_resolve(int root_fd, const char *path, int flags)
{
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    const char *rel = skip_slashes(path);
    int fd;

    if (*rel == '\0')
        rel = ".";
    do
        fd = (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN); /* a concurrent rename: the kernel asks us to retry */
    return fd < 0 ? -errno : fd;
}

/* Create one missing component name in the directory parent_fd. */
static int create_component(int parent_fd, const char *name, bool as_file, ward_err *err)
{
    if (as_file) {
        int fd =
            openat(parent_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0) {
            close(fd);
            return 0;
        }
    } else if (mkdirat(parent_fd, name, 0755) == 0) {
        return 0;
    }
    /* EEXIST: someone made it meanwhile (or it is a dangling symlink: the resolve below says). */
    if (errno == EEXIST)
        return 0;
    return ward_fail_errno(err, errno, "%s \"%s\"", as_file ? "create" : "mkdir", name);
}

#define MAX_LINK_DEPTH 40

static int mkpath_depth(int root_fd, const char *path, bool as_file, int depth, ward_err *err);

/*
 * The component name in parent_fd (whose path is parent) is a symlink to nowhere: create its
 * target, resolved beneath the root like everything else, as the kernel would follow it.
 */
static int create_link_target(int root_fd, int parent_fd, const char *parent, const char *name,
                              bool as_file, int depth, ward_err *err)
{
    char target[PATH_MAX], full[PATH_MAX];
    ssize_t n;
    int fd, len;

    n = readlinkat(parent_fd, name, target, sizeof(target) - 1);
    if (n < 0)
        return errno == EINVAL ? 0 : ward_fail_errno(err, errno, "readlink \"%s\"", name);
    target[n] = '\0';
    if (depth >= MAX_LINK_DEPTH)
        return ward_fail_errno(err, ELOOP, "resolve \"%s\"", name);
    if (target[0] == '/')
        len = snprintf(full, sizeof(full), "%s", target);
    else
        len = snprintf(full, sizeof(full), "%s/%s", parent, target);
    if (len < 0 || (size_t)len >= sizeof(full))
        return ward_fail_errno(err, ENAMETOOLONG, "resolve \"%s\"", name);
    fd = mkpath_depth(root_fd, full, as_file, depth + 1, err);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int mkpath_depth(int root_fd, const char *path, bool as_file, int depth, ward_err *err)
{
    char buf[PATH_MAX];
    cleanup_close int cur = -1;
    size_t len;
    int fd;

    fd = rootfs_resolve(root_fd, path, O_PATH);
    if (fd >= 0)
        return fd;
    if (fd != -ENOENT)
        return ward_fail_errno(err, -fd, "resolve \"%s\"", path);

    len = strlen(path);
    if (len >= sizeof(buf))
        return ward_fail_errno(err, ENAMETOOLONG, "resolve \"%s\"", path);
    memcpy(buf, path, len + 1);
    cur = rootfs_resolve(root_fd, ".", O_PATH | O_DIRECTORY);
    if (cur < 0)
        return ward_fail_errno(err, -cur, "open rootfs");

    /* Walk prefixes of the path: buf up to end is the prefix, name its last component. */
    for (char *name = (char *)skip_slashes(buf); *name;) {
        char *end = strchrnul(name, '/');
        bool last = *skip_slashes(end) == '\0';
        bool file = last && as_file;
        char saved = *end;

        *end = '\0';
        fd = rootfs_resolve(root_fd, buf, O_PATH);
        if (fd == -ENOENT) {
            if (create_component(cur, name, file, err) < 0)
                return -1;
            fd = rootfs_resolve(root_fd, buf, O_PATH);
        }
        if (fd == -ENOENT) {
            /* Still missing although the name exists: a dangling symlink. */
            int r;
            if (name == buf) {
                r = create_link_target(root_fd, cur, "/", name, file, depth, err);
            } else {
                name[-1] = '\0';
                r = create_link_target(root_fd, cur, buf, name, file, depth, err);
                name[-1] = '/';
            }
            if (r < 0)
                return -1;
            fd = rootfs_resolve(root_fd, buf, O_PATH);
        }
        if (fd < 0)
            return ward_fail_errno(err, -fd, "resolve \"%s\"", buf);
        *end = saved;
        close(cur);
        cur = fd;
        name = (char *)skip_slashes(end);
    }
    return steal_fd(cur);
}

int rootfs_mkpath(int root_fd, const char *path, bool as_file, ward_err *err)
{
    return mkpath_depth(root_fd, path, as_file, 0, err);
}
