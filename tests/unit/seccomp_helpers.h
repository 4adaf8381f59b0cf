/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the seccomp and Landlock unit tests: run a probe in a forked, confined child. */
#ifndef WARD_TESTS_SECCOMP_HELPERS_H
#define WARD_TESTS_SECCOMP_HELPERS_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/sandbox/sandbox.h"

#define CHILD_SETUP_FAILED 200

/* A probe returns an errno (0 = the call worked) or another code < 256. */
typedef int (*probe_fn)(void *arg);

/* Fork; the child loads s (when not NULL) after no_new_privs, runs fn and exits with its
 * result. Returns the raw wait status. */
static inline int run_confined(const sandbox_seccomp *s, probe_fn fn, void *arg)
{
    int status;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        ward_err err = {0};
        int notify = -1;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            _exit(CHILD_SETUP_FAILED);
        if (s && sandbox_seccomp_load(s, &notify, &err) < 0) {
            fprintf(stderr, "# load: %s\n", err.msg);
            _exit(CHILD_SETUP_FAILED);
        }
        _exit(fn(arg) & 0xff);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

/* The probe's result, or -1 when the child did not exit normally, -2 when it was killed. */
static inline int exit_code(int status)
{
    if (status < 0)
        return -1;
    if (WIFSIGNALED(status))
        return -2;
    return WEXITSTATUS(status);
}

/* errno of a raw syscall result: 0 on success. */
#define ERRNO_OF(call) ((call) < 0 ? errno : 0)

#endif
