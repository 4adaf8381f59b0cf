/* SPDX-License-Identifier: Apache-2.0 */
/* `exec` between its two halves: ward's side (exec.c) and the cloned child (exec_child.c). */
#ifndef WARD_RUNTIME_EXEC_INTERNAL_H
#define WARD_RUNTIME_EXEC_INTERNAL_H

#include "runtime/cgroup/cgroup.h"
#include "runtime/container.h"
#include "runtime/namespaces.h"
#include "runtime/sandbox/sandbox.h"
#include "spec/config.h"

typedef struct exec_job {
    const ward_ctx *ctx;
    const exec_opts *o;
    spec_state *st;
    spec_config *cfg;         /* the container's saved config: seccomp and Landlock come from it */
    spec_process *proc;       /* what runs */
    int dirfd;                /* the state dir, locked until the process is started */
    int procfd;               /* /proc/<init pid>: pins the init while its namespaces are opened */
    int ns_fd[SPEC_NS_COUNT]; /* the init's namespaces that differ from ward's (but pid), or -1 */
    ns_plan spawn_ns;         /* the init's pid namespace, which ward enters for the clone */
    sandbox_seccomp *seccomp;
    ward_cgroup cg;
    int sock; /* ward's end of the sync socket */
    pid_t pid;
} exec_job;

/* Build the process to run from a --process file or the container's own process (consumed). */
int exec_build_process(const exec_opts *o, spec_process *base, spec_process **out, ward_err *err);

/* The cloned child: joins the container, confines itself and execs. Never returns. */
__attribute__((noreturn)) void exec_child_main(const exec_job *j, int sync_fd);

#endif
