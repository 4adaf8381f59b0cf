/* SPDX-License-Identifier: Apache-2.0 */
/* The cgroup API: path resolution and dispatch to the v1/hybrid and v2 backends. */

#include "runtime/cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "runtime/cgroup/internal.h"
#include "spec/base/cleanup.h"

#define CGPATH "linux.cgroupsPath: "

static int check_id(const char *id, ward_err *err)
{
    size_t len = id ? strlen(id) : 0;
    if (len == 0 || len > CG_COMPONENT_MAX || strchr(id, '/') || strcmp(id, ".") == 0 ||
        strcmp(id, "..") == 0)
        return ward_fail(err, "cgroup: bad container id \"%s\"", id ? id : "");
    for (const char *p = id; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return ward_fail(err, "cgroup: bad container id");
    return 0;
}

/* Check every component of an absolute path; messages name the rule that was broken. */
static int check_components(const char *path, ward_err *err)
{
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return ward_fail(err, CGPATH "control character in path");
    for (const char *p = path + 1;;) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0)
            return ward_fail(err, CGPATH "empty path component");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return ward_fail(err, CGPATH "\"..\" is not allowed");
        if (n == 1 && p[0] == '.')
            return ward_fail(err, CGPATH "\".\" is not allowed");
        if (n > CG_COMPONENT_MAX)
            return ward_fail(err, CGPATH "component longer than %d bytes", CG_COMPONENT_MAX);
        if (end == NULL)
            return 0;
        p = end + 1;
    }
}

int cgroup_resolve_path(const char *cgroups_path, const char *id, char out[PATH_MAX], ward_err *err)
{
    int n;
    if (cgroups_path == NULL) {
        if (check_id(id, err) < 0)
            return -1;
        n = snprintf(out, PATH_MAX, "/ward/%s", id);
    } else if (cgroups_path[0] == '\0') {
        return ward_fail(err, CGPATH "must not be empty");
    } else if (cgroups_path[0] == '/') {
        if (strcmp(cgroups_path, "/") == 0)
            return ward_fail(err, CGPATH "must not be the root cgroup");
        n = snprintf(out, PATH_MAX, "%s", cgroups_path);
    } else {
        /* "slice:prefix:name" is systemd's form; a relative cgroupfs path has no ':' in ward */
        if (strchr(cgroups_path, ':') != NULL)
            return ward_fail(err, CGPATH "systemd cgroup paths need --systemd-cgroup");
        n = snprintf(out, PATH_MAX, "/ward/%s", cgroups_path);
    }
    if (n < 0 || n > CG_PATH_MAX)
        return ward_fail(err, CGPATH "longer than %d bytes", CG_PATH_MAX);
    return check_components(out, err);
}

static const spec_resources *resources_of(const spec_config *cfg)
{
    return cfg && cfg->linux_.has_resources ? &cfg->linux_.resources : NULL;
}

/* Flags for the unified half in hybrid mode. */
static int hybrid_flags(const cg_layout *l)
{
    int flags = CG2_HYBRID;
    if (cg_layout_find(l, CG_DEVICES))
        flags |= CG2_DEV_OPTIONAL;
    if (cg_layout_find(l, CG_HUGETLB))
        flags |= CG2_SKIP_HUGETLB;
    return flags;
}

static const cg_layout *layout_for(const ward_cgroup *cg, ward_err *err)
{
    const cg_layout *l = cg_layout_get(err);
    if (l == NULL)
        return NULL;
    if (cg_check_path(cg->path, err) < 0)
        return NULL;
    if (l->mode != cg->mode) {
        ward_fail(err, "cgroup: the container was created in %s mode, the host is now %s",
                  cgroup_mode_name(cg->mode), cgroup_mode_name(l->mode));
        return NULL;
    }
    return l;
}

static int unified_dir(const ward_cgroup *cg, const cg_layout *l, char dir[PATH_MAX], ward_err *err)
{
    return cg_join(dir, l->unified, cg->path, err);
}

static int create_in(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r,
                     ward_err *err)
{
    if (l->mode == CGROUP_MODE_V2)
        return cg_v2_create(cg, l->unified, r, 0, err);
    if (cg_v1_create(cg, l, r, err) < 0)
        return -1;
    if (l->mode == CGROUP_MODE_HYBRID && cg_v2_create(cg, l->unified, r, hybrid_flags(l), err) < 0)
        return -1;
    return cg_v1_update(cg, l, r, true, err);
}

