/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hybrid mode: the v1 backend plus the container's cgroup in the unified hierarchy, which holds
 * only what v1 lacks (hugetlb where no v1 hierarchy has it) and the device filter. Freezing, the
 * process list, stats and removal are v1's, which know about the unified half.
 */

#include "runtime/cgroup/internal.h"

/* Flags for the unified half. */
static int hybrid_flags(const cg_layout *l)
{
    int flags = CG2_HYBRID;
    if (cg_layout_find(l, CG_DEVICES))
        flags |= CG2_DEV_OPTIONAL;
    if (cg_layout_find(l, CG_HUGETLB))
        flags |= CG2_SKIP_HUGETLB;
    return flags;
}

static int hybrid_create(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r,
                         ward_err *err)
{
    if (cg_v1_make(cg, l, r, err) < 0 || cg_v2_create(cg, l->unified, r, hybrid_flags(l), err) < 0)
        return -1;
    return cg_v1_update(cg, l, r, true, err);
}

static int hybrid_update(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r,
                         ward_err *err)
{
    if (cg_v1_update(cg, l, r, false, err) < 0)
        return -1;
    return cg_v2_update(cg, l->unified, r, hybrid_flags(l), err);
}

static int hybrid_enter(const ward_cgroup *cg, const cg_layout *l, pid_t pid, ward_err *err)
{
    if (cg_v1_enter(cg, l, pid, err) < 0)
        return -1;
    return cg_v2_enter(cg, l, pid, err);
}

const cg_backend cg_backend_hybrid = {
    .create = hybrid_create,
    .update = hybrid_update,
    .enter = hybrid_enter,
    .freeze = cg_v1_freeze,
    .is_frozen = cg_v1_is_frozen,
    .procs_dir = cg_v1_procs_dir,
    .stats = cg_stats_v1,
    .oom_kills = cg_oom_kills_v1,
    .destroy = cg_v1_destroy,
};
