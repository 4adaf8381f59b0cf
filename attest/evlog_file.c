/* SPDX-License-Identifier: Apache-2.0 */
/* The event log file: read and append under flock on its directory, fsync'ed. */
#include "attest/evlog.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"

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

/* Open the log itself: O_NOFOLLOW, a regular file; creating it in exclusive mode. */
static int open_log(const char *path, bool exclusive, ward_evlog_file *f, ward_err *err)
{
    int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
    struct stat st;
    int fd;

    fd = open(path, flags | (exclusive ? O_RDWR | O_APPEND : O_RDONLY));
    if (fd < 0 && errno == ENOENT && exclusive) {
        fd = open(path, flags | O_RDWR | O_APPEND | O_CREAT | O_EXCL, 0600);
        f->created = fd >= 0;
    }
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0)
        return ward_fail_errno(err, errno, "event log %s", path);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ward_fail(err, "event log %s: not a regular file", path);
    }
    f->fd = fd;
    return 0;
}

int ward_evlog_open(const char *path, bool exclusive, ward_evlog_file *f, ward_evlog *log,
                    ward_err *err)
{
    char dir[PATH_MAX], name[PATH_MAX + 16];
    cleanup_free char *text = NULL;
    size_t len = 0;

    log->ev = NULL;
    log->n = 0;
    f->lock_fd = f->fd = -1;
    f->created = false;
    if (path[0] != '/')
        return ward_fail(err, "event log %s: must be an absolute path", path);
    if (parent_dir(path, dir, err) < 0 || lock_dir(dir, exclusive, &f->lock_fd, err) < 0)
        return -1;
    if (f->lock_fd < 0)
        return 0;
    if (open_log(path, exclusive, f, err) < 0)
        goto fail;
    if (f->fd < 0)
        return 0;
    snprintf(name, sizeof(name), "event log %s", path);
    if (ward_read_fd(f->fd, name, LOG_MAX, &text, &len, err) < 0 ||
        ward_evlog_parse(text, len, path, log, err) < 0)
        goto fail;
    if (!exclusive) {
        close(f->fd);
        f->fd = -1;
    }
    return 0;
fail:
    ward_evlog_close(f, path, true);
    return -1;
}

static int sync_dir(int dir_fd, const char *path, ward_err *err)
{
    if (fsync(dir_fd) < 0)
        return ward_fail_errno(err, errno, "event log %s: fsync of its directory", path);
    return 0;
}

int ward_evlog_append(ward_evlog_file *f, const char *path, const ward_event *ev, ward_err *err)
{
    cleanup_free char *line = NULL;
    struct stat st;
    size_t len = 0;

    if (f->fd < 0)
        return ward_fail(err, "event log %s: not open for appending", path);
    if (ward_event_to_line(ev, &line, &len, err) < 0)
        return -1;
    line[len] = '\n'; /* replaces the NUL: write len + 1 bytes */
    if (fstat(f->fd, &st) < 0)
        return ward_fail_errno(err, errno, "event log %s", path);
    if (ward_write_all(f->fd, line, len + 1) < 0 || fsync(f->fd) < 0) {
        int saved = errno;
        /* never leave half a line behind */
        if (ftruncate(f->fd, st.st_size) == 0)
            fsync(f->fd);
        return ward_fail_errno(err, saved, "event log %s: append", path);
    }
    if (f->created && sync_dir(f->lock_fd, path, err) < 0)
        return -1;
    f->created = false; /* it holds an event now */
    return 0;
}

void ward_evlog_close(ward_evlog_file *f, const char *path, bool unlink_empty)
{
    if (f->fd >= 0) {
        struct stat st;
        if (unlink_empty && f->created && fstat(f->fd, &st) == 0 && st.st_size == 0)
            unlink(path);
        close(f->fd);
    }
    if (f->lock_fd >= 0)
        close(f->lock_fd);
    f->fd = f->lock_fd = -1;
    f->created = false;
}
