/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host's cgroup layout: which mode, where each v1 hierarchy is mounted (read from
 * /proc/self/mountinfo, never hard-coded, so co-mounts such as "cpu,cpuacct" work), and where the
 * cgroup2 mount is.
 */

#include "runtime/cgroup/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "spec/base/cleanup.h"
#include "spec/base/file.h"
#include "spec/base/mountinfo.h"

static const struct {
    const char *name;
    unsigned bit;
} controllers[] = {
    {"cpu", CG_CPU},         {"cpuacct", CG_CPUACCT},   {"cpuset", CG_CPUSET},
    {"memory", CG_MEMORY},   {"devices", CG_DEVICES},   {"freezer", CG_FREEZER},
    {"blkio", CG_BLKIO},     {"pids", CG_PIDS},         {"hugetlb", CG_HUGETLB},
    {"net_cls", CG_NET_CLS}, {"net_prio", CG_NET_PRIO}, {"perf_event", CG_PERF_EVENT},
    {"rdma", CG_RDMA},       {"misc", CG_MISC},         {"name=systemd", CG_NAME_SYSTEMD},
};

unsigned cg_controller_bit(const char *name)
{
    for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
        if (strcmp(controllers[i].name, name) == 0)
            return controllers[i].bit;
    return 0;
}

const char *cg_controller_name(unsigned bit)
{
    for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
        if (controllers[i].bit == bit)
            return controllers[i].name;
    return "?";
}

const char *cgroup_mode_name(cgroup_mode m)
{
    switch (m) {
    case CGROUP_MODE_V1:
        return "v1";
    case CGROUP_MODE_HYBRID:
        return "hybrid";
    case CGROUP_MODE_V2:
        return "v2";
    }
    return "unknown";
}

int cgroup_mode_from_name(const char *name, cgroup_mode *out)
{
    static const cgroup_mode all[] = {CGROUP_MODE_V1, CGROUP_MODE_HYBRID, CGROUP_MODE_V2};
    for (size_t i = 0; name != NULL && i < 3; i++) {
        if (strcmp(name, cgroup_mode_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

static bool is_fs(const char *path, long magic)
{
    struct statfs st;
    return statfs(path, &st) == 0 && (long)st.f_type == magic;
}

int cgroup_detect_mode(cgroup_mode *out, ward_err *err)
{
    struct statfs st;
    if (statfs("/sys/fs/cgroup", &st) < 0)
        return ward_fail_errno(err, errno, "cgroup: statfs /sys/fs/cgroup");
    if ((long)st.f_type == CGROUP2_SUPER_MAGIC)
        *out = CGROUP_MODE_V2;
    else if ((long)st.f_type == TMPFS_MAGIC && is_fs("/sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC))
        *out = CGROUP_MODE_HYBRID;
    else
        *out = CGROUP_MODE_V1;
    return 0;
}

static unsigned mask_from_superopts(char *opts)
{
    unsigned mask = 0;
    char *save = NULL;
    for (char *tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        mask |= cg_controller_bit(tok);
    return mask;
}

/* One mountinfo line: the cgroup2 mount point and the v1 hierarchies ward knows. */
static int parse_line(char *line, cg_layout *out, ward_err *err)
{
    mountinfo_line mi;
    if (mountinfo_parse_line(line, &mi) < 0)
        return 0;
    char *fstype = mi.fstype, *superopts = mi.superopts, *mnt = mi.mountpoint;
    if (strlen(mnt) >= CG_MNT_MAX)
        return ward_fail(err, "cgroup: mount point too long in mountinfo");
    if (strcmp(fstype, "cgroup2") == 0) {
        if (out->unified[0] == '\0')
            snprintf(out->unified, sizeof(out->unified), "%s", mnt);
        return 0;
    }
    if (strcmp(fstype, "cgroup") != 0)
        return 0;
    unsigned mask = mask_from_superopts(superopts);
    if (mask == 0)
        return 0; /* a named hierarchy ward does not use */
    for (size_t i = 0; i < out->n_v1; i++)
        if (out->v1[i].mask == mask)
            return 0; /* the same hierarchy mounted twice: the first mount wins */
    if (out->n_v1 == CG_MAX_HIERARCHIES)
        return ward_fail(err, "cgroup: too many v1 hierarchies in mountinfo");
    out->v1[out->n_v1].mask = mask;
    snprintf(out->v1[out->n_v1].mnt, sizeof(out->v1[0].mnt), "%s", mnt);
    out->n_v1++;
    return 0;
}

int cg_layout_parse_mountinfo(const char *text, cg_layout *out, ward_err *err)
{
    cleanup_free char *copy = strdup(text);
    char *save = NULL;
    if (copy == NULL)
        return ward_fail_errno(err, ENOMEM, "cgroup: mountinfo");
    out->n_v1 = 0;
    out->unified[0] = '\0';
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (parse_line(line, out, err) < 0)
            return -1;
    return 0;
}

static cg_layout cached;
static bool cached_ok;

void cg_layout_reset(void)
{
    cached_ok = false;
}

void cg_layout_set(const cg_layout *l)
{
    cached = *l;
    cached_ok = true;
}

static int read_mountinfo(char **text, ward_err *err)
{
    /* a host with many mounts has a long mountinfo, but not this long */
    if (spec_read_file("/proc/self/mountinfo", 64u << 20, text, NULL, err) < 0)
        return ward_err_prefix(err, "cgroup");
    return 0;
}

const cg_layout *cg_layout_get(ward_err *err)
{
    cleanup_free char *text = NULL;
    if (cached_ok)
        return &cached;
    if (cgroup_detect_mode(&cached.mode, err) < 0)
        return NULL;
    if (cached.mode == CGROUP_MODE_V2) {
        /* One hierarchy; the statfs above proved where it is. */
        cached.n_v1 = 0;
        snprintf(cached.unified, sizeof(cached.unified), "/sys/fs/cgroup");
        cached_ok = true;
        return &cached;
    }
    if (read_mountinfo(&text, err) < 0 || cg_layout_parse_mountinfo(text, &cached, err) < 0)
        return NULL;
    if (cached.mode == CGROUP_MODE_HYBRID && cached.unified[0] == '\0')
        snprintf(cached.unified, sizeof(cached.unified), "/sys/fs/cgroup/unified");
    if (cached.mode == CGROUP_MODE_V1)
        cached.unified[0] = '\0'; /* a stray cgroup2 mount elsewhere is not ward's business */
    cached_ok = true;
    return &cached;
}

const cg_hier *cg_layout_find(const cg_layout *l, unsigned controller)
{
    for (size_t i = 0; i < l->n_v1; i++)
        if (l->v1[i].mask & controller)
            return &l->v1[i];
    return NULL;
}
