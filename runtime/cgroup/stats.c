/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container stats as JSON in the shape of the "data" object of `runc events --stats`
 * (runc's types/events.go): cpu, memory, pids, blkio, hugetlb. A controller the container has no
 * cgroup in reads as zeros, as with runc.
 */

#include "runtime/cgroup/internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec/base/cleanup.h"
#include "spec/json_write.h"

/* A file's text, or NULL when the file (or the controller) is not there. */
static char *slurp(const char *dir, const char *file)
{
    char *text = NULL;
    if (dir == NULL || cg_read_all(dir, file, &text, NULL) < 0)
        return NULL;
    return text;
}

static uint64_t read_u64(const char *dir, const char *file)
{
    uint64_t v = 0;
    if (dir == NULL || cg_read_u64(dir, file, &v, NULL) < 0)
        return 0;
    return v;
}

/* "key value" lines: the value of key, 0 when absent. */
static uint64_t field(const char *text, const char *k)
{
    size_t len = strlen(k);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, k, len) == 0 && p[len] == ' ')
            return strtoull(p + len + 1, NULL, 10);
    return 0;
}

/* Every "key value" line of memory.stat as raw. */
static void raw_map(jwriter *w, const char *text)
{
    jw_open(w);
    for (const char *p = text; p && *p;) {
        const char *sp = strchr(p, ' '), *nl = strchr(p, '\n');
        if (sp == NULL || (nl && sp > nl))
            break;
        jw_strn(w, p, (size_t)(sp - p));
        jw_u64(w, strtoull(sp + 1, NULL, 10));
        p = nl ? nl + 1 : NULL;
    }
    jw_close(w);
}

static void percpu(jwriter *w, const char *text)
{
    jw_open_array(w);
    for (char *p = (char *)text, *end; p && *p; p = end) {
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p)
            break;
        jw_u64(w, v);
    }
    jw_close_array(w);
}

static void throttling(jwriter *w, uint64_t periods, uint64_t throttled, uint64_t time_ns)
{
    jw_key(w, "throttling");
    jw_open(w);
    jw_ku64(w, "periods", periods);
    jw_ku64(w, "throttledPeriods", throttled);
    jw_ku64(w, "throttledTime", time_ns);
    jw_close(w);
}

/* runc's MemoryEntry, or with has_limit false its HugetlbStats (the same without a limit). */
static void usage_entry(jwriter *w, const char *name, bool has_limit, uint64_t limit,
                        uint64_t usage, uint64_t max, uint64_t failcnt)
{
    jw_key(w, name);
    jw_open(w);
    if (has_limit)
        jw_ku64(w, "limit", limit);
    jw_ku64(w, "usage", usage);
    jw_ku64(w, "max", max);
    jw_ku64(w, "failcnt", failcnt);
    jw_close(w);
}

static void pids_obj(jwriter *w, const char *dir)
{
    uint64_t limit = read_u64(dir, "pids.max");
    jw_key(w, "pids");
    jw_open(w);
    jw_ku64(w, "current", read_u64(dir, "pids.current"));
    jw_ku64(w, "limit", limit == UINT64_MAX ? 0 : limit); /* runc reports "max" as 0 */
    jw_close(w);
}

/* Page sizes as the cgroup files name them ("2MB"), from /sys/kernel/mm/hugepages. */
static size_t page_sizes(char sizes[][16], size_t max)
{
    size_t n = 0;
    DIR *d = opendir("/sys/kernel/mm/hugepages");
    struct dirent *e;
    if (d == NULL)
        return 0;
    while (n < max && (e = readdir(d)) != NULL) {
        unsigned long long kb;
        if (sscanf(e->d_name, "hugepages-%llukB", &kb) != 1)
            continue;
        if (kb >= 1048576 && kb % 1048576 == 0)
            snprintf(sizes[n++], 16, "%lluGB", kb / 1048576);
        else if (kb >= 1024 && kb % 1024 == 0)
            snprintf(sizes[n++], 16, "%lluMB", kb / 1024);
        else
            snprintf(sizes[n++], 16, "%lluKB", kb);
    }
    closedir(d);
    return n;
}

