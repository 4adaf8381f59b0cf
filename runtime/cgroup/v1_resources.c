/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources on cgroup v1: memory, cpu, cpuset, pids, blkio, hugetlb, net_cls, net_prio and
 * devices. Each writer names the spec field in its errors. Used by create and by update.
 */

#include "runtime/cgroup/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "spec/base/cleanup.h"

#define FIELD(f) "linux.resources." f

static int write_i64(const char *dir, const char *file, int64_t v, const char *field, ward_err *err)
{
    if (cg_writef(dir, file, err, "%lld", (long long)v) < 0)
        return ward_err_prefix(err, "%s", field);
    return 0;
}

/* memory.limit and memory.memsw.limit must stay limit <= memsw at every step: pick the order. */
static int memory_and_swap(const char *dir, const spec_memory *m, bool has_limit, ward_err *err)
{
    uint64_t cur_memsw = 0;
    bool has_swap = m->has_swap && m->swap != 0;
    if (!has_swap)
        return has_limit
                   ? write_i64(dir, "memory.limit_in_bytes", m->limit, FIELD("memory.limit"), err)
                   : 0;
    if (!cg_file_exists(dir, "memory.memsw.limit_in_bytes") && m->swap == -1)
        return has_limit
                   ? write_i64(dir, "memory.limit_in_bytes", m->limit, FIELD("memory.limit"), err)
                   : 0; /* unlimited swap where swap is not accounted: nothing to do */
    if (!cg_file_exists(dir, "memory.memsw.limit_in_bytes"))
        return ward_fail(err, FIELD("memory.swap") ": swap accounting is not available on this "
                                                   "host (no memory.memsw.limit_in_bytes; boot "
                                                   "with swapaccount=1)");
    if (m->swap < -1)
        return ward_fail(err, FIELD("memory.swap") ": invalid value %lld", (long long)m->swap);
    if (has_limit && m->limit != -1 && m->swap != -1 && m->swap < m->limit)
        return ward_fail(err,
                         FIELD("memory.swap") ": memory+swap limit (%lld) must be >= the "
                                              "memory limit (%lld)",
                         (long long)m->swap, (long long)m->limit);
    if (cg_read_u64(dir, "memory.memsw.limit_in_bytes", &cur_memsw, err) < 0)
        return -1;
    bool swap_first = !has_limit || m->limit == -1 || (uint64_t)m->limit > cur_memsw;
    if (swap_first &&
        write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, FIELD("memory.swap"), err) < 0)
        return -1;
    if (has_limit &&
        write_i64(dir, "memory.limit_in_bytes", m->limit, FIELD("memory.limit"), err) < 0)
        return -1;
    if (!swap_first &&
        write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, FIELD("memory.swap"), err) < 0)
        return -1;
    return 0;
}

static int v1_memory(const char *dir, const spec_memory *m, bool creating, ward_err *err)
{
    /* 0 means "not set" as in runc; -1 is unlimited. */
    bool has_limit = m->has_limit && m->limit != 0;
    if (has_limit && m->limit < -1)
        return ward_fail(err, FIELD("memory.limit") ": invalid value %lld", (long long)m->limit);
    if (!creating && cg_check_memory_usage(dir, "memory.usage_in_bytes", m, err) < 0)
        return -1;
    if (memory_and_swap(dir, m, has_limit, err) < 0)
        return -1;
    if (m->has_reservation && m->reservation != 0 &&
        write_i64(dir, "memory.soft_limit_in_bytes", m->reservation, FIELD("memory.reservation"),
                  err) < 0)
        return -1;
    /* memory.kernel is deprecated and ignored, as by runc >= 1.1. */
    if (m->has_kernel_tcp && m->kernel_tcp != 0 &&
        write_i64(dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, FIELD("memory.kernelTCP"),
                  err) < 0)
        return -1;
    if (m->has_swappiness) {
        if (m->swappiness > 100)
            return ward_fail(err, FIELD("memory.swappiness") ": %llu is above 100",
                             (unsigned long long)m->swappiness);
        if (write_i64(dir, "memory.swappiness", (int64_t)m->swappiness, FIELD("memory.swappiness"),
                      err) < 0)
            return -1;
    }
    if (m->has_disable_oom_killer &&
        write_i64(dir, "memory.oom_control", m->disable_oom_killer ? 1 : 0,
                  FIELD("memory.disableOOMKiller"), err) < 0)
        return -1;
    return 0;
}

