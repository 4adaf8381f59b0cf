/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup v1 (and the v1 half of hybrid): one directory per hierarchy. Every container gets the
 * hierarchies that pause, ps, kill --all, stats and device control need (CG_V1_ALWAYS, plus
 * name=systemd when mounted); others only when the spec uses them. In hybrid mode the container
 * also gets a cgroup in the unified hierarchy (v2.c) for what only exists there.
 */

#include "runtime/cgroup/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "spec/base/cleanup.h"

static bool has_cpuset(const spec_resources *r)
{
    return r && ((r->cpu.cpus && *r->cpu.cpus) || (r->cpu.mems && *r->cpu.mems));
}

static bool has_blkio(const spec_resources *r)
{
    const spec_block_io *b = r ? &r->block_io : NULL;
    return b && (b->has_weight || b->has_leaf_weight || b->n_weight_devices ||
                 b->throttle_read_bps.len || b->throttle_write_bps.len ||
                 b->throttle_read_iops.len || b->throttle_write_iops.len);
}

/* The v1 controllers this spec writes to. */
static unsigned v1_used(const spec_resources *r)
{
    unsigned m = 0;
    if (r == NULL)
        return 0;
    if (has_cpuset(r))
        m |= CG_CPUSET;
    if (has_blkio(r))
        m |= CG_BLKIO;
    if (r->n_hugepage_limits)
        m |= CG_HUGETLB;
    if (r->has_net_class_id)
        m |= CG_NET_CLS;
    if (r->n_net_priorities)
        m |= CG_NET_PRIO;
    return m;
}

/* v1 hugetlb, or in hybrid mode the unified hierarchy's. */
static bool hugetlb_in_unified(const cg_layout *l)
{
    return l->mode == CGROUP_MODE_HYBRID && cg_layout_find(l, CG_HUGETLB) == NULL;
}

static int check_mounted(const cg_layout *l, unsigned used, ward_err *err)
{
    static const struct {
        unsigned bit;
        const char *field;
    } fields[] = {{CG_CPUSET, "cpu.cpus/mems"},
                  {CG_BLKIO, "blockIO"},
                  {CG_HUGETLB, "hugepageLimits"},
                  {CG_NET_CLS, "network.classID"},
                  {CG_NET_PRIO, "network.priorities"}};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (!(used & fields[i].bit) || cg_layout_find(l, fields[i].bit))
            continue;
        if (fields[i].bit == CG_HUGETLB && hugetlb_in_unified(l))
            continue;
        return ward_fail(err, "linux.resources.%s: the %s cgroup controller is not mounted",
                         fields[i].field, cg_controller_name(fields[i].bit));
    }
    if (!cg_layout_find(l, CG_DEVICES) && l->mode != CGROUP_MODE_HYBRID)
        return ward_fail(err, "cgroup: the devices controller is not mounted; ward cannot "
                              "confine device access");
    return 0;
}

static int leaf_dir(const cg_hier *h, const ward_cgroup *cg, char dir[PATH_MAX], ward_err *err)
{
    if (cg_check_path(cg->path, err) < 0)
        return -1;
    return cg_join(dir, h->mnt, cg->path, err);
}

/* cpuset: a new cgroup starts with empty cpus/mems; copy the parent's down or nothing can run. */
static int cpuset_copy_down(const char *parent, const char *dir, bool created, void *data,
                            ward_err *err)
{
    char buf[4096];
    static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
    (void)data;
    (void)created;
    for (size_t i = 0; i < 2; i++) {
        if (cg_read(dir, files[i], buf, sizeof(buf), err) < 0)
            return -1;
        if (buf[0] != '\0')
            continue;
        if (cg_read(parent, files[i], buf, sizeof(buf), err) < 0)
            return -1;
        if (buf[0] != '\0' && cg_write(dir, files[i], buf, err) < 0)
            return -1;
    }
    return 0;
}