/* hugetlb in v1 files, or v2 files (v2 true) for v2 and for hybrid's unified hierarchy. */
static void hugetlb_obj(jwriter *w, const char *dir, bool v2)
{
    char sizes[8][16], file[64];
    size_t n = page_sizes(sizes, 8);
    jw_key(w, "hugetlb");
    jw_open(w);
    for (size_t i = 0; dir && i < n; i++) {
        uint64_t usage, max = 0, failcnt;
        if (v2) {
            snprintf(file, sizeof(file), "hugetlb.%s.current", sizes[i]);
            usage = read_u64(dir, file);
            snprintf(file, sizeof(file), "hugetlb.%s.events", sizes[i]);
            cleanup_free char *ev = slurp(dir, file);
            failcnt = field(ev, "max");
        } else {
            snprintf(file, sizeof(file), "hugetlb.%s.usage_in_bytes", sizes[i]);
            usage = read_u64(dir, file);
            snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", sizes[i]);
            max = read_u64(dir, file);
            snprintf(file, sizeof(file), "hugetlb.%s.failcnt", sizes[i]);
            failcnt = read_u64(dir, file);
        }
        usage_entry(w, sizes[i], false, 0, usage, max, failcnt);
    }
    jw_close(w);
}

static void blkio_entry(jwriter *w, unsigned long long maj, unsigned long long min, const char *op,
                        uint64_t value)
{
    jw_open(w);
    jw_ku64(w, "major", maj);
    jw_ku64(w, "minor", min);
    jw_kstr(w, "op", op);
    jw_ku64(w, "value", value);
    jw_close(w);
}

