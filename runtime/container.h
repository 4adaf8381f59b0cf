/* SPDX-License-Identifier: Apache-2.0 */
/* The container lifecycle as a library: the CLI (and later the shim) are thin callers of this. */
#ifndef WARD_RUNTIME_CONTAINER_H
#define WARD_RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/hostconf.h"
#include "spec/state.h"

typedef struct ward_ctx {
    const char *root; /* state root, default /run/ward */
    bool debug;
    bool systemd_cgroup;
    ward_hostconf hc;
    const char *config_path; /* --config, NULL: the default (helpers are given the same) */
} ward_ctx;

typedef struct create_opts {
    const char *id;
    const char *bundle;         /* default: cwd */
    const char *pid_file;       /* may be NULL */
    const char *console_socket; /* may be NULL */
    /* With no console_socket, where a terminal's master fd goes instead (the caller proxies it,
     * as `run` in the foreground does); NULL: a terminal needs a console socket. */
    int *console_master;
    int preserve_fds;
    bool no_pivot;
} create_opts;

/* create: on success the init waits on exec.fifo and *pid is its pid. */
int container_create(const ward_ctx *ctx, const create_opts *o, pid_t *pid, ward_err *err);
int container_start(const ward_ctx *ctx, const char *id, ward_err *err);
int container_kill(const ward_ctx *ctx, const char *id, int sig, bool all, ward_err *err);
int container_delete(const ward_ctx *ctx, const char *id, bool force, ward_err *err);

/* Load state (refreshed from the live system). *dirfd is left open (locked when lock). */
int container_load(const ward_ctx *ctx, const char *id, bool lock, int *dirfd, spec_state **st,
                   ward_err *err);

/* The OCI state JSON of a container as `ward state` prints it. */
int container_state_json(const ward_ctx *ctx, const char *id, char **json, ward_err *err);

/* `exec`: what the caller asked for; the process is built from these and the container's own. */
typedef struct exec_opts {
    const char *id;
    const char *process_file; /* runtime-spec Process JSON; NULL: args below */
    char **args;              /* argv of the command when there is no process file */
    size_t n_args;
    bool detach;
    const char *pid_file;
    bool tty;
    const char *console_socket;
    /* With no console_socket, where the terminal's master fd goes instead (the caller proxies
     * it, as `exec -t` in the foreground does), and the size it starts with (0: none). */
    int *console_master;
    unsigned short console_rows, console_cols;
    const char *cwd;
    char **env; /* K=V, each replaces K */
    size_t n_env;
    const char *user; /* uid[:gid] */
    char **caps;      /* added to the bounding, effective and permitted sets */
    size_t n_caps;
    int preserve_fds;
    bool no_new_privs;
    const char *process_label;
    const char *apparmor;
} exec_opts;

/*
 * Start a process inside a running (or created) container: every namespace of its init, its
 * cgroup, the same sandbox. On success *pid is the process (a child of the caller) and it runs.
 * On failure *fail_status is the exit status a CLI should return: 127 when the executable was
 * not found, 126 when it cannot be run, 1 otherwise.
 */
int container_exec(const ward_ctx *ctx, const exec_opts *o, pid_t *pid, int *fail_status,
                   ward_err *err);

/* pause / resume: freeze or thaw the container's cgroup. */
int container_pause(const ward_ctx *ctx, const char *id, ward_err *err);
int container_resume(const ward_ctx *ctx, const char *id, ward_err *err);

/* Host pids of every process in the container (malloc'ed). */
int container_pids(const ward_ctx *ctx, const char *id, pid_t **pids, size_t *n, ward_err *err);

/* Apply resources to the container's cgroup and record them in its saved config. */
int container_update(const ward_ctx *ctx, const char *id, spec_resources *r, ward_err *err);

/* The container's cgroup stats (runc's events "data" object), malloc'ed; a stopped container's
 * are its last ones (*stopped set), taken from its cgroup, which stays until delete. */
int container_stats_json(const ward_ctx *ctx, const char *id, char **json, bool *stopped,
                         ward_err *err);

#endif
