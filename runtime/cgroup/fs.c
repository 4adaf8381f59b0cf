/* SPDX-License-Identifier: Apache-2.0 */
/* Small, checked file operations on cgroupfs: one write() per value, paths built without overflow.
 */

#include "runtime/cgroup/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "spec/base/cleanup.h"
#include "spec/base/file.h"

int cg_join(char out[PATH_MAX], const char *a, const char *b, ward_err *err)
{
    int n = snprintf(out, PATH_MAX, "%s%s", a, b);
    if (n < 0 || n >= PATH_MAX)
        return ward_fail(err, "cgroup: path too long: %s%s", a, b);
    return 0;
}

int cg_check_path(const char *path, ward_err *err)
{
    size_t len;
    if (path == NULL || path[0] != '/')
        return ward_fail(err, "cgroup: stored path \"%s\" is not absolute", path ? path : "");
    len = strlen(path);
    if (len > CG_PATH_MAX)
        return ward_fail(err, "cgroup: stored path is longer than %d bytes", CG_PATH_MAX);
    if (strcmp(path, "/") == 0)
        return ward_fail(err, "cgroup: stored path is the root cgroup");
    for (const char *p = path + 1;;) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return ward_fail(err, "cgroup: stored path \"%s\" has a bad component", path);
        if (end == NULL)
            break;
        p = end + 1;
    }
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return ward_fail(err, "cgroup: stored path has a control character");
    return 0;
}

static int file_path(char out[PATH_MAX], const char *dir, const char *file, ward_err *err)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", dir, file);
    if (n < 0 || n >= PATH_MAX)
        return ward_fail(err, "cgroup: path too long: %s/%s", dir, file);
    return 0;
}

/* Open dir/file, never through a symlink; path gets its name for messages. The fd, or -1. */
static int open_file(const char *dir, const char *file, int flags, char path[PATH_MAX],
                     ward_err *err)
{
    int fd;
    if (file_path(path, dir, file, err) < 0)
        return -1;
    fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return ward_fail_errno(err, errno, "open %s", path);
    return fd;
}

int cg_write(const char *dir, const char *file, const char *value, ward_err *err)
{
    char path[PATH_MAX];
    cleanup_close int fd = -1;
    size_t len = strlen(value);
    if (file_path(path, dir, file, err) < 0)
        return -1;
    cg_undo_note(dir, file);
    fd = open_file(dir, file, O_WRONLY, path, err);
    if (fd < 0)
        return -1;
    /* cgroupfs parses each write() on its own: the value must go in one call. */
    ssize_t w = write(fd, value, len);
    if (w < 0)
        return ward_fail_errno(err, errno, "writing \"%s\" to %s", value, path);
    if ((size_t)w != len)
        return ward_fail(err, "writing \"%s\" to %s: short write", value, path);
    return 0;
}

int cg_writef(const char *dir, const char *file, ward_err *err, const char *fmt, ...)
{
    char value[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(value))
        return ward_fail(err, "cgroup: value for %s too long", file);
    return cg_write(dir, file, value, err);
}

int cg_read_all(const char *dir, const char *file, char **out, ward_err *err)
{
    char path[PATH_MAX];
    cleanup_close int fd = open_file(dir, file, O_RDONLY, path, err);
    if (fd < 0)
        return -1;
    return ward_read_fd(fd, path, 64u << 20, out, NULL, err);
}

int cg_read(const char *dir, const char *file, char *buf, size_t len, ward_err *err)
{
    char path[PATH_MAX];
    cleanup_close int fd = open_file(dir, file, O_RDONLY, path, err);
    if (fd < 0)
        return -1;
    ssize_t r = read(fd, buf, len - 1);
    if (r < 0)
        return ward_fail_errno(err, errno, "reading %s", path);
    buf[r] = '\0';
    while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
        buf[--r] = '\0';
    return 0;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out, ward_err *err)
{
    char buf[64], *end;
    if (cg_read(dir, file, buf, sizeof(buf), err) < 0)
        return -1;
    if (strcmp(buf, "max") == 0) {
        *out = UINT64_MAX;
        return 0;
    }
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (errno != 0 || end == buf || *end != '\0')
        return ward_fail(err, "%s/%s: not a number: \"%s\"", dir, file, buf);
    *out = v;
    return 0;
}

bool cg_file_exists(const char *dir, const char *file)
{
    char path[PATH_MAX];
    if (file_path(path, dir, file, NULL) < 0)
        return false;
    return access(path, F_OK) == 0;
}

bool cg_dir_exists(const char *dir)
{
    struct stat st;
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

int cg_mkdir_p(const char *root, const char *path, cg_dir_hook hook, void *data, bool *leaf_created,
               ward_err *err)
{
    char dir[PATH_MAX], parent[PATH_MAX];
    size_t rootlen = strlen(root);
    bool created = false;
    if (cg_check_path(path, err) < 0 || cg_join(dir, root, path, err) < 0)
        return -1;
    /* Walk the components of path: dir[0..end) is each ancestor in turn, then the leaf. */
    for (size_t end = rootlen + 1;; end++) {
        if (dir[end] != '/' && dir[end] != '\0')
            continue;
        char saved = dir[end];
        dir[end] = '\0';
        memcpy(parent, dir, end);
        parent[end] = '\0';
        char *slash = strrchr(parent, '/');
        *slash = '\0';
        if (parent[0] == '\0')
            snprintf(parent, sizeof(parent), "/");
        created = mkdir(dir, 0755) == 0;
        if (!created && errno != EEXIST)
            return ward_fail_errno(err, errno, "mkdir %s", dir);
        if (hook && hook(parent, dir, created, data, err) < 0)
            return -1;
        dir[end] = saved;
        if (saved == '\0')
            break;
    }
    if (leaf_created)
        *leaf_created = created;
    return 0;
}

int cg_rmdir(const char *dir, ward_err *err)
{
    return cg_rmdir_tries(dir, 200, err);
}

int cg_rmdir_tries(const char *dir, int tries, ward_err *err)
{
    /* Tasks that were just killed leave the cgroup asynchronously: 200 tries is about 2 s. */
    struct timespec ts = {0, 1000000};
    for (int attempt = 1;; attempt++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY || attempt >= tries)
            return ward_fail_errno(err, errno, "rmdir %s", dir);
        nanosleep(&ts, NULL);
        if (ts.tv_nsec < 10000000)
            ts.tv_nsec *= 2;
    }
}

int cg_read_pids(const char *dir, pid_t **pids, size_t *n, ward_err *err)
{
    cleanup_free char *text = NULL;
    cleanup_free pid_t *out = NULL;
    size_t count = 0, cap = 0;
    if (cg_read_all(dir, "cgroup.procs", &text, err) < 0)
        return -1;
    for (char *p = text; *p;) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno != 0 || v <= 0 || (*end != '\n' && *end != '\0'))
            return ward_fail(err, "%s/cgroup.procs: unexpected content", dir);
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            pid_t *np = realloc(out, cap * sizeof(*out));
            if (np == NULL)
                return ward_fail_errno(err, ENOMEM, "reading %s/cgroup.procs", dir);
            out = np;
        }
        out[count++] = (pid_t)v;
        p = *end ? end + 1 : end;
    }
    *pids = steal_ptr(out);
    *n = count;
    return 0;
}

int cg_migrate_pids(const char *from, const char *to, ward_err *err)
{
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    if (cg_read_pids(from, &pids, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (cg_writef(to, "cgroup.procs", err, "%d", (int)pids[i]) < 0) {
            if (err && err->errnum == ESRCH)
                continue; /* it exited meanwhile */
            return -1;
        }
    }
    return 0;
}
