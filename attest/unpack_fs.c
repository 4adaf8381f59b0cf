/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/unpack_fs.h"
#include "spec/base/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int unpack_clean_path(const char *in, char *out, size_t out_len, ward_err *err)
{
    size_t o = 0;
    const char *p = in;
    while (*p) {
        size_t len;
        while (*p == '/')
            p++;
        len = strcspn(p, "/");
        if (len == 0)
            break;
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return ward_fail(err, "entry \"%.200s\": \"..\" in an archive path", in);
        if (!(len == 1 && p[0] == '.')) {
            if (o + len + 2 > out_len)
                return ward_fail(err, "entry \"%.200s\": path too long", in);
            if (o > 0)
                out[o++] = '/';
            memcpy(out + o, p, len);
            o += len;
        }
        p += len;
    }
    out[o] = '\0';
    return 0;
}

int unpack_open_parent(int rootfd, const char *path, bool create, const char **name, ward_err *err)
{
    const char *last = strrchr(path, '/');
    const char *p = path;
    int fd = dup(rootfd);
    if (fd < 0)
        return ward_fail_errno(err, errno, "dup");
    *name = last ? last + 1 : path;
    while (last != NULL && p < last) {
        char comp[NAME_MAX + 1];
        size_t len = strcspn(p, "/");
        int next;
        if (len > NAME_MAX) {
            close(fd);
            return ward_fail(err, "entry \"%.200s\": component too long", path);
        }
        memcpy(comp, p, len);
        comp[len] = '\0';
        next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
                int e = errno;
                close(fd);
                return ward_fail_errno(err, e, "entry \"%.200s\": mkdir %s", path, comp);
            }
            next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (next < 0) {
            int e = errno;
            close(fd);
            if (e == ENOTDIR || e == ELOOP)
                return ward_fail_errno(err, e,
                                       "entry \"%.200s\": %s is a symlink or not a directory "
                                       "(never followed)",
                                       path, comp);
            return ward_fail_errno(err, e, "entry \"%.200s\": open %s", path, comp);
        }
        close(fd);
        fd = next;
        p += len + 1;
    }
    return fd;
}

static int remove_children(int dfd, ward_err *err)
{
    DIR *d = fdopendir(dfd);
    struct dirent *de;
    int rc = 0;
    if (d == NULL) {
        close(dfd);
        return ward_fail_errno(err, errno, "fdopendir");
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (unpack_remove_at(dirfd(d), de->d_name, err) < 0) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    return rc;
}

int unpack_remove_at(int dirfd, const char *name, ward_err *err)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : ward_fail_errno(err, errno, "stat %s", name);
    if (S_ISDIR(st.st_mode)) {
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return ward_fail_errno(err, errno, "open %s", name);
        if (remove_children(fd, err) < 0)
            return -1;
        if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
            return ward_fail_errno(err, errno, "rmdir %s", name);
        return 0;
    }
    if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
        return ward_fail_errno(err, errno, "unlink %s", name);
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

void unpack_remove_tree(const char *path)
{
    if (path != NULL && path[0] != '\0')
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
