/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hostproc PID: calls that act on another process's memory, aimed at PID (a host process when
 * the container shares the host's pid namespace), each with nothing to do so that even where it
 * is allowed (the control) nothing changes: process_madvise with no ranges, move_pages of no
 * pages, migrate_pages between empty node sets.
 */
#include "result.h"

#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MADV_COLD
#define MADV_COLD 20
#endif

int main(int argc, char **argv)
{
    int pid = argc > 1 ? atoi(argv[1]) : 1;
    unsigned long none = 0;
    long pidfd = syscall(SYS_pidfd_open, pid, 0);
    result_rc("pidfd_open", pidfd, errno);
    if (pidfd >= 0) {
        struct iovec iov = {0};
        result_sys("process_madvise", syscall(SYS_process_madvise, pidfd, &iov, 0, MADV_COLD, 0));
    }
    result_sys("move_pages", syscall(SYS_move_pages, pid, 0, NULL, NULL, NULL, 0));
    result_sys("migrate_pages", syscall(SYS_migrate_pages, pid, 1, &none, &none));
    return result_print();
}
