/* SPDX-License-Identifier: Apache-2.0 */
/* The event log file: read and append under flock on its directory, fsync'ed. */
#include "attest/evlog.h"
#include "spec/cleanup.h"
#include "spec/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#define LOG_MAX (256u << 20)

static int parent_dir(const char *path, char out[PATH_MAX], ward_err *err)
{
    char copy[PATH_MAX];
    if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
        return ward_fail(err, "%s: path too long", path);
    snprintf(out, PATH_MAX, "%s", dirname(copy));
    return 0;
}

/* mkdir -p for the log's directory (mode 0700: the log is ward's own). */
static int make_dirs(const char *dir, ward_err *err)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof(buf), "%s", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
            return ward_fail_errno(err, errno, "mkdir %s", buf);
        *p = '/';
    }
    if (mkdir(buf, 0700) < 0 && errno != EEXIST)
        return ward_fail_errno(err, errno, "mkdir %s", buf);
    return 0;
}

static int lock_dir(const char *dir, bool exclusive, int *out, ward_err *err)
{
    cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && exclusive) {
        if (make_dirs(dir, err) < 0)
            return -1;
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    if (fd < 0 && errno == ENOENT) {
        *out = -1;
        return 0;
    }
    if (fd < 0)
        return ward_fail_errno(err, errno, "open %s", dir);
    while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
        if (errno != EINTR)
            return ward_fail_errno(err, errno, "lock %s", dir);
    *out = steal_fd(fd);
    return 0;
}

int ward_evlog_open(const char *path, bool exclusive, int *lock_fd, ward_evlog *log, ward_err *err)
{
    char dir[PATH_MAX];
    cleanup_free char *text = NULL;
    cleanup_close int fd = -1;
    size_t len;

    log->ev = NULL;
    log->n = 0;
    *lock_fd = -1;
    if (path[0] != '/')
        return ward_fail(err, "event log %s: must be an absolute path", path);
    if (parent_dir(path, dir, err) < 0 || lock_dir(dir, exclusive, &fd, err) < 0)
        return -1;
    if (spec_read_file(path, LOG_MAX, &text, &len, err) < 0) {
        if (err->errnum != ENOENT)
            return ward_err_prefix(err, "event log");
        ward_err_clear(err);
    } else if (ward_evlog_parse(text, len, path, log, err) < 0) {
        return -1;
    }
    *lock_fd = steal_fd(fd);
    return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

static int sync_dir(const char *path, ward_err *err)
{
    char dir[PATH_MAX];
    cleanup_close int fd = -1;
    if (parent_dir(path, dir, err) < 0)
        return -1;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) < 0)
        return ward_fail_errno(err, errno, "fsync %s", dir);
    return 0;
}

int ward_evlog_append(const char *path, const ward_event *ev, ward_err *err)
{
    cleanup_free char *line = NULL;
    cleanup_close int fd = -1;
    bool created = false;
    struct stat st;
    size_t len;

    if (ward_event_to_line(ev, &line, &len, err) < 0)
        return -1;
    line[len] = '\n'; /* replaces the NUL: write len + 1 bytes */
    fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0 && errno == ENOENT) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        created = fd >= 0;
    }
    if (fd < 0)
        return ward_fail_errno(err, errno, "event log %s", path);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        return ward_fail_errno(err, errno ? errno : EINVAL, "event log %s", path);
    if (write_all(fd, line, len + 1) < 0 || fsync(fd) < 0) {
        int saved = errno;
        /* never leave half a line behind */
        if (ftruncate(fd, st.st_size) == 0)
            fsync(fd);
        return ward_fail_errno(err, saved, "event log %s: append", path);
    }
    if (created)
        return sync_dir(path, err);
    return 0;
}
