/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources on cgroup v2 (runc's fs2 mapping): memory.max/swap.max/low, cpu.weight/max/
 * max.burst/idle, cpuset.*, pids.max, io.weight/io.bfq.weight/io.max, hugetlb.<size>.max, the
 * `unified` map verbatim (after the key checks), and the eBPF device filter. In hybrid mode only
 * hugetlb, `unified` and the device filter are written here; v1 has the rest.
 */

#include "runtime/cgroup/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "spec/base/cleanup.h"

#define FIELD(f) "linux.resources." f

static int write_limit(const char *dir, const char *file, int64_t v, const char *field,
                       ward_err *err)
{
    int rc =
        v == -1 ? cg_write(dir, file, "max", err) : cg_writef(dir, file, err, "%lld", (long long)v);
    return rc < 0 ? ward_err_prefix(err, "%s", field) : 0;
}

static int v2_memory(const char *dir, const spec_memory *m, bool creating, ward_err *err)
{
    int64_t swap;
    bool swap_max;
    bool has_limit = m->has_limit && m->limit != 0;
    if (has_limit && m->limit < -1)
        return ward_fail(err, FIELD("memory.limit") ": invalid value %lld", (long long)m->limit);
    int rc = cg_swap_to_v2(m->has_swap, m->swap, has_limit, m->limit, &swap, &swap_max, err);
    if (rc < 0)
        return -1;
    if (rc == 0 && !cg_file_exists(dir, "memory.swap.max")) {
        if (!swap_max)
            return ward_fail(err, FIELD("memory.swap") ": swap accounting is not available on "
                                                       "this host (no memory.swap.max)");
        rc = 1; /* "unlimited swap" where there is no swap control at all: nothing to do */
    }
    if (!creating && cg_check_memory_usage(dir, "memory.current", m, err) < 0)
        return -1;
    /* Unlike v1, memory.max and memory.swap.max are independent: any order works. */
    if (rc == 0 &&
        write_limit(dir, "memory.swap.max", swap_max ? -1 : swap, FIELD("memory.swap"), err) < 0)
        return -1;
    if (has_limit && write_limit(dir, "memory.max", m->limit, FIELD("memory.limit"), err) < 0)
        return -1;
    if (m->has_reservation && m->reservation != 0 &&
        write_limit(dir, "memory.low", m->reservation, FIELD("memory.reservation"), err) < 0)
        return -1;
    /* swappiness, disableOOMKiller, kernel and kernelTCP have no v2 file: ignored, as runc. */
    return 0;
}

static int v2_cpu(const char *dir, const spec_cpu *c, ward_err *err)
{
    if (c->has_shares && c->shares != 0 &&
        cg_writef(dir, "cpu.weight", err, "%llu",
                  (unsigned long long)cg_shares_to_weight(c->shares)) < 0)
        return ward_err_prefix(err, FIELD("cpu.shares"));
    bool quota = c->has_quota && c->quota != 0, period = c->has_period && c->period != 0;
    if (quota || period) {
        char value[64];
        int n = quota && c->quota > 0 ? snprintf(value, sizeof(value), "%lld", (long long)c->quota)
                                      : snprintf(value, sizeof(value), "max");
        if (period)
            snprintf(value + n, sizeof(value) - (size_t)n, " %llu", (unsigned long long)c->period);
        if (cg_write(dir, "cpu.max", value, err) < 0)
            return ward_err_prefix(err, FIELD("cpu.quota/period"));
    }
    if (c->has_burst &&
        cg_writef(dir, "cpu.max.burst", err, "%llu", (unsigned long long)c->burst) < 0)
        return ward_err_prefix(err, FIELD("cpu.burst"));
    if (c->has_idle && cg_writef(dir, "cpu.idle", err, "%lld", (long long)c->idle) < 0)
        return ward_err_prefix(err, FIELD("cpu.idle"));
    if ((c->has_realtime_period && c->realtime_period) ||
        (c->has_realtime_runtime && c->realtime_runtime))
        return ward_fail(err, FIELD("cpu.realtimeRuntime/realtimePeriod") ": not supported on "
                                                                          "cgroup v2");
    if (c->cpus && *c->cpus && cg_write(dir, "cpuset.cpus", c->cpus, err) < 0)
        return ward_err_prefix(err, FIELD("cpu.cpus"));
    if (c->mems && *c->mems && cg_write(dir, "cpuset.mems", c->mems, err) < 0)
        return ward_err_prefix(err, FIELD("cpu.mems"));
    return 0;
}

static int io_max(const char *dir, const spec_throttle_list *l, const char *key, const char *field,
                  ward_err *err)
{
    for (size_t i = 0; i < l->len; i++) {
        const spec_throttle_device *d = &l->items[i];
        if (d->major < 0 || d->major > UINT32_MAX || d->minor < 0 || d->minor > UINT32_MAX)
            return ward_fail(err, "%s[%zu]: bad device", field, i);
        /* io.max takes "max" for no limit; OCI's 0 means the same */
        int rc = d->rate ? cg_writef(dir, "io.max", err, "%lld:%lld %s=%llu", (long long)d->major,
                                     (long long)d->minor, key, (unsigned long long)d->rate)
                         : cg_writef(dir, "io.max", err, "%lld:%lld %s=max", (long long)d->major,
                                     (long long)d->minor, key);
        if (rc < 0)
            return ward_err_prefix(err, "%s[%zu]", field, i);
    }
    return 0;
}

static int v2_io(const char *dir, const spec_block_io *b, ward_err *err)
{
    /* BFQ takes blkio's own 1..1000 weights; io.weight wants them converted (as runc). */
    bool bfq = cg_file_exists(dir, "io.bfq.weight");
    const char *file = bfq ? "io.bfq.weight" : "io.weight";
    if (b->has_weight &&
        cg_writef(dir, file, err, "%llu",
                  (unsigned long long)(bfq ? b->weight : cg_blkio_weight_to_io(b->weight))) < 0)
        return ward_err_prefix(err, FIELD("blockIO.weight"));
    for (size_t i = 0; i < b->n_weight_devices; i++) {
        const spec_weight_device *d = &b->weight_devices[i];
        if (!d->has_weight)
            continue;
        if (d->major < 0 || d->major > UINT32_MAX || d->minor < 0 || d->minor > UINT32_MAX)
            return ward_fail(err, FIELD("blockIO.weightDevice[%zu]") ": bad device", i);
        if (cg_writef(dir, file, err, "%lld:%lld %llu", (long long)d->major, (long long)d->minor,
                      (unsigned long long)(bfq ? d->weight : cg_blkio_weight_to_io(d->weight))) < 0)
            return ward_err_prefix(err, FIELD("blockIO.weightDevice[%zu]"), i);
    }
    if (io_max(dir, &b->throttle_read_bps, "rbps", FIELD("blockIO.throttleReadBpsDevice"), err) ||
        io_max(dir, &b->throttle_write_bps, "wbps", FIELD("blockIO.throttleWriteBpsDevice"), err) ||
        io_max(dir, &b->throttle_read_iops, "riops", FIELD("blockIO.throttleReadIOPSDevice"),
               err) ||
        io_max(dir, &b->throttle_write_iops, "wiops", FIELD("blockIO.throttleWriteIOPSDevice"),
               err))
        return -1;
    return 0;
}

static int v2_unified(const char *dir, const spec_kv_list *u, ward_err *err)
{
    char path[PATH_MAX];
    struct stat st;
    for (size_t i = 0; i < u->len; i++) {
        const char *key = u->items[i].key, *value = u->items[i].value;
        if (cg_check_unified_key(key, err) < 0)
            return -1;
        if (snprintf(path, sizeof(path), "%s/%s", dir, key) >= (int)sizeof(path))
            return ward_fail(err, FIELD("unified") ": path too long");
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
            return ward_fail(err,
                             FIELD("unified.%s") ": no such file in the container's cgroup "
                                                 "(is its controller available?)",
                             key);
        if (cg_write(dir, key, value ? value : "", err) < 0)
            return ward_err_prefix(err, FIELD("unified.%s"), key);
    }
    return 0;
}

static int v2_devices(const char *dir, const spec_resources *r, int flags, ward_err *err)
{
    cleanup_free cg_dev_rule *rules = NULL;
    size_t n = 0;
    if (cg_dev_rules_build(r, &rules, &n, err) < 0)
        return -1;
    /* hybrid with a v1 devices controller: that controller already enforces the same rules
     * (the kernel checks both); a second, eBPF copy would only cost start time */
    if (flags & CG2_DEV_OPTIONAL)
        return 0;
    return cg_bpf_dev_apply(dir, rules, n, err);
}

int cg_v2_update(const ward_cgroup *cg, const char *root, const spec_resources *r, int flags,
                 ward_err *err)
{
    char dir[PATH_MAX];
    bool creating = flags & CG2_CREATING;
    if (cg_check_path(cg->path, err) < 0 || cg_join(dir, root, cg->path, err) < 0)
        return -1;
    if (!cg_dir_exists(dir))
        return ward_fail(err, "cgroup %s does not exist", cg->path);
    if (!creating && r && cg_v2_enable_controllers(root, cg->path, r, flags, err) < 0)
        return -1;
    if (r != NULL && !(flags & CG2_HYBRID)) {
        if (r->memory.present && v2_memory(dir, &r->memory, creating, err) < 0)
            return -1;
        if (r->cpu.present && v2_cpu(dir, &r->cpu, err) < 0)
            return -1;
        if (r->has_pids_limit &&
            write_limit(dir, "pids.max", r->pids_limit > 0 ? r->pids_limit : -1,
                        FIELD("pids.limit"), err) < 0)
            return -1;
        if (r->block_io.present && v2_io(dir, &r->block_io, err) < 0)
            return -1;
        if (r->has_net_class_id || r->n_net_priorities)
            return ward_fail(err, FIELD("network") ": net_cls and net_prio do not exist in "
                                                   "cgroup v2");
    }
    if (r != NULL && r->n_hugepage_limits && !(flags & CG2_SKIP_HUGETLB) &&
        cg_write_hugetlb(dir, r, "max", err) < 0)
        return -1;
    if (r != NULL && v2_unified(dir, &r->unified, err) < 0)
        return -1;
    if (creating || (r != NULL && r->n_devices))
        return v2_devices(dir, r, flags, err);
    return 0;
}
