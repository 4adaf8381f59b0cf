/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup v2: the container's cgroup in the unified hierarchy, with the controllers it needs
 * enabled in cgroup.subtree_control of every ancestor; freeze through cgroup.freeze, kill through
 * cgroup.kill. Also serves the unified half of hybrid mode, where only what v1 lacks lives here
 * (hugetlb on this host), plus the device filter.
 */

#include "runtime/cgroup/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "spec/base/cleanup.h"

typedef struct wanted {
    struct {
        char name[32];
        bool required; /* the spec writes to it: missing is an error */
    } c[24];
    size_t n;
} wanted;

static void want(wanted *w, const char *name, size_t len, bool required)
{
    for (size_t i = 0; i < w->n; i++) {
        if (strlen(w->c[i].name) == len && strncmp(w->c[i].name, name, len) == 0) {
            w->c[i].required |= required;
            return;
        }
    }
    if (w->n == sizeof(w->c) / sizeof(w->c[0]) || len >= sizeof(w->c[0].name))
        return;
    memcpy(w->c[w->n].name, name, len);
    w->c[w->n].name[len] = '\0';
    w->c[w->n].required = required;
    w->n++;
}

static bool io_used(const spec_block_io *b)
{
    return b->has_weight || b->n_weight_devices || b->throttle_read_bps.len ||
           b->throttle_write_bps.len || b->throttle_read_iops.len || b->throttle_write_iops.len;
}

static void wanted_for(const spec_resources *r, int flags, wanted *w)
{
    w->n = 0;
    if (!(flags & CG2_HYBRID)) {
        /* memory, pids and cpu serve stats and ps for every container */
        want(w, "memory", 6, r && r->memory.present);
        want(w, "pids", 4, r && r->has_pids_limit);
        want(w, "cpu", 3,
             r && r->cpu.present &&
                 (r->cpu.has_shares || r->cpu.has_quota || r->cpu.has_period || r->cpu.has_burst ||
                  r->cpu.has_idle));
        if (r && ((r->cpu.cpus && *r->cpu.cpus) || (r->cpu.mems && *r->cpu.mems)))
            want(w, "cpuset", 6, true);
        if (r && io_used(&r->block_io))
            want(w, "io", 2, true);
    }
    if (r && r->n_hugepage_limits && !(flags & CG2_SKIP_HUGETLB))
        want(w, "hugetlb", 7, true);
    for (size_t i = 0; r && i < r->unified.len; i++) {
        const char *key = r->unified.items[i].key, *dot = key ? strchr(key, '.') : NULL;
        if (dot && strncmp(key, "cgroup.", 7) != 0)
            want(w, key, (size_t)(dot - key), true);
    }
}

static bool in_list(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += len)
        if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return true;
    return false;
}

static int enable_in_parent(const char *parent, const char *dir, bool created, void *data,
                            ward_err *err)
{
    const wanted *w = data;
    char avail[1024], enabled[1024];
    (void)dir;
    (void)created;
    if (cg_read(parent, "cgroup.controllers", avail, sizeof(avail), err) < 0 ||
        cg_read(parent, "cgroup.subtree_control", enabled, sizeof(enabled), err) < 0)
        return -1;
    for (size_t i = 0; i < w->n; i++) {
        const char *name = w->c[i].name;
        if (in_list(enabled, name))
            continue;
        if (!in_list(avail, name)) {
            if (w->c[i].required)
                return ward_fail(err, "cgroup v2: the %s controller is not available in %s", name,
                                 parent);
            continue;
        }
        if (cg_writef(parent, "cgroup.subtree_control", err, "+%s", name) < 0 && w->c[i].required)
            return ward_err_prefix(err, "cgroup v2: enabling %s", name);
    }
    return 0;
}

int cg_v2_enable_controllers(const char *root, const char *path, const spec_resources *r, int flags,
                             ward_err *err)
{
    wanted w;
    wanted_for(r, flags, &w);
    if (w.n == 0)
        return cg_mkdir_p(root, path, NULL, NULL, NULL, err);
    return cg_mkdir_p(root, path, enable_in_parent, &w, NULL, err);
}

int cg_v2_create(const ward_cgroup *cg, const char *root, const spec_resources *r, int flags,
                 ward_err *err)
{
    char dir[PATH_MAX];
    if (cg_check_path(cg->path, err) < 0 || cg_join(dir, root, cg->path, err) < 0)
        return -1;
    if (cg_v2_enable_controllers(root, cg->path, r, flags, err) < 0)
        return -1;
    return cg_v2_update(cg, root, r, flags | CG2_CREATING, err);
}

