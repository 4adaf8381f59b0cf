/* SPDX-License-Identifier: Apache-2.0 */
#include "spec/base/file.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int ward_read_fd(int fd, const char *name, size_t max, char **out, size_t *len, ward_err *err)
{
    cleanup_free char *buf = NULL;
    size_t used = 0, cap = 4096;

    buf = malloc(cap);
    if (buf == NULL)
        return ward_fail_errno(err, ENOMEM, "read %s", name);
    for (;;) {
        ssize_t r;
        if (used + 1 >= cap) {
            char *grown;
            if (cap > max)
                return ward_fail_errno(err, EFBIG, "%s: larger than %zu bytes", name, max);
            grown = realloc(buf, cap * 2);
            if (grown == NULL)
                return ward_fail_errno(err, ENOMEM, "read %s", name);
            buf = grown;
            cap *= 2;
        }
        r = read(fd, buf + used, cap - used - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return ward_fail_errno(err, errno, "read %s", name);
        if (r == 0)
            break;
        used += (size_t)r;
        if (used > max)
            return ward_fail_errno(err, EFBIG, "%s: larger than %zu bytes", name, max);
    }
    buf[used] = '\0';
    *out = steal_ptr(buf);
    if (len != NULL)
        *len = used;
    return 0;
}

int spec_read_file(const char *path, size_t max, char **out, size_t *len, ward_err *err)
{
    /* O_NONBLOCK: a FIFO (or device) must be refused by the check below, not hang the open */
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;

    if (fd < 0)
        return ward_fail_errno(err, errno, "open %s", path);
    if (fstat(fd, &st) < 0)
        return ward_fail_errno(err, errno, "stat %s", path);
    if (!S_ISREG(st.st_mode))
        return ward_fail_errno(err, EINVAL, "%s: not a regular file", path);
    return ward_read_fd(fd, path, max, out, len, err);
}

int ward_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        if (w == 0) {
            errno = EIO;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}