static int v1_cpu_shares(const char *dir, uint64_t shares, ward_err *err)
{
    uint64_t got;
    if (write_i64(dir, "cpu.shares", (int64_t)shares, FIELD("cpu.shares"), err) < 0 ||
        cg_read_u64(dir, "cpu.shares", &got, err) < 0)
        return -1;
    /* The kernel clamps to 2..262144 silently; say so instead. */
    if (got != shares)
        return ward_fail(err, FIELD("cpu.shares") ": %llu is out of range (the kernel set %llu)",
                         (unsigned long long)shares, (unsigned long long)got);
    return 0;
}

static int v1_cpu(const char *dir, const spec_cpu *c, ward_err *err)
{
    bool period_failed = false;
    if (c->has_shares && c->shares != 0 && v1_cpu_shares(dir, c->shares, err) < 0)
        return -1;
    /* A new period can conflict with the old quota: retry it after the quota is in. */
    if (c->has_period && c->period != 0 &&
        cg_writef(dir, "cpu.cfs_period_us", err, "%llu", (unsigned long long)c->period) < 0) {
        if (err && err->errnum != EINVAL)
            return ward_err_prefix(err, FIELD("cpu.period"));
        period_failed = true;
    }
    if (c->has_quota && c->quota != 0 &&
        write_i64(dir, "cpu.cfs_quota_us", c->quota, FIELD("cpu.quota"), err) < 0)
        return -1;
    if (period_failed &&
        write_i64(dir, "cpu.cfs_period_us", (int64_t)c->period, FIELD("cpu.period"), err) < 0)
        return -1;
    if (c->has_burst &&
        write_i64(dir, "cpu.cfs_burst_us", (int64_t)c->burst, FIELD("cpu.burst"), err) < 0)
        return -1;
    if (c->has_realtime_period && c->realtime_period != 0 &&
        write_i64(dir, "cpu.rt_period_us", (int64_t)c->realtime_period, FIELD("cpu.realtimePeriod"),
                  err) < 0)
        return -1;
    if (c->has_realtime_runtime && c->realtime_runtime != 0 &&
        write_i64(dir, "cpu.rt_runtime_us", c->realtime_runtime, FIELD("cpu.realtimeRuntime"),
                  err) < 0)
        return -1;
    if (c->has_idle && write_i64(dir, "cpu.idle", c->idle, FIELD("cpu.idle"), err) < 0)
        return -1;
    return 0;
}

static int v1_cpuset(const char *dir, const spec_cpu *c, ward_err *err)
{
    if (c->cpus && *c->cpus && cg_write(dir, "cpuset.cpus", c->cpus, err) < 0)
        return ward_err_prefix(err, FIELD("cpu.cpus"));
    if (c->mems && *c->mems && cg_write(dir, "cpuset.mems", c->mems, err) < 0)
        return ward_err_prefix(err, FIELD("cpu.mems"));
    return 0;
}

static int check_dev(int64_t major, int64_t minor, const char *field, ward_err *err)
{
    if (major < 0 || major > UINT32_MAX || minor < 0 || minor > UINT32_MAX)
        return ward_fail(err, "%s: bad device %lld:%lld", field, (long long)major,
                         (long long)minor);
    return 0;
}

/* blkio.weight without CFQ is blkio.bfq.weight; either may be missing (no such scheduler). */
static const char *pick(const char *dir, const char *a, const char *b)
{
    if (cg_file_exists(dir, a))
        return a;
    if (b && cg_file_exists(dir, b))
        return b;
    return NULL;
}