/* Wait for cgroup.events to say "frozen <want>"; tasks stop asynchronously. */
static int wait_frozen(const char *dir, bool want_frozen, ward_err *err)
{
    struct timespec ts = {0, 100000};
    bool frozen = !want_frozen;
    for (int attempt = 0; attempt < 1000; attempt++) {
        if (cg_v2_is_frozen(dir, &frozen, err) < 0)
            return -1;
        if (frozen == want_frozen)
            return 0;
        nanosleep(&ts, NULL);
        if (ts.tv_nsec < 10000000)
            ts.tv_nsec *= 2;
    }
    return ward_fail(err, "cgroup %s: timed out %s", dir, want_frozen ? "freezing" : "thawing");
}

int cg_v2_freeze(const char *dir, bool freeze, ward_err *err)
{
    if (cg_write(dir, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
        return -1;
    if (wait_frozen(dir, freeze, err) < 0) {
        if (freeze)
            cg_write(dir, "cgroup.freeze", "0", NULL);
        return -1;
    }
    return 0;
}

int cg_v2_is_frozen(const char *dir, bool *frozen, ward_err *err)
{
    char buf[512];
    if (cg_read(dir, "cgroup.events", buf, sizeof(buf), err) < 0)
        return -1;
    const char *p = strstr(buf, "frozen ");
    if (p == NULL || (p != buf && p[-1] != '\n'))
        return ward_fail(err, "%s/cgroup.events: no \"frozen\" line", dir);
    *frozen = p[7] == '1';
    return 0;
}

static int v2_kill(const char *dir, ward_err *err)
{
    if (!cg_file_exists(dir, "cgroup.kill"))
        return 1;
    return cg_write(dir, "cgroup.kill", "1", err);
}

int cg_v2_dir(const ward_cgroup *cg, const cg_layout *l, char dir[PATH_MAX], ward_err *err)
{
    return cg_join(dir, l->unified, cg->path, err);
}

static int v2_create(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r,
                     ward_err *err)
{
    return cg_v2_create(cg, l->unified, r, 0, err);
}

static int v2_update(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r,
                     ward_err *err)
{
    return cg_v2_update(cg, l->unified, r, 0, err);
}

int cg_v2_enter(const ward_cgroup *cg, const cg_layout *l, pid_t pid, ward_err *err)
{
    char dir[PATH_MAX];
    if (cg_v2_dir(cg, l, dir, err) < 0)
        return -1;
    return cg_writef(dir, "cgroup.procs", err, "%d", (int)pid);
}

static int v2_freeze(const ward_cgroup *cg, const cg_layout *l, bool freeze, ward_err *err)
{
    char dir[PATH_MAX];
    return cg_v2_dir(cg, l, dir, err) < 0 ? -1 : cg_v2_freeze(dir, freeze, err);
}

static int v2_is_frozen(const ward_cgroup *cg, const cg_layout *l, bool *frozen, ward_err *err)
{
    char dir[PATH_MAX];
    return cg_v2_dir(cg, l, dir, err) < 0 ? -1 : cg_v2_is_frozen(dir, frozen, err);
}

static int v2_stats(const ward_cgroup *cg, const cg_layout *l, char **json, ward_err *err)
{
    char dir[PATH_MAX];
    return cg_v2_dir(cg, l, dir, err) < 0 ? -1 : cg_stats_v2(dir, json, err);
}

static int v2_oom_kills(const ward_cgroup *cg, const cg_layout *l, uint64_t *n, ward_err *err)
{
    char dir[PATH_MAX];
    return cg_v2_dir(cg, l, dir, err) < 0 ? -1 : cg_oom_kills_v2(cg, dir, n, err);
}

static int v2_destroy(const ward_cgroup *cg, const cg_layout *l, ward_err *err)
{
    char dir[PATH_MAX];
    return cg_v2_dir(cg, l, dir, err) < 0 ? -1 : cg_rmdir(dir, err);
}

const cg_backend cg_backend_v2 = {
    .create = v2_create,
    .update = v2_update,
    .enter = cg_v2_enter,
    .freeze = v2_freeze,
    .is_frozen = v2_is_frozen,
    .procs_dir = cg_v2_dir,
    .stats = v2_stats,
    .oom_kills = v2_oom_kills,
    .destroy = v2_destroy,
    .kill = v2_kill,
    .clone_into = true,
};
