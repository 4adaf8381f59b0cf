/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ptrace PID: reach into a host process (a sleep the test started) from the host's pid
 * namespace: PTRACE_SEIZE (then detach), process_vm_readv of one byte of its stack (the address
 * from /proc/PID/stat's startstack), and pidfd_getfd of its fd 0, the way to steal a host
 * process's open files.
 */
#include "result.h"

#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long start_stack(const char *pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof(path), "/proc/%s/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL || fgets(buf, sizeof(buf), f) == NULL) {
        if (f)
            fclose(f);
        return 0;
    }
    fclose(f);
    char *p = strrchr(buf, ')');
    /* fields after ")": state is field 3; startstack is field 28 */
    for (int field = 2; p && field < 28; field++)
        p = strchr(p + 1, ' ');
    return p ? strtoul(p + 1, NULL, 10) : 0;
}

int main(int argc, char **argv)
{
    const char *pidstr = argc > 1 ? argv[1] : "0";
    pid_t pid = (pid_t)atoi(pidstr);
    unsigned long addr = start_stack(pidstr);
    char byte;
    struct iovec local = {&byte, 1}, remote = {(void *)(addr ? addr - 1 : 0), 1};

    errno = 0;
    long rc = ptrace(PTRACE_SEIZE, pid, 0, 0);
    result_rc("ptrace_seize", rc, errno);
    if (rc == 0)
        ptrace(PTRACE_DETACH, pid, 0, 0);
    result_sys("process_vm_readv", process_vm_readv(pid, &local, 1, &remote, 1, 0));
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
        result_add("pidfd_getfd", "open:%s", strerrorname_np(errno));
    } else {
        result_sys("pidfd_getfd", syscall(SYS_pidfd_getfd, pidfd, 0, 0));
    }
    return result_print();
}