static int throttle(const char *dir, const spec_throttle_list *l, const char *file,
                    const char *field, ward_err *err)
{
    for (size_t i = 0; i < l->len; i++) {
        const spec_throttle_device *d = &l->items[i];
        if (check_dev(d->major, d->minor, field, err) < 0)
            return -1;
        if (cg_writef(dir, file, err, "%lld:%lld %llu", (long long)d->major, (long long)d->minor,
                      (unsigned long long)d->rate) < 0)
            return ward_err_prefix(err, "%s[%zu]", field, i);
    }
    return 0;
}

static int v1_blkio(const char *dir, const spec_block_io *b, ward_err *err)
{
    const char *wfile = pick(dir, "blkio.weight", "blkio.bfq.weight");
    const char *wdfile = pick(dir, "blkio.weight_device", "blkio.bfq.weight_device");
    bool weights = b->has_weight || b->n_weight_devices;
    if (weights && (wfile == NULL || wdfile == NULL))
        return ward_fail(err, FIELD("blockIO") ": this host's blkio controller has no weight files "
                                               "(no CFQ or BFQ I/O scheduler)");
    if (b->has_weight && cg_writef(dir, wfile, err, "%u", b->weight) < 0)
        return ward_err_prefix(err, FIELD("blockIO.weight"));
    if (b->has_leaf_weight && cg_writef(dir, "blkio.leaf_weight", err, "%u", b->leaf_weight) < 0)
        return ward_err_prefix(err, FIELD("blockIO.leafWeight"));
    for (size_t i = 0; i < b->n_weight_devices; i++) {
        const spec_weight_device *d = &b->weight_devices[i];
        if (check_dev(d->major, d->minor, FIELD("blockIO.weightDevice"), err) < 0)
            return -1;
        if (d->has_weight && cg_writef(dir, wdfile, err, "%lld:%lld %u", (long long)d->major,
                                       (long long)d->minor, d->weight) < 0)
            return ward_err_prefix(err, FIELD("blockIO.weightDevice[%zu]"), i);
        if (d->has_leaf_weight &&
            cg_writef(dir, "blkio.leaf_weight_device", err, "%lld:%lld %u", (long long)d->major,
                      (long long)d->minor, d->leaf_weight) < 0)
            return ward_err_prefix(err, FIELD("blockIO.weightDevice[%zu]"), i);
    }
    return throttle(dir, &b->throttle_read_bps, "blkio.throttle.read_bps_device",
                    FIELD("blockIO.throttleReadBpsDevice"), err) ||
                   throttle(dir, &b->throttle_write_bps, "blkio.throttle.write_bps_device",
                            FIELD("blockIO.throttleWriteBpsDevice"), err) ||
                   throttle(dir, &b->throttle_read_iops, "blkio.throttle.read_iops_device",
                            FIELD("blockIO.throttleReadIOPSDevice"), err) ||
                   throttle(dir, &b->throttle_write_iops, "blkio.throttle.write_iops_device",
                            FIELD("blockIO.throttleWriteIOPSDevice"), err)
               ? -1
               : 0;
}

static int v1_net_prio(const char *dir, const spec_resources *r, ward_err *err)
{
    for (size_t i = 0; i < r->n_net_priorities; i++) {
        const char *name = r->net_priorities[i].name;
        size_t len = name ? strlen(name) : 0;
        if (len == 0 || len > 15 || strpbrk(name, " \t\n/:") != NULL)
            return ward_fail(err, FIELD("network.priorities[%zu].name") ": bad interface name", i);
        if (cg_writef(dir, "net_prio.ifpriomap", err, "%s %u", name,
                      r->net_priorities[i].priority) < 0)
            return ward_err_prefix(err, FIELD("network.priorities[%zu]"), i);
    }
    return 0;
}

static bool cpu_used(const spec_cpu *c)
{
    return (c->has_shares && c->shares) || (c->has_quota && c->quota) ||
           (c->has_period && c->period) || c->has_burst ||
           (c->has_realtime_period && c->realtime_period) ||
           (c->has_realtime_runtime && c->realtime_runtime) || c->has_idle;
}

