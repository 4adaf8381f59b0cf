/* SPDX-License-Identifier: Apache-2.0 */
/* A process seen from the host by its pid: its start time, and the pid file a caller asks for. */
#include "runtime/pid.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

uint64_t proc_start_time(pid_t pid, bool *zombie)
{
    char path[64], buf[1024];
    cleanup_close int fd = -1;
    ssize_t n;
    char *p;
    unsigned long long start = 0;
    *zombie = false;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* comm may contain spaces and parens: fields restart after the last ')' */
    p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ')
        return 0;
    *zombie = p[2] == 'Z' || p[2] == 'X';
    p += 2;
    /* p points at field 3 (state); starttime is field 22 */
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    if (p == NULL || sscanf(p, "%llu", &start) != 1)
        return 0;
    return (uint64_t)start;
}

int write_pid_file(const char *path, pid_t pid, ward_err *err)
{
    char buf[32], tmp[PATH_MAX];
    int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
    cleanup_close int fd = -1;
    if (snprintf(tmp, sizeof(tmp), "%s.ward-tmp", path) >= (int)sizeof(tmp))
        return ward_fail(err, "pid file path too long: %s", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return ward_fail_errno(err, errno, "write pid file %s", path);
    if (ward_write_all(fd, buf, (size_t)n) < 0 || rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return ward_fail_errno(err, e, "write pid file %s", path);
    }
    return 0;
}
