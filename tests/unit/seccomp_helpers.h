/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the seccomp and Landlock unit tests: run a probe in a forked, confined child (tap.h's
 * child processes; child_exit_code reads the probe's result). */
#ifndef WARD_TESTS_SECCOMP_HELPERS_H
#define WARD_TESTS_SECCOMP_HELPERS_H

#include <sys/prctl.h>

#include "runtime/sandbox/sandbox.h"
#include "tests/unit/tap.h"

#define CHILD_SETUP_FAILED 200

/* A probe returns an errno (0 = the call worked) or another code < 256. */
typedef int (*probe_fn)(void *arg);

/* In a child (tap.h's child_fork): no_new_privs, then s loaded (when not NULL), then fn, whose
 * result is the exit code. Returns the raw wait status. */
static inline int run_confined(const sandbox_seccomp *s, probe_fn fn, void *arg)
{
    pid_t pid = child_fork();
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
    return child_wait(pid, -1);
}

#endif