/* Device rules can only be rewritten "deny all" first: freeze running tasks meanwhile. */
static int v1_devices(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r,
                      bool creating, ward_err *err)
{
    char dir[PATH_MAX];
    cleanup_free cg_dev_rule *rules = NULL;
    size_t n = 0;
    bool frozen = true;
    if (cg_layout_find(l, CG_DEVICES) == NULL)
        return 0; /* hybrid without v1 devices: the eBPF filter in the unified cgroup does it */
    if (cg_dev_rules_build(r, &rules, &n, err) < 0 ||
        cg_v1_dir(cg, l, CG_DEVICES, creating, dir, err) < 0)
        return -1;
    if (!creating && (cg_v1_is_frozen(cg, l, &frozen, err) < 0 ||
                      (!frozen && cg_v1_freeze(cg, l, true, err) < 0)))
        return -1;
    int rc = cg_v1_devices(dir, rules, n, err);
    if (!frozen && cg_v1_freeze(cg, l, false, rc < 0 ? NULL : err) < 0)
        rc = -1;
    return rc;
}

int cg_v1_update(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r, bool creating,
                 ward_err *err)
{
    char dir[PATH_MAX];
    if (r == NULL)
        return creating ? v1_devices(cg, l, NULL, true, err) : 0;
    if (r->unified.len && l->mode == CGROUP_MODE_V1)
        return ward_fail(err, FIELD("unified") ": needs cgroup v2 (this host has cgroup v1)");
    if (r->memory.present && (cg_v1_dir(cg, l, CG_MEMORY, creating, dir, err) < 0 ||
                              v1_memory(dir, &r->memory, creating, err) < 0))
        return -1;
    if (r->cpu.present && cpu_used(&r->cpu) &&
        (cg_v1_dir(cg, l, CG_CPU, creating, dir, err) < 0 || v1_cpu(dir, &r->cpu, err) < 0))
        return -1;
    if (((r->cpu.cpus && *r->cpu.cpus) || (r->cpu.mems && *r->cpu.mems)) &&
        (cg_v1_dir(cg, l, CG_CPUSET, creating, dir, err) < 0 || v1_cpuset(dir, &r->cpu, err) < 0))
        return -1;
    if (r->has_pids_limit) {
        if (cg_v1_dir(cg, l, CG_PIDS, creating, dir, err) < 0)
            return -1;
        int rc = r->pids_limit > 0
                     ? cg_writef(dir, "pids.max", err, "%lld", (long long)r->pids_limit)
                     : cg_write(dir, "pids.max", "max", err);
        if (rc < 0)
            return ward_err_prefix(err, FIELD("pids.limit"));
    }
    if (r->block_io.present &&
        (r->block_io.has_weight || r->block_io.has_leaf_weight || r->block_io.n_weight_devices ||
         r->block_io.throttle_read_bps.len || r->block_io.throttle_write_bps.len ||
         r->block_io.throttle_read_iops.len || r->block_io.throttle_write_iops.len) &&
        (cg_v1_dir(cg, l, CG_BLKIO, creating, dir, err) < 0 ||
         v1_blkio(dir, &r->block_io, err) < 0))
        return -1;
    /* hybrid without a v1 hugetlb: v2.c writes it in the unified hierarchy */
    if (r->n_hugepage_limits && (l->mode != CGROUP_MODE_HYBRID || cg_layout_find(l, CG_HUGETLB)) &&
        (cg_v1_dir(cg, l, CG_HUGETLB, creating, dir, err) < 0 ||
         cg_write_hugetlb(dir, r, "limit_in_bytes", err) < 0))
        return -1;
    if (r->has_net_class_id &&
        (cg_v1_dir(cg, l, CG_NET_CLS, creating, dir, err) < 0 ||
         write_i64(dir, "net_cls.classid", r->net_class_id, FIELD("network.classID"), err) < 0))
        return -1;
    if (r->n_net_priorities &&
        (cg_v1_dir(cg, l, CG_NET_PRIO, creating, dir, err) < 0 || v1_net_prio(dir, r, err) < 0))
        return -1;
    if (creating || r->n_devices)
        return v1_devices(cg, l, r, creating, err);
    return 0;
}