/* A leaf that already holds processes is someone else's: never adopt it (nor remove it). */
static int check_not_in_use(const ward_cgroup *cg, const cg_layout *l, ward_err *err)
{
    char dir[PATH_MAX];
    for (size_t i = 0; i <= l->n_v1; i++) {
        cleanup_free pid_t *pids = NULL;
        size_t n = 0;
        const char *mnt = i < l->n_v1 ? l->v1[i].mnt : l->unified;
        if (mnt[0] == '\0')
            continue;
        if (cg_join(dir, mnt, cg->path, err) < 0)
            return -1;
        if (!cg_dir_exists(dir))
            continue;
        if (cg_read_pids(dir, &pids, &n, err) < 0)
            return -1;
        if (n > 0)
            return ward_fail(err, CGPATH "cgroup %s already has processes in it", cg->path);
    }
    return 0;
}

int cgroup_create(ward_cgroup *cg, const char *id, const spec_config *cfg, ward_err *err)
{
    const cg_layout *l = cg_layout_get(err);
    ward_err scratch;
    if (l == NULL)
        return -1;
    memset(cg, 0, sizeof(*cg));
    cg->mode = l->mode;
    if (cgroup_resolve_path(cfg ? cfg->linux_.cgroups_path : NULL, id, cg->path, err) < 0 ||
        check_not_in_use(cg, l, err) < 0)
        return -1;
    if (create_in(cg, l, resources_of(cfg), err) < 0) {
        cgroup_destroy(cg, &scratch);
        return -1;
    }
    return 0;
}

int cgroup_open_dir_fd(const ward_cgroup *cg, ward_err *err)
{
    char dir[PATH_MAX];
    const cg_layout *l = layout_for(cg, err);
    if (l == NULL)
        return -1;
    if (l->mode != CGROUP_MODE_V2)
        return ward_fail_errno(err, EOPNOTSUPP, "cgroup: CLONE_INTO_CGROUP needs cgroup v2");
    if (unified_dir(cg, l, dir, err) < 0)
        return -1;
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ward_fail_errno(err, errno, "open %s", dir);
    return fd;
}

int cgroup_enter(const ward_cgroup *cg, pid_t pid, ward_err *err)
{
    char dir[PATH_MAX];
    const cg_layout *l = layout_for(cg, err);
    if (l == NULL)
        return -1;
    if (pid <= 0)
        return ward_fail(err, "cgroup: bad pid %d", (int)pid);
    if (l->mode != CGROUP_MODE_V2 && cg_v1_enter(cg, l, pid, err) < 0)
        return -1;
    if (l->mode == CGROUP_MODE_V1)
        return 0;
    if (unified_dir(cg, l, dir, err) < 0)
        return -1;
    return cg_writef(dir, "cgroup.procs", err, "%d", (int)pid);
}

static int update_all(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r,
                      ward_err *err)
{
    if (l->mode == CGROUP_MODE_V2)
        return cg_v2_update(cg, l->unified, r, 0, err);
    if (cg_v1_update(cg, l, r, false, err) < 0)
        return -1;
    if (l->mode == CGROUP_MODE_HYBRID)
        return cg_v2_update(cg, l->unified, r, hybrid_flags(l), err);
    return 0;
}

/* All or nothing: a write the kernel refuses undoes the ones before it (undo.c). */
int cgroup_update(const ward_cgroup *cg, const spec_resources *r, ward_err *err)
{
    const cg_layout *l = layout_for(cg, err);
    int lost;
    if (l == NULL)
        return -1;
    if (r == NULL)
        return 0;
    cg_undo_begin();
    if (update_all(cg, l, r, err) == 0)
        return cg_undo_end(false);
    lost = cg_undo_end(true);
    if (lost > 0)
        ward_err_prefix(err, "%d earlier cgroup writes could not be rolled back", lost);
    return -1;
}

int cgroup_freeze(const ward_cgroup *cg, bool freeze, ward_err *err)
{
    char dir[PATH_MAX];
    const cg_layout *l = layout_for(cg, err);
    if (l == NULL)
        return -1;
    if (l->mode != CGROUP_MODE_V2)
        return cg_v1_freeze(cg, l, freeze, err);
    return unified_dir(cg, l, dir, err) < 0 ? -1 : cg_v2_freeze(dir, freeze, err);
}

