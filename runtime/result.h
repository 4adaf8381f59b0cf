/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the runtime contributes to a result manifest (attest/manifest.h signs it): the run record
 * of a stopped container, and its outputs resolved to fds. Called by `ward run --result`,
 * `ward delete --result`, and meant for the shim and the job CLI, before the container is deleted
 * (the record needs its state, the resource figures its cgroup).
 */
#ifndef WARD_RUNTIME_RESULT_H
#define WARD_RUNTIME_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <time.h>

#include "runtime/container.h"

typedef struct ward_run_end {
    struct timespec started; /* 0: the container's create time from its state */
    struct timespec ended;   /* 0: now */
    bool exit_known;
    int wait_status;            /* waitpid status when exit_known */
    const char *exit_unknown;   /* why not, when !exit_known */
    const struct rusage *usage; /* the init's (and its reaped children's), or NULL */
} ward_run_end;

/*
 * The run record JSON of container id (see attest/manifest.h): id, bundle config path, image
 * (annotations ward.image.ref, ward.image.digest, ward.image.policy), process args and env names,
 * times, exit, resources (cgroup CPU time and peak memory, else the rusage), protections as
 * `ward state` reports them. *json is malloc'ed.
 */
int container_result_record(const ward_ctx *ctx, const char *id, const ward_run_end *end,
                            char **json, ward_err *err);

/*
 * Resolve an output path as the container saw it ("/out") to an O_PATH fd on the host: through
 * the config's bind mount whose destination holds it (beneath the mount's source, refusing any
 * symlink that leads out), else beneath the rootfs (symlinks resolved as inside the container;
 * one that leads into a bind mount's destination continues through that mount).
 * Paths on other mounts (tmpfs, proc...) are refused: their contents are gone. *name is the
 * output's subject name prefix (its last component, malloc'ed).
 */
int container_result_output(const ward_ctx *ctx, const char *id, const char *path, int *fd,
                            char **name, ward_err *err);

#endif
