/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container cgroups, three backends chosen at run time: v1 (every controller its own hierarchy),
 * hybrid (v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified holding whatever v1 does
 * not, e.g. hugetlb here), and v2 (one unified hierarchy). Only the controllers the spec uses are
 * touched on the start path.
 */
#ifndef WARD_RUNTIME_CGROUP_H
#define WARD_RUNTIME_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/config.h"

typedef enum cgroup_mode { CGROUP_MODE_V1, CGROUP_MODE_HYBRID, CGROUP_MODE_V2 } cgroup_mode;

typedef struct ward_cgroup {
    cgroup_mode mode;
    char path[PATH_MAX]; /* e.g. "/ward/<id>": relative to each hierarchy's root, leading '/' */
} ward_cgroup;

const char *cgroup_mode_name(cgroup_mode m);
int cgroup_mode_from_name(const char *name, cgroup_mode *out);
int cgroup_detect_mode(cgroup_mode *out, ward_err *err);

/*
 * Resolve linux.cgroupsPath: absolute is taken as is (relative to the hierarchy roots), relative is
 * placed under /ward, absent becomes /ward/<id>. Rejects "..", empty components and overlong paths.
 */
int cgroup_resolve_path(const char *cgroups_path, const char *id, char out[PATH_MAX],
                        ward_err *err);

/*
 * Make the cgroup in every hierarchy the container uses and apply resources (cfg may be NULL).
 * Fills *cg (the detected mode and the resolved path) for the calls below; refuses a cgroup that
 * already has processes in it; removes what it made when it fails.
 */
int cgroup_create(ward_cgroup *cg, const char *id, const spec_config *cfg, ward_err *err);

/*
 * v2 only: an O_PATH|O_DIRECTORY fd of the container's cgroup for clone3(CLONE_INTO_CGROUP);
 * -1 with errnum EOPNOTSUPP on v1 and hybrid (use cgroup_enter there).
 */
int cgroup_open_dir_fd(const ward_cgroup *cg, ward_err *err);

/* Move pid into the container's cgroup in every hierarchy. */
int cgroup_enter(const ward_cgroup *cg, pid_t pid, ward_err *err);

/* Apply resources to a live cgroup, all or nothing: what a failing write leaves is rolled back. */
int cgroup_update(const ward_cgroup *cg, const spec_resources *r, ward_err *err);
int cgroup_freeze(const ward_cgroup *cg, bool freeze, ward_err *err);
/* Whether the cgroup is frozen right now. */
int cgroup_is_frozen(const ward_cgroup *cg, bool *frozen, ward_err *err);

/* Every pid in the container's cgroup (malloc'ed array). */
int cgroup_pids(const ward_cgroup *cg, pid_t **pids, size_t *n, ward_err *err);

/* Send sig to every process in the cgroup (kill --all; delete --force). */
int cgroup_kill_all(const ward_cgroup *cg, int sig, ward_err *err);

/* Stats as a JSON object (runc's events --stats "data" shape): malloc'ed in *json. */
int cgroup_stats_json(const ward_cgroup *cg, char **json, ward_err *err);

/* How many processes of the cgroup the kernel's OOM killer has killed. */
int cgroup_oom_kills(const ward_cgroup *cg, uint64_t *n, ward_err *err);

/* Remove the cgroup in every hierarchy (waits briefly for dying tasks); missing is fine. */
int cgroup_destroy(const ward_cgroup *cg, ward_err *err);

#endif