int cg_v1_procs_dir(const ward_cgroup *cg, const cg_layout *l, char dir[PATH_MAX], ward_err *err)
{
    static const unsigned order[] = {CG_PIDS, CG_FREEZER, CG_MEMORY, CG_CPU, CG_DEVICES};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const cg_hier *h = cg_layout_find(l, order[i]);
        if (h == NULL)
            continue;
        if (leaf_dir(h, cg, dir, err) < 0)
            return -1;
        if (cg_dir_exists(dir))
            return 0;
    }
    if (l->mode == CGROUP_MODE_HYBRID)
        return cg_join(dir, l->unified, cg->path, err);
    return ward_fail(err, "cgroup %s does not exist", cg->path);
}

/* Make the leaf in hierarchy h. A controller added by `update` gets the running processes too. */
static int ensure_dir(const ward_cgroup *cg, const cg_layout *l, const cg_hier *h, bool creating,
                      char dir[PATH_MAX], ward_err *err)
{
    char procs[PATH_MAX];
    bool existed;
    if (leaf_dir(h, cg, dir, err) < 0)
        return -1;
    existed = cg_dir_exists(dir);
    if (existed)
        return 0;
    if (!creating && cg_v1_procs_dir(cg, l, procs, err) < 0)
        return -1;
    if (cg_mkdir_p(h->mnt, cg->path, (h->mask & CG_CPUSET) ? cpuset_copy_down : NULL, NULL, NULL,
                   err) < 0)
        return -1;
    return creating ? 0 : cg_migrate_pids(procs, dir, err);
}

int cg_v1_dir(const ward_cgroup *cg, const cg_layout *l, unsigned controller, bool creating,
              char dir[PATH_MAX], ward_err *err)
{
    const cg_hier *h = cg_layout_find(l, controller);
    if (h == NULL)
        return ward_fail(err, "the %s cgroup controller is not mounted",
                         cg_controller_name(controller));
    return ensure_dir(cg, l, h, creating, dir, err);
}

int cg_v1_make(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r, ward_err *err)
{
    unsigned used = v1_used(r);
    unsigned mask = CG_V1_ALWAYS | CG_NAME_SYSTEMD | used;
    char dir[PATH_MAX];
    if (check_mounted(l, used, err) < 0)
        return -1;
    for (size_t i = 0; i < l->n_v1; i++)
        if ((l->v1[i].mask & mask) && ensure_dir(cg, l, &l->v1[i], true, dir, err) < 0)
            return -1;
    return 0;
}

int cg_v1_enter(const ward_cgroup *cg, const cg_layout *l, pid_t pid, ward_err *err)
{
    char dir[PATH_MAX];
    size_t entered = 0;
    for (size_t i = 0; i < l->n_v1; i++) {
        if (leaf_dir(&l->v1[i], cg, dir, err) < 0)
            return -1;
        if (!cg_dir_exists(dir))
            continue;
        if (cg_writef(dir, "cgroup.procs", err, "%d", (int)pid) < 0)
            return -1;
        entered++;
    }
    if (entered == 0)
        return ward_fail(err, "cgroup %s does not exist", cg->path);
    return 0;
}

static int freezer_dir(const ward_cgroup *cg, const cg_layout *l, char dir[PATH_MAX], ward_err *err)
{
    const cg_hier *h = cg_layout_find(l, CG_FREEZER);
    if (h == NULL)
        return 1;
    return leaf_dir(h, cg, dir, err);
}

/*
 * The directory that freezes the container: the v1 freezer's, or (*v2 set) in hybrid mode
 * without a v1 freezer the container's unified cgroup, which has cgroup.freeze.
 */
static int freeze_dir(const ward_cgroup *cg, const cg_layout *l, char dir[PATH_MAX], bool *v2,
                      ward_err *err)
{
    int rc = freezer_dir(cg, l, dir, err);
    *v2 = false;
    if (rc <= 0)
        return rc;
    if (l->mode != CGROUP_MODE_HYBRID)
        return ward_fail(err, "cgroup: the freezer controller is not mounted");
    *v2 = true;
    return cg_join(dir, l->unified, cg->path, err);
}

