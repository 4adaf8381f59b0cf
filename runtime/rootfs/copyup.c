/* SPDX-License-Identifier: Apache-2.0 */
/* tmpcopyup: the content of the directory a tmpfs covers is copied into it (owners, modes). */

#include "runtime/rootfs/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "spec/base/cleanup.h"

#define MAX_DEPTH 128

static int copy_dir(int from, int to, int depth, ward_err *err);

static int copy_data(int in, int out, off_t size)
{
    while (size > 0) {
        ssize_t n = sendfile(out, in, NULL, (size_t)(size > (1 << 30) ? (1 << 30) : size));
        if (n < 0)
            return -1;
        if (n == 0)
            break; /* the file shrank meanwhile */
        size -= n;
    }
    return 0;
}

static int copy_file(int from, int to, const char *name, const struct stat *st, ward_err *err)
{
    cleanup_close int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    cleanup_close int out = -1;

    if (in < 0)
        return ward_fail_errno(err, errno, "open %s", name);
    out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0)
        return ward_fail_errno(err, errno, "create %s", name);
    if (copy_data(in, out, st->st_size) < 0)
        return ward_fail_errno(err, errno, "copy %s", name);
    if (fchown(out, st->st_uid, st->st_gid) < 0 || fchmod(out, st->st_mode & 07777) < 0)
        return ward_fail_errno(err, errno, "chown/chmod %s", name);
    return 0;
}

static int copy_subdir(int from, int to, const char *name, const struct stat *st, int depth,
                       ward_err *err)
{
    cleanup_close int in = -1;
    cleanup_close int out = -1;

    if (depth >= MAX_DEPTH)
        return ward_fail_errno(err, ELOOP, "copy %s", name);
    if (mkdirat(to, name, 0700) < 0)
        return ward_fail_errno(err, errno, "mkdir %s", name);
    in = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    out = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0 || out < 0)
        return ward_fail_errno(err, errno, "open %s", name);
    if (copy_dir(in, out, depth + 1, err) < 0)
        return ward_err_prefix(err, "%s", name);
    if (fchown(out, st->st_uid, st->st_gid) < 0 || fchmod(out, st->st_mode & 07777) < 0)
        return ward_fail_errno(err, errno, "chown/chmod %s", name);
    return 0;
}

static int copy_symlink(int from, int to, const char *name, const struct stat *st, ward_err *err)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);

    if (n < 0)
        return ward_fail_errno(err, errno, "readlink %s", name);
    target[n] = '\0';
    if (symlinkat(target, to, name) < 0 ||
        fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return ward_fail_errno(err, errno, "symlink %s", name);
    return 0;
}

static int copy_node(int to, const char *name, const struct stat *st, ward_err *err)
{
    if (mknodat(to, name, st->st_mode, st->st_rdev) < 0 ||
        fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
        fchmodat(to, name, st->st_mode & 07777, 0) < 0)
        return ward_fail_errno(err, errno, "mknod %s", name);
    return 0;
}

static int copy_entry(int from, int to, const char *name, int depth, ward_err *err)
{
    struct stat st;

    if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return ward_fail_errno(err, errno, "stat %s", name);
    switch (st.st_mode & S_IFMT) {
    case S_IFREG:
        return copy_file(from, to, name, &st, err);
    case S_IFDIR:
        return copy_subdir(from, to, name, &st, depth, err);
    case S_IFLNK:
        return copy_symlink(from, to, name, &st, err);
    case S_IFCHR:
    case S_IFBLK:
    case S_IFIFO:
        return copy_node(to, name, &st, err);
    default:
        return 0; /* sockets are not content */
    }
}

static int copy_dir(int from, int to, int depth, ward_err *err)
{
    int dfd = dup(from);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    struct dirent *e;
    int ret = 0;

    if (d == NULL) {
        if (dfd >= 0)
            close(dfd);
        return ward_fail_errno(err, errno, "read directory");
    }
    while (ret == 0 && (errno = 0, e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        ret = copy_entry(from, to, e->d_name, depth, err);
    }
    if (ret == 0 && errno != 0)
        ret = ward_fail_errno(err, errno, "read directory");
    closedir(d);
    return ret;
}

int rootfs_copy_tree(int from_fd, int to_fd, ward_err *err)
{
    return copy_dir(from_fd, to_fd, 0, err);
}
