/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hoststate: calls that change or read host-wide state no container namespace covers. Each is
 * made so that even where it is allowed (the control) nothing changes: settimeofday with no
 * time and no zone (the permission check only), clock_settime, adjtimex and clock_adjtime with a
 * value the kernel refuses after its permission check (EINVAL), the kernel log's size, a
 * fanotify group and an AF_VSOCK socket that are closed again, and the obsolete ustat and sysfs.
 * adjtimex_read is adjtimex with no modes: reading the clock's state.
 */
#include "result.h"

#include <fcntl.h>
#include <sys/fanotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

static void close_ok(const char *key, long fd)
{
    result_rc(key, fd, errno);
    if (fd >= 0)
        close((int)fd);
}

int main(void)
{
    struct timespec bad = {.tv_sec = 0, .tv_nsec = 2000000000L};
    struct timex tx = {.modes = ADJ_TICK, .tick = 1}; /* out of range: EINVAL after the check */
    struct timex tx2 = tx, query = {.modes = 0};
    struct stat st;
    char ubuf[64];
    long fd;

    result_sys("settimeofday", syscall(SYS_settimeofday, NULL, NULL));
    result_sys("clock_settime", syscall(SYS_clock_settime, CLOCK_REALTIME, &bad));
    result_sys("adjtimex", syscall(SYS_adjtimex, &tx));
    result_sys("clock_adjtime", syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx2));
    result_sys("adjtimex_read", syscall(SYS_adjtimex, &query));
    result_sys("syslog", syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
    errno = 0;
    fd = syscall(SYS_fanotify_init, FAN_CLASS_NOTIF, O_RDONLY);
    close_ok("fanotify_init", fd);
    errno = 0;
    fd = socket(AF_VSOCK, SOCK_STREAM, 0);
    close_ok("vsock", fd);
    if (stat("/", &st) == 0)
        result_sys("ustat", syscall(SYS_ustat, (unsigned)st.st_dev, ubuf));
    result_sys("sysfs", syscall(SYS_sysfs, 3));
    return result_print();
}
