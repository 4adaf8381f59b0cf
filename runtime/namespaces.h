/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_RUNTIME_NAMESPACES_H
#define WARD_RUNTIME_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/config.h"

/*
 * What the config asks of namespaces, resolved once by ward before the init is cloned (exec's
 * plan holds only the init's pid namespace, which ward enters for the clone).
 */
typedef struct ns_plan {
    int clone_flags;            /* CLONE_NEW* to create with clone3 */
    int join_fd[SPEC_NS_COUNT]; /* fds of namespaces to join by path, -1 otherwise */
    bool new_user;              /* a new user namespace (needs uid/gid maps written by ward) */
    bool new_time;   /* a new time namespace (made by ward with unshare, offsets first) */
    bool new_cgroup; /* made by the init once it is in its cgroup, so that is its root */
    bool by_ward[SPEC_NS_COUNT]; /* joined by ward before clone3 (with a new user ns) */
    int saved_fd[SPEC_NS_COUNT]; /* ward's own namespaces, restored after clone3 */
} ns_plan;

/* The CLONE_NEW* flag of a namespace type, and its name under /proc/PID/ns/. */
int ns_clone_flag(spec_ns_type t);
const char *ns_proc_name(spec_ns_type t);

/* A plan that makes and joins nothing (every fd -1). */
void ns_plan_init(ns_plan *plan);
/* Open and check every namespace path (its type must match); fill clone flags. */
int ns_plan_make(const spec_config *cfg, ns_plan *plan, ward_err *err);
void ns_plan_close(ns_plan *plan);

/*
 * In ward before clone: make a new time namespace for children with the spec's offsets, enter
 * pid/time namespaces given by path (both only affect children) and, with a new user namespace,
 * the network/ipc/uts/cgroup namespaces given by path (a child inside the new user namespace
 * may not join those owned by the host's; born into them, it needs no permission).
 */
int ns_prepare_parent(const spec_config *cfg, ns_plan *plan, ward_err *err);

/* In ward right after clone: back to ward's own namespaces (hooks run in the runtime's). */
int ns_restore_parent(ns_plan *plan, ward_err *err);

/* In the init: join the namespaces given by path (user first). */
int ns_join_paths(const ns_plan *plan, ward_err *err);

/* In the init, after ward moved it into its cgroup: the cgroup namespace rooted there. */
int ns_unshare_cgroup(const ns_plan *plan, ward_err *err);

/* In ward: write /proc/PID/{uid_map,gid_map} from linux.uidMappings/gidMappings. */
int ns_write_id_maps(const spec_config *cfg, pid_t pid, ward_err *err);

#endif
