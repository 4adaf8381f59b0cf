/* SPDX-License-Identifier: Apache-2.0 */
/*
 * write DIR: create DIR/ward-sec-written; then try to remount DIR read-write (which would undo a
 * read-only mount) and write again.
 */
#include "result.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

static long create_in(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/ward-sec-written", dir);
    int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    long n = write(fd, "x", 1);
    close(fd);
    return n;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/";
    result_sys("write", create_in(dir));
    result_sys("remount", mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND, NULL));
    result_sys("write_after", create_in(dir));
    return result_print();
}