int cg_v1_freeze(const ward_cgroup *cg, const cg_layout *l, bool freeze, ward_err *err)
{
    char dir[PATH_MAX], state[32];
    bool v2;
    if (freeze_dir(cg, l, dir, &v2, err) < 0)
        return -1;
    if (v2)
        return cg_v2_freeze(dir, freeze, err);
    /*
     * FREEZING means some task has not stopped yet; writing FROZEN again retries them. Give it
     * about 5 s, then thaw rather than leave a half-frozen container.
     */
    struct timespec ts = {0, 100000};
    for (int attempt = 0; attempt < 1000; attempt++) {
        if (cg_write(dir, "freezer.state", freeze ? "FROZEN" : "THAWED", err) < 0 ||
            cg_read(dir, "freezer.state", state, sizeof(state), err) < 0)
            return -1;
        if (strcmp(state, freeze ? "FROZEN" : "THAWED") == 0)
            return 0;
        nanosleep(&ts, NULL);
        if (ts.tv_nsec < 10000000)
            ts.tv_nsec *= 2;
    }
    if (freeze)
        cg_write(dir, "freezer.state", "THAWED", NULL);
    return ward_fail(err, "cgroup %s: timed out %s (freezer.state is %s)", cg->path,
                     freeze ? "freezing" : "thawing", state);
}

int cg_v1_is_frozen(const ward_cgroup *cg, const cg_layout *l, bool *frozen, ward_err *err)
{
    char dir[PATH_MAX], state[32];
    bool v2;
    if (freeze_dir(cg, l, dir, &v2, err) < 0)
        return -1;
    if (v2)
        return cg_v2_is_frozen(dir, frozen, err);
    if (cg_read(dir, "freezer.state", state, sizeof(state), err) < 0)
        return -1;
    *frozen = strcmp(state, "FROZEN") == 0;
    return 0;
}

int cg_v1_destroy(const ward_cgroup *cg, const cg_layout *l, ward_err *err)
{
    char dir[PATH_MAX];
    int rc = 0;
    ward_err e2;
    /* Once one hierarchy stayed busy for the whole wait, the others get one try each. */
    for (size_t i = 0; i <= l->n_v1; i++) {
        const char *mnt = i < l->n_v1 ? l->v1[i].mnt : l->unified;
        if (mnt[0] == '\0' || (i == l->n_v1 && l->mode != CGROUP_MODE_HYBRID))
            continue;
        if (cg_join(dir, mnt, cg->path, err) < 0)
            return -1;
        if (cg_rmdir_tries(dir, rc < 0 ? 1 : 200, rc < 0 ? &e2 : err) < 0)
            rc = -1;
    }
    return rc;
}

static int v1_create(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r,
                     ward_err *err)
{
    if (cg_v1_make(cg, l, r, err) < 0)
        return -1;
    return cg_v1_update(cg, l, r, true, err);
}

static int v1_update(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r,
                     ward_err *err)
{
    return cg_v1_update(cg, l, r, false, err);
}

const cg_backend cg_backend_v1 = {
    .create = v1_create,
    .update = v1_update,
    .enter = cg_v1_enter,
    .freeze = cg_v1_freeze,
    .is_frozen = cg_v1_is_frozen,
    .procs_dir = cg_v1_procs_dir,
    .stats = cg_stats_v1,
    .oom_kills = cg_oom_kills_v1,
    .destroy = cg_v1_destroy,
};

/* v1 devices: exactly the rules in order ("a" to devices.deny first). */
int cg_v1_devices(const char *dir, const cg_dev_rule *rules, size_t n, ward_err *err)
{
    char line[64];
    for (size_t i = 0; i < n; i++) {
        cg_dev_rule r = rules[i];
        const char *file = r.allow ? "devices.allow" : "devices.deny";
        bool all = r.major < 0 && r.minor < 0 && r.access == CG_ACC_ALL;
        if (r.type == 'a' && !all) {
            /* the kernel reads any "a" line as "everything": spell a narrower one out */
            r.type = 'c';
            cg_dev_rule_format(&r, line, sizeof(line));
            if (cg_write(dir, file, line, err) < 0)
                return ward_err_prefix(err, "linux.resources.devices");
            r.type = 'b';
        }
        cg_dev_rule_format(&r, line, sizeof(line));
        if (cg_write(dir, file, line, err) < 0)
            return ward_err_prefix(err, "linux.resources.devices");
    }
    return 0;
}