int cgroup_is_frozen(const ward_cgroup *cg, bool *frozen, ward_err *err)
{
    char dir[PATH_MAX];
    const cg_layout *l = layout_for(cg, err);
    if (l == NULL)
        return -1;
    if (l->mode != CGROUP_MODE_V2)
        return cg_v1_is_frozen(cg, l, frozen, err);
    return unified_dir(cg, l, dir, err) < 0 ? -1 : cg_v2_is_frozen(dir, frozen, err);
}

static int procs_dir(const ward_cgroup *cg, const cg_layout *l, char dir[PATH_MAX], ward_err *err)
{
    if (l->mode == CGROUP_MODE_V2)
        return unified_dir(cg, l, dir, err);
    return cg_v1_procs_dir(cg, l, dir, err);
}

int cgroup_pids(const ward_cgroup *cg, pid_t **pids, size_t *n, ward_err *err)
{
    char dir[PATH_MAX];
    const cg_layout *l = layout_for(cg, err);
    if (l == NULL || procs_dir(cg, l, dir, err) < 0)
        return -1;
    return cg_read_pids(dir, pids, n, err);
}

static int signal_each(const char *dir, int sig, ward_err *err)
{
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    if (cg_read_pids(dir, &pids, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (kill(pids[i], sig) < 0 && errno != ESRCH)
            return ward_fail_errno(err, errno, "cgroup: kill(%d, %d)", (int)pids[i], sig);
    return 0;
}

/*
 * Freeze, signal every process, thaw (as runc): a frozen cgroup cannot fork a child that escapes
 * the signal. A container that was paused stays paused unless the signal is SIGKILL, which v1
 * only delivers once the tasks are thawed.
 */
int cgroup_kill_all(const ward_cgroup *cg, int sig, ward_err *err)
{
    char dir[PATH_MAX];
    bool was_frozen = false, froze = false;
    ward_err scratch;
    const cg_layout *l = layout_for(cg, err);
    if (l == NULL || procs_dir(cg, l, dir, err) < 0)
        return -1;
    if (sig <= 0 || sig >= NSIG)
        return ward_fail(err, "cgroup: bad signal %d", sig);
    if (l->mode == CGROUP_MODE_V2 && sig == SIGKILL) {
        int rc = cg_v2_kill(dir, err);
        if (rc <= 0)
            return rc;
    }
    if (cgroup_is_frozen(cg, &was_frozen, &scratch) == 0 && !was_frozen)
        froze = cgroup_freeze(cg, true, &scratch) == 0;
    int rc = signal_each(dir, sig, err);
    if ((froze || (was_frozen && sig == SIGKILL)) &&
        cgroup_freeze(cg, false, rc < 0 ? &scratch : err) < 0)
        rc = -1;
    return rc;
}

int cgroup_stats_json(const ward_cgroup *cg, char **json, ward_err *err)
{
    char dir[PATH_MAX];
    const cg_layout *l = layout_for(cg, err);
    if (l == NULL)
        return -1;
    if (l->mode != CGROUP_MODE_V2)
        return cg_stats_v1(cg, l, json, err);
    return unified_dir(cg, l, dir, err) < 0 ? -1 : cg_stats_v2(dir, json, err);
}

int cgroup_oom_kills(const ward_cgroup *cg, uint64_t *n, ward_err *err)
{
    char dir[PATH_MAX] = "";
    const cg_layout *l = layout_for(cg, err);
    if (l == NULL || (l->mode == CGROUP_MODE_V2 && unified_dir(cg, l, dir, err) < 0))
        return -1;
    if (cg_oom_kills(cg, l, dir, n) < 0)
        return ward_fail(err, "cgroup %s: no memory controller", cg->path);
    return 0;
}

int cgroup_destroy(const ward_cgroup *cg, ward_err *err)
{
    char dir[PATH_MAX];
    const cg_layout *l = layout_for(cg, err);
    if (l == NULL)
        return -1;
    if (l->mode != CGROUP_MODE_V2)
        return cg_v1_destroy(cg, l, err);
    return unified_dir(cg, l, dir, err) < 0 ? -1 : cg_rmdir(dir, err);
}
