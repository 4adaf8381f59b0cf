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
} ward_ctx;

typedef struct create_opts {
    const char *id;
    const char *bundle;         /* default: cwd */
    const char *pid_file;       /* may be NULL */
    const char *console_socket; /* may be NULL */
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

#endif
