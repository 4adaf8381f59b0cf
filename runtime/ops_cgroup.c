/* SPDX-License-Identifier: Apache-2.0 */
/* pause, resume, ps, update and stats: the commands that work on the container's cgroup. */
#include "runtime/cgroup/cgroup.h"
#include "runtime/container.h"
#include "runtime/fault.h"
#include "runtime/log.h"
#include "runtime/resources_merge.h"
#include "runtime/state_store.h"
#include "spec/base/cleanup.h"

#include <stdlib.h>
#include <string.h>

/* Load (and lock) the container and find its cgroup. */
static int open_container(const ward_ctx *ctx, const char *id, bool lock, int *dirfd,
                          spec_state **st, ward_cgroup *cg, ward_err *err)
{
    if (container_load(ctx, id, lock, dirfd, st, err) < 0)
        return -1;
    if (state_cgroup(*st, cg) < 0)
        return ward_fail(err, "container \"%s\": state.json has no cgroup", id);
    return 0;
}

int container_pause(const ward_ctx *ctx, const char *id, ward_err *err)
{
    cleanup_close int dirfd = -1;
    cleanup_state spec_state *st = NULL;
    ward_cgroup cg;
    if (open_container(ctx, id, true, &dirfd, &st, &cg, err) < 0)
        return -1;
    if (st->status == SPEC_STATUS_PAUSED)
        return ward_fail(err, "container \"%s\" is already paused", id);
    if (st->status != SPEC_STATUS_RUNNING && st->status != SPEC_STATUS_CREATED)
        return ward_fail(err, "container \"%s\" is not running", id);
    if (cgroup_freeze(&cg, true, err) < 0)
        return ward_err_prefix(err, "pause container \"%s\"", id);
    return 0;
}

int container_resume(const ward_ctx *ctx, const char *id, ward_err *err)
{
    cleanup_close int dirfd = -1;
    cleanup_state spec_state *st = NULL;
    ward_cgroup cg;
    if (open_container(ctx, id, true, &dirfd, &st, &cg, err) < 0)
        return -1;
    if (st->status != SPEC_STATUS_PAUSED)
        return ward_fail(err, "container \"%s\" is not paused", id);
    if (cgroup_freeze(&cg, false, err) < 0)
        return ward_err_prefix(err, "resume container \"%s\"", id);
    return 0;
}

int container_pids(const ward_ctx *ctx, const char *id, pid_t **pids, size_t *n, ward_err *err)
{
    cleanup_close int dirfd = -1;
    cleanup_state spec_state *st = NULL;
    ward_cgroup cg;
    if (open_container(ctx, id, false, &dirfd, &st, &cg, err) < 0)
        return -1;
    /* whatever the init's state, the cgroup says which processes are the container's */
    return cgroup_pids(&cg, pids, n, err);
}

int container_update(const ward_ctx *ctx, const char *id, spec_resources *r, ward_err *err)
{
    cleanup_close int dirfd = -1;
    cleanup_state spec_state *st = NULL;
    cleanup_config spec_config *cfg = NULL;
    ward_cgroup cg;
    if (open_container(ctx, id, true, &dirfd, &st, &cg, err) < 0)
        return -1;
    if (st->status == SPEC_STATUS_STOPPED)
        return ward_fail(err, "container \"%s\" is not running", id);
    if (state_load_config(dirfd, &cfg, err) < 0)
        return -1;
    resources_drop_unsupported_update(r);
    fault_point("update:loaded");
    if (cgroup_update(&cg, r, err) < 0)
        return -1;
    fault_point("update:cgroup-updated");
    /* the cgroup has the new values: the saved config must say so too */
    resources_merge(&cfg->linux_.resources, r);
    cfg->linux_.has_resources = true;
    cfg->linux_.present = true;
    if (state_save_config(dirfd, cfg, err) < 0)
        return ward_err_prefix(err, "update container \"%s\": record resources", id);
    return 0;
}

int container_stats_json(const ward_ctx *ctx, const char *id, char **json, bool *stopped,
                         ward_err *err)
{
    cleanup_close int dirfd = -1;
    cleanup_state spec_state *st = NULL;
    ward_cgroup cg;
    if (open_container(ctx, id, false, &dirfd, &st, &cg, err) < 0)
        return -1;
    /* a stopped container's cgroup stays until delete, with its last counters */
    *stopped = st->status == SPEC_STATUS_STOPPED;
    if (cgroup_stats_json(&cg, json, err) < 0)
        return ward_err_prefix(err, "container \"%s\" is %s: no stats", id,
                               spec_status_name(st->status));
    return 0;
}
