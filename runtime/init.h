/* SPDX-License-Identifier: Apache-2.0 */
/* The container's init: a clone of ward that sets the container up, then execs the process. */
#ifndef WARD_RUNTIME_INIT_H
#define WARD_RUNTIME_INIT_H

#include <stdbool.h>

#include "runtime/namespaces.h"
#include "runtime/sandbox/sandbox.h"
#include "spec/config.h"
#include "spec/hostconf.h"

typedef struct init_args {
    const spec_config *cfg;
    const ward_hostconf *hc;
    const char *rootfs; /* absolute, canonical */
    const char *bundle; /* absolute: relative bind sources are relative to it */
    const ns_plan *ns;
    const sandbox_seccomp *seccomp;
    bool no_pivot;
    bool console; /* process.terminal: make a pty and send its master */
    int preserve_fds;
    int sync_fd; /* init's end of the socketpair */
    int fifo_fd; /* O_PATH fd of exec.fifo */
} init_args;

/*
 * Runs in the clone (runtime/spawn.c made it non-dumpable and dying with ward; had ward died
 * before that, the sync socket is closed and the first receive fails); never returns.
 */
__attribute__((noreturn)) void init_main(const init_args *a);

#endif
