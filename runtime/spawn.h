/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One way into a container for a new process, used by `create` (the init) and by `exec`: ward
 * clones a child with clone3 straight into its namespaces and (cgroup v2) its cgroup, then serves
 * the child's requests over a SOCK_SEQPACKET socketpair (runtime/sync.h) until it reports ready.
 */
#ifndef WARD_RUNTIME_SPAWN_H
#define WARD_RUNTIME_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/namespaces.h"
#include "runtime/sync.h"
#include "spec/config.h"
#include "spec/state.h"

typedef struct spawn_req {
    const char *what;       /* "the container init", "the exec'd process": in errors */
    ns_plan *ns;            /* clone flags, and what ward enters for the clone (then leaves) */
    const spec_config *cfg; /* the plan's time offsets */
    const ward_cgroup *cg;  /* on cgroup v2 the child is born in it (CLONE_INTO_CGROUP) */
    /* Runs in the clone, dying with ward and non-dumpable, with its end of the socket; must
     * not return (spawn _exits if it does). */
    void (*child)(void *arg, int sync_fd);
    void *arg;
} spawn_req;

typedef struct spawn_child {
    pid_t pid;      /* > 0 once cloned, even when a later step failed: the caller reaps it */
    int sock;       /* ward's end of the socket, -1 before */
    bool in_cgroup; /* born in its cgroup: v1 and hybrid need cgroup_enter */
} spawn_child;

/*
 * Make the socketpair, turn ward non-dumpable, enter r->ns for children, clone3, return to ward's
 * own namespaces. On failure after clone3 the child is killed (SIGKILL) and c->pid stays set.
 */
int spawn_clone(const spawn_req *r, spawn_child *c, ward_err *err);

/* How ward answers the child's messages (spawn_serve). */
typedef struct spawn_peer {
    const char *name;           /* "container init", "the exec'd process": in errors */
    pid_t pid;                  /* for the seccomp agent's state */
    const spec_config *cfg;     /* hooks, linux.seccomp.listenerPath */
    const spec_state *st;       /* the OCI state hooks and the seccomp agent get */
    const char *console_socket; /* where a terminal's master goes */
    /* Without a console socket, the terminal's master is handed over here instead (create's
     * caller, `ward run` in the foreground, holds it); NULL: a socket is required. */
    int *console_master;
    bool runtime_hooks; /* the init asks ward to run prestart and createRuntime */
    int *exec_status;   /* exec: SYNC_EXEC_FAILED sets 127 or 126; NULL: unexpected */
    /* The child closed its end without a word (NULL: the receive error stands). */
    int (*died)(void *ctx, ward_err *err);
    void *ctx;
} spawn_peer;

/*
 * Serve the child on sock until it sends SYNC_READY (copied to *ready): a terminal goes to the
 * console socket (or to *console_master), a seccomp listener to linux.seccomp.listenerPath, hook
 * requests are run. A SYNC_ERROR (or SYNC_EXEC_FAILED) becomes err.
 */
int spawn_serve(int sock, const spawn_peer *p, sync_msg *ready, ward_err *err);

#endif
