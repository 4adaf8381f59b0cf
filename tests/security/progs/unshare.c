/* SPDX-License-Identifier: Apache-2.0 */
/*
 * unshare -U -m: a new user namespace (the usual first step of a kernel exploit) and a new mount
 * namespace, by unshare(2), by clone(2) with CLONE_NEWUSER and by clone3(2).
 */
#include "result.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* fork-like clone with extra flags; the child exits at once. */
static long clone_child(unsigned long flags)
{
    long pid = syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);
    if (pid == 0)
        _exit(0);
    if (pid > 0)
        waitpid((pid_t)pid, NULL, 0);
    return pid;
}

static long clone3_child(uint64_t flags)
{
    struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
    long pid = syscall(SYS_clone3, &args, sizeof(args));
    if (pid == 0)
        _exit(0);
    if (pid > 0)
        waitpid((pid_t)pid, NULL, 0);
    return pid;
}

int main(void)
{
    result_sys("clone", clone_child(CLONE_NEWUSER | CLONE_NEWNS));
    result_sys("clone3", clone3_child(CLONE_NEWUSER | CLONE_NEWNS));
    result_sys("unshare", unshare(CLONE_NEWUSER | CLONE_NEWNS)); /* last: it changes us */
    return result_print();
}
