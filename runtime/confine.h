/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The last steps before a container process execs, shared by the init and by `exec`: identity,
 * capabilities, no_new_privs, Landlock, fds, seccomp. Both get the very same sandbox this way.
 */
#ifndef WARD_RUNTIME_CONFINE_H
#define WARD_RUNTIME_CONFINE_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/sandbox/sandbox.h"
#include "spec/config.h"
#include "spec/hostconf.h"

typedef struct confine_args {
    const spec_config *cfg;   /* the container's config: Landlock is derived from it */
    const spec_process *proc; /* the process about to exec (the init's, or an exec'd one) */
    const ward_hostconf *hc;
    const sandbox_seccomp *seccomp;
    int preserve_fds;
    int sync_fd; /* a seccomp notify listener fd is sent to ward over it */
} confine_args;

/* no_new_privs is always set unless the host config makes it optional and the process says no. */
bool confine_want_nnp(const ward_hostconf *hc, const spec_process *p);

/*
 * Drop the bounding set, become the process's user, chdir to its cwd, set capabilities and umask,
 * no_new_privs, Landlock, mark fds close-on-exec, load the seccomp baseline (and a spec filter
 * with notify actions). The Landlock report (JSON or "null") is written to landlock_json.
 */
int confine_process(const confine_args *a, char *landlock_json, size_t ll_len, ward_err *err);

/*
 * The very last step before execve, after everything ward itself still does (sync messages, the
 * exec.fifo wait, startContainer hooks): the spec's seccomp filter, so that a profile which
 * allows only what the workload needs never sees a syscall of ward's.
 */
int confine_last(const sandbox_seccomp *seccomp, ward_err *err);

#endif
