/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sysctl PATH: open a /proc/sys file for writing and write back the value it ALREADY has, so
 * that even where the write is allowed (the control) nothing changes.
 */
#include "result.h"

#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/proc/sys/kernel/panic";
    char value[256];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || (n = read(fd, value, sizeof(value) - 1)) <= 0) {
        result_add("read", "%s", strerrorname_np(errno));
        return result_print();
    }
    close(fd);
    result_add("read", "ok");
    errno = 0;
    fd = open(path, O_WRONLY | O_CLOEXEC);
    result_rc("open_write", fd, errno);
    if (fd >= 0) {
        result_sys("write", write(fd, value, (size_t)n));
        close(fd);
    }
    return result_print();
}