/* v1 blkio lines: "8:0 Read 4096" (the "Total" lines are skipped). */
static void blkio_v1_list(jwriter *w, const char *name, const char *text)
{
    jw_key(w, name);
    jw_open_array(w);
    for (const char *p = text; p && *p;) {
        unsigned long long maj, min, v;
        char op[16];
        if (sscanf(p, "%llu:%llu %15s %llu", &maj, &min, op, &v) == 4)
            blkio_entry(w, maj, min, op, v);
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    jw_close_array(w);
}

static int finish(jwriter *w, char **json, ward_err *err)
{
    jw_close(w);
    if (jw_finish(w, json, NULL, err) < 0)
        return ward_err_prefix(err, "cgroup stats");
    return 0;
}

/* The leaf in a v1 hierarchy when it exists there, else NULL. */
static const char *v1_leaf(const ward_cgroup *cg, const cg_layout *l, unsigned ctl,
                           char dir[PATH_MAX])
{
    const cg_hier *h = cg_layout_find(l, ctl);
    if (h == NULL || cg_join(dir, h->mnt, cg->path, NULL) < 0 || !cg_dir_exists(dir))
        return NULL;
    return dir;
}

static void cpu_v1(jwriter *w, const char *acct, const char *cpu)
{
    cleanup_free char *stat = slurp(acct, "cpuacct.stat");
    cleanup_free char *pc = slurp(acct, "cpuacct.usage_percpu");
    cleanup_free char *cstat = slurp(cpu, "cpu.stat");
    uint64_t ns_per_tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
    jw_key(w, "cpu");
    jw_open(w);
    jw_key(w, "usage");
    jw_open(w);
    jw_ku64(w, "total", read_u64(acct, "cpuacct.usage"));
    jw_key(w, "percpu");
    percpu(w, pc);
    jw_ku64(w, "kernel", field(stat, "system") * ns_per_tick);
    jw_ku64(w, "user", field(stat, "user") * ns_per_tick);
    jw_close(w);
    throttling(w, field(cstat, "nr_periods"), field(cstat, "nr_throttled"),
               field(cstat, "throttled_time"));
    jw_close(w);
}

static void memory_v1(jwriter *w, const char *dir)
{
    cleanup_free char *stat = slurp(dir, "memory.stat");
    jw_key(w, "memory");
    jw_open(w);
    jw_ku64(w, "cache", field(stat, "cache"));
    usage_entry(w, "usage", true, read_u64(dir, "memory.limit_in_bytes"),
                read_u64(dir, "memory.usage_in_bytes"), read_u64(dir, "memory.max_usage_in_bytes"),
                read_u64(dir, "memory.failcnt"));
    usage_entry(w, "swap", true, read_u64(dir, "memory.memsw.limit_in_bytes"),
                read_u64(dir, "memory.memsw.usage_in_bytes"),
                read_u64(dir, "memory.memsw.max_usage_in_bytes"),
                read_u64(dir, "memory.memsw.failcnt"));
    usage_entry(w, "kernel", true, read_u64(dir, "memory.kmem.limit_in_bytes"),
                read_u64(dir, "memory.kmem.usage_in_bytes"),
                read_u64(dir, "memory.kmem.max_usage_in_bytes"),
                read_u64(dir, "memory.kmem.failcnt"));
    jw_key(w, "raw");
    raw_map(w, stat);
    jw_close(w);
}

static void blkio_v1(jwriter *w, const char *dir)
{
    /* CFQ's files when there are, else the throttling layer's (which always count) */
    bool cfq = dir && cg_file_exists(dir, "blkio.io_service_bytes_recursive");
    cleanup_free char *bytes = slurp(dir, cfq ? "blkio.io_service_bytes_recursive"
                                              : "blkio.throttle.io_service_bytes_recursive");
    cleanup_free char *ios =
        slurp(dir, cfq ? "blkio.io_serviced_recursive" : "blkio.throttle.io_serviced_recursive");
    jw_key(w, "blkio");
    jw_open(w);
    blkio_v1_list(w, "ioServiceBytesRecursive", bytes);
    blkio_v1_list(w, "ioServicedRecursive", ios);
    jw_close(w);
}

int cg_stats_v1(const ward_cgroup *cg, const cg_layout *l, char **json, ward_err *err)
{
    char procs[PATH_MAX], d1[PATH_MAX], d2[PATH_MAX], uni[PATH_MAX];
    jwriter writer, *w = &writer;
    if (cg_v1_procs_dir(cg, l, procs, err) < 0)
        return -1;
    if (!cg_dir_exists(procs))
        return ward_fail(err, "cgroup %s does not exist", cg->path);
    if (jw_init(w, false, err) < 0)
        return ward_err_prefix(err, "cgroup stats");
    jw_open(w);
    cpu_v1(w, v1_leaf(cg, l, CG_CPUACCT, d1), v1_leaf(cg, l, CG_CPU, d2));
    memory_v1(w, v1_leaf(cg, l, CG_MEMORY, d1));
    pids_obj(w, v1_leaf(cg, l, CG_PIDS, d1));
    blkio_v1(w, v1_leaf(cg, l, CG_BLKIO, d1));
    const char *hdir = v1_leaf(cg, l, CG_HUGETLB, d1);
    bool v2 = false;
    if (hdir == NULL && l->mode == CGROUP_MODE_HYBRID &&
        cg_join(uni, l->unified, cg->path, NULL) == 0 && cg_dir_exists(uni)) {
        hdir = uni;
        v2 = true;
    }
    hugetlb_obj(w, hdir, v2);
    return finish(w, json, err);
}

static void cpu_v2(jwriter *w, const char *dir)
{
    cleanup_free char *stat = slurp(dir, "cpu.stat");
    jw_key(w, "cpu");
    jw_open(w);
    jw_key(w, "usage");
    jw_open(w);
    jw_ku64(w, "total", field(stat, "usage_usec") * 1000);
    jw_key(w, "percpu");
    jw_open_array(w); /* v2 has no per-CPU usage */
    jw_close_array(w);
    jw_ku64(w, "kernel", field(stat, "system_usec") * 1000);
    jw_ku64(w, "user", field(stat, "user_usec") * 1000);
    jw_close(w);
    throttling(w, field(stat, "nr_periods"), field(stat, "nr_throttled"),
               field(stat, "throttled_usec") * 1000);
    jw_close(w);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void memory_v2(jwriter *w, const char *dir)
{
    cleanup_free char *stat = slurp(dir, "memory.stat");
    cleanup_free char *events = slurp(dir, "memory.events");
    cleanup_free char *swap_events = slurp(dir, "memory.swap.events");
    uint64_t usage = read_u64(dir, "memory.current"), limit = read_u64(dir, "memory.max");
    jw_key(w, "memory");
    jw_open(w);
    jw_ku64(w, "cache", field(stat, "file"));
    usage_entry(w, "usage", true, limit, usage, read_u64(dir, "memory.peak"), field(events, "max"));
    /* as runc: v2's swap is reported as memory+swap, the v1 meaning */
    usage_entry(w, "swap", true, sat_add(limit, read_u64(dir, "memory.swap.max")),
                sat_add(usage, read_u64(dir, "memory.swap.current")),
                sat_add(read_u64(dir, "memory.peak"), read_u64(dir, "memory.swap.peak")),
                field(swap_events, "max"));
    jw_key(w, "raw");
    raw_map(w, stat);
    jw_close(w);
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
static void blkio_v2(jwriter *w, const char *dir)
{
    static const struct {
        const char *list, *read, *write;
    } lists[] = {{"ioServiceBytesRecursive", "rbytes=", "wbytes="},
                 {"ioServicedRecursive", "rios=", "wios="}};
    cleanup_free char *text = slurp(dir, "io.stat");
    jw_key(w, "blkio");
    jw_open(w);
    for (size_t k = 0; k < 2; k++) {
        jw_key(w, lists[k].list);
        jw_open_array(w);
        for (const char *p = text; p && *p;) {
            unsigned long long maj, min;
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            char line[512];
            snprintf(line, sizeof(line), "%.*s", (int)len, p);
            if (sscanf(line, "%llu:%llu", &maj, &min) == 2) {
                const char *rd = strstr(line, lists[k].read), *wr = strstr(line, lists[k].write);
                blkio_entry(w, maj, min, "Read",
                            rd ? strtoull(rd + strlen(lists[k].read), NULL, 10) : 0);
                blkio_entry(w, maj, min, "Write",
                            wr ? strtoull(wr + strlen(lists[k].write), NULL, 10) : 0);
            }
            p = nl ? nl + 1 : NULL;
        }
        jw_close_array(w);
    }
    jw_close(w);
}

int cg_stats_v2(const char *dir, char **json, ward_err *err)
{
    jwriter writer, *w = &writer;
    if (!cg_dir_exists(dir))
        return ward_fail(err, "cgroup %s does not exist", dir);
    if (jw_init(w, false, err) < 0)
        return ward_err_prefix(err, "cgroup stats");
    jw_open(w);
    cpu_v2(w, dir);
    memory_v2(w, dir);
    pids_obj(w, dir);
    blkio_v2(w, dir);
    hugetlb_obj(w, dir, true);
    return finish(w, json, err);
}

/* The kernel's OOM kills in the container's memory cgroup (v1 memory.oom_control, v2
 * memory.events): a stopped container's record says whether the OOM killer ended it. */
int cg_oom_kills(const ward_cgroup *cg, const cg_layout *l, const char *unified, uint64_t *n)
{
    char d[PATH_MAX];
    const char *dir = l->mode == CGROUP_MODE_V2 ? unified : v1_leaf(cg, l, CG_MEMORY, d);
    cleanup_free char *text =
        slurp(dir, l->mode == CGROUP_MODE_V2 ? "memory.events" : "memory.oom_control");
    if (text == NULL)
        return -1;
    *n = field(text, "oom_kill");
    return 0;
}
