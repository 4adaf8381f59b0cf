/* SPDX-License-Identifier: Apache-2.0 */
/*
 * delete --force of a container whose state.json is missing (a create killed before its first
 * state write, or an older ward's delete killed half-way) or corrupt. The processes are found
 * without it: the container's cgroup follows from its id and the saved config (linux.cgroupsPath),
 * and everything in it is killed before the state goes. When the cgroup cannot be known (the
 * saved config is unreadable too), nothing is removed: control is never given up.
 */
#include "runtime/cgroup/cgroup.h"
#include "runtime/log.h"
#include "runtime/recover.h"
#include "runtime/state_store.h"
#include "runtime/volumes/volumes.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Kill every process in the cgroup and wait (bounded) until it is empty. */
static int empty_cgroup(const ward_cgroup *cg, const char *id, ward_err *err)
{
    struct timespec pause = {.tv_nsec = 2000000};
    for (int i = 0; i < 5000; i++) {
        pid_t *pids = NULL;
        size_t n = 0;
        ward_err e;
        if (cgroup_pids(cg, &pids, &n, &e) < 0)
            return 0; /* no cgroup: create never made it */
        free(pids);
        if (n == 0)
            return 0;
        if (cgroup_kill_all(cg, SIGKILL, &e) < 0)
            ward_log_warning("delete: %s", e.msg);
        nanosleep(&pause, NULL);
    }
    return ward_fail(err, "container \"%s\": processes in cgroup %s did not die", id, cg->path);
}

int recover_delete(const ward_ctx *ctx, const char *id, int dirfd, const ward_err *why,
                   ward_err *err)
{
    cleanup_config spec_config *cfg = NULL;
    ward_cgroup cg;
    ward_err e;
    if (state_load_config(dirfd, &cfg, &e) < 0 && e.errnum != ENOENT)
        return ward_fail(err,
                         "container \"%s\": %s; and %s: its cgroup cannot be found, so its state "
                         "is kept",
                         id, why->msg, e.msg);
    /* no config copy: create stopped before it, so before the cgroup (then at the default path) */
    if (cgroup_detect_mode(&cg.mode, err) < 0 ||
        cgroup_resolve_path(cfg ? cfg->linux_.cgroups_path : NULL, id, cg.path, err) < 0)
        return ward_err_prefix(err, "container \"%s\"", id);
    ward_log_warning("container \"%s\": %s; deleting it through its cgroup %s", id, why->msg,
                     cg.path);
    if (empty_cgroup(&cg, id, err) < 0)
        return -1;
    if (cgroup_destroy(&cg, &e) < 0)
        ward_log_warning("delete: %s", e.msg);
    if (volumes_teardown(volumes_dir(&ctx->hc), id, err) < 0)
        return -1;
    return state_dir_remove(ctx->root, id, err);
}
