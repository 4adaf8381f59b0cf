/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container stats as JSON in the shape of the "data" object of `runc events --stats`
 * (runc's types/events.go): cpu, memory, pids, blkio, hugetlb. A controller the container has no
 * cgroup in reads as zeros, as with runc.
 */

#include "runtime/cgroup/internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "spec/base/cleanup.h"

static void gen_freep(yajl_gen *g)
{
    if (*g)
        yajl_gen_free(*g);
}
#define cleanup_gen __attribute__((cleanup(gen_freep)))

static void key(yajl_gen g, const char *k)
{
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void num(yajl_gen g, uint64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    yajl_gen_number(g, buf, (size_t)n);
}

static void kv(yajl_gen g, const char *k, uint64_t v)
{
    key(g, k);
    num(g, v);
}

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
static void raw_map(yajl_gen g, const char *text)
{
    yajl_gen_map_open(g);
    for (const char *p = text; p && *p;) {
        const char *sp = strchr(p, ' '), *nl = strchr(p, '\n');
        if (sp == NULL || (nl && sp > nl))
            break;
        yajl_gen_string(g, (const unsigned char *)p, (size_t)(sp - p));
        num(g, strtoull(sp + 1, NULL, 10));
        p = nl ? nl + 1 : NULL;
    }
    yajl_gen_map_close(g);
}

static void percpu(yajl_gen g, const char *text)
{
    yajl_gen_array_open(g);
    for (char *p = (char *)text, *end; p && *p; p = end) {
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p)
            break;
        num(g, v);
    }
    yajl_gen_array_close(g);
}

static void throttling(yajl_gen g, uint64_t periods, uint64_t throttled, uint64_t time_ns)
{
    key(g, "throttling");
    yajl_gen_map_open(g);
    kv(g, "periods", periods);
    kv(g, "throttledPeriods", throttled);
    kv(g, "throttledTime", time_ns);
    yajl_gen_map_close(g);
}

static void mem_entry(yajl_gen g, const char *name, uint64_t limit, uint64_t usage, uint64_t max,
                      uint64_t failcnt)
{
    key(g, name);
    yajl_gen_map_open(g);
    kv(g, "limit", limit);
    kv(g, "usage", usage);
    kv(g, "max", max);
    kv(g, "failcnt", failcnt);
    yajl_gen_map_close(g);
}

static void pids_obj(yajl_gen g, const char *dir)
{
    uint64_t limit = read_u64(dir, "pids.max");
    key(g, "pids");
    yajl_gen_map_open(g);
    kv(g, "current", read_u64(dir, "pids.current"));
    kv(g, "limit", limit == UINT64_MAX ? 0 : limit); /* runc reports "max" as 0 */
    yajl_gen_map_close(g);
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
static void hugetlb_obj(yajl_gen g, const char *dir, bool v2)
{
    char sizes[8][16], file[64];
    size_t n = page_sizes(sizes, 8);
    key(g, "hugetlb");
    yajl_gen_map_open(g);
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
        key(g, sizes[i]);
        yajl_gen_map_open(g);
        kv(g, "usage", usage);
        kv(g, "max", max);
        kv(g, "failcnt", failcnt);
        yajl_gen_map_close(g);
    }
    yajl_gen_map_close(g);
}

static void blkio_entry(yajl_gen g, unsigned long long maj, unsigned long long min, const char *op,
                        uint64_t value)
{
    yajl_gen_map_open(g);
    kv(g, "major", maj);
    kv(g, "minor", min);
    key(g, "op");
    yajl_gen_string(g, (const unsigned char *)op, strlen(op));
    kv(g, "value", value);
    yajl_gen_map_close(g);
}

/* v1 blkio lines: "8:0 Read 4096" (the "Total" lines are skipped). */
static void blkio_v1_list(yajl_gen g, const char *name, const char *text)
{
    key(g, name);
    yajl_gen_array_open(g);
    for (const char *p = text; p && *p;) {
        unsigned long long maj, min, v;
        char op[16];
        if (sscanf(p, "%llu:%llu %15s %llu", &maj, &min, op, &v) == 4)
            blkio_entry(g, maj, min, op, v);
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    yajl_gen_array_close(g);
}

static int finish(yajl_gen g, char **json, ward_err *err)
{
    const unsigned char *buf;
    size_t len;
    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
        return ward_fail(err, "cgroup stats: JSON generation failed");
    *json = strndup((const char *)buf, len);
    if (*json == NULL)
        return ward_fail_errno(err, ENOMEM, "cgroup stats");
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

static void cpu_v1(yajl_gen g, const char *acct, const char *cpu)
{
    cleanup_free char *stat = slurp(acct, "cpuacct.stat");
    cleanup_free char *pc = slurp(acct, "cpuacct.usage_percpu");
    cleanup_free char *cstat = slurp(cpu, "cpu.stat");
    uint64_t ns_per_tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
    key(g, "cpu");
    yajl_gen_map_open(g);
    key(g, "usage");
    yajl_gen_map_open(g);
    kv(g, "total", read_u64(acct, "cpuacct.usage"));
    key(g, "percpu");
    percpu(g, pc);
    kv(g, "kernel", field(stat, "system") * ns_per_tick);
    kv(g, "user", field(stat, "user") * ns_per_tick);
    yajl_gen_map_close(g);
    throttling(g, field(cstat, "nr_periods"), field(cstat, "nr_throttled"),
               field(cstat, "throttled_time"));
    yajl_gen_map_close(g);
}

static void memory_v1(yajl_gen g, const char *dir)
{
    cleanup_free char *stat = slurp(dir, "memory.stat");
    key(g, "memory");
    yajl_gen_map_open(g);
    kv(g, "cache", field(stat, "cache"));
    mem_entry(g, "usage", read_u64(dir, "memory.limit_in_bytes"),
              read_u64(dir, "memory.usage_in_bytes"), read_u64(dir, "memory.max_usage_in_bytes"),
              read_u64(dir, "memory.failcnt"));
    mem_entry(g, "swap", read_u64(dir, "memory.memsw.limit_in_bytes"),
              read_u64(dir, "memory.memsw.usage_in_bytes"),
              read_u64(dir, "memory.memsw.max_usage_in_bytes"),
              read_u64(dir, "memory.memsw.failcnt"));
    mem_entry(g, "kernel", read_u64(dir, "memory.kmem.limit_in_bytes"),
              read_u64(dir, "memory.kmem.usage_in_bytes"),
              read_u64(dir, "memory.kmem.max_usage_in_bytes"),
              read_u64(dir, "memory.kmem.failcnt"));
    key(g, "raw");
    raw_map(g, stat);
    yajl_gen_map_close(g);
}

static void blkio_v1(yajl_gen g, const char *dir)
{
    /* CFQ's files when there are, else the throttling layer's (which always count) */
    bool cfq = dir && cg_file_exists(dir, "blkio.io_service_bytes_recursive");
    cleanup_free char *bytes = slurp(dir, cfq ? "blkio.io_service_bytes_recursive"
                                              : "blkio.throttle.io_service_bytes_recursive");
    cleanup_free char *ios =
        slurp(dir, cfq ? "blkio.io_serviced_recursive" : "blkio.throttle.io_serviced_recursive");
    key(g, "blkio");
    yajl_gen_map_open(g);
    blkio_v1_list(g, "ioServiceBytesRecursive", bytes);
    blkio_v1_list(g, "ioServicedRecursive", ios);
    yajl_gen_map_close(g);
}

int cg_stats_v1(const ward_cgroup *cg, const cg_layout *l, char **json, ward_err *err)
{
    char procs[PATH_MAX], d1[PATH_MAX], d2[PATH_MAX], uni[PATH_MAX];
    cleanup_gen yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        return ward_fail_errno(err, ENOMEM, "cgroup stats");
    if (cg_v1_procs_dir(cg, l, procs, err) < 0)
        return -1;
    if (!cg_dir_exists(procs))
        return ward_fail(err, "cgroup %s does not exist", cg->path);
    yajl_gen_map_open(g);
    cpu_v1(g, v1_leaf(cg, l, CG_CPUACCT, d1), v1_leaf(cg, l, CG_CPU, d2));
    memory_v1(g, v1_leaf(cg, l, CG_MEMORY, d1));
    pids_obj(g, v1_leaf(cg, l, CG_PIDS, d1));
    blkio_v1(g, v1_leaf(cg, l, CG_BLKIO, d1));
    const char *hdir = v1_leaf(cg, l, CG_HUGETLB, d1);
    bool v2 = false;
    if (hdir == NULL && l->mode == CGROUP_MODE_HYBRID &&
        cg_join(uni, l->unified, cg->path, NULL) == 0 && cg_dir_exists(uni)) {
        hdir = uni;
        v2 = true;
    }
    hugetlb_obj(g, hdir, v2);
    yajl_gen_map_close(g);
    return finish(g, json, err);
}

static void cpu_v2(yajl_gen g, const char *dir)
{
    cleanup_free char *stat = slurp(dir, "cpu.stat");
    key(g, "cpu");
    yajl_gen_map_open(g);
    key(g, "usage");
    yajl_gen_map_open(g);
    kv(g, "total", field(stat, "usage_usec") * 1000);
    key(g, "percpu");
    yajl_gen_array_open(g); /* v2 has no per-CPU usage */
    yajl_gen_array_close(g);
    kv(g, "kernel", field(stat, "system_usec") * 1000);
    kv(g, "user", field(stat, "user_usec") * 1000);
    yajl_gen_map_close(g);
    throttling(g, field(stat, "nr_periods"), field(stat, "nr_throttled"),
               field(stat, "throttled_usec") * 1000);
    yajl_gen_map_close(g);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void memory_v2(yajl_gen g, const char *dir)
{
    cleanup_free char *stat = slurp(dir, "memory.stat");
    cleanup_free char *events = slurp(dir, "memory.events");
    cleanup_free char *swap_events = slurp(dir, "memory.swap.events");
    uint64_t usage = read_u64(dir, "memory.current"), limit = read_u64(dir, "memory.max");
    key(g, "memory");
    yajl_gen_map_open(g);
    kv(g, "cache", field(stat, "file"));
    mem_entry(g, "usage", limit, usage, read_u64(dir, "memory.peak"), field(events, "max"));
    /* as runc: v2's swap is reported as memory+swap, the v1 meaning */
    mem_entry(g, "swap", sat_add(limit, read_u64(dir, "memory.swap.max")),
              sat_add(usage, read_u64(dir, "memory.swap.current")),
              sat_add(read_u64(dir, "memory.peak"), read_u64(dir, "memory.swap.peak")),
              field(swap_events, "max"));
    key(g, "raw");
    raw_map(g, stat);
    yajl_gen_map_close(g);
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
static void blkio_v2(yajl_gen g, const char *dir)
{
    static const struct {
        const char *list, *read, *write;
    } lists[] = {{"ioServiceBytesRecursive", "rbytes=", "wbytes="},
                 {"ioServicedRecursive", "rios=", "wios="}};
    cleanup_free char *text = slurp(dir, "io.stat");
    key(g, "blkio");
    yajl_gen_map_open(g);
    for (size_t k = 0; k < 2; k++) {
        key(g, lists[k].list);
        yajl_gen_array_open(g);
        for (const char *p = text; p && *p;) {
            unsigned long long maj, min;
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            char line[512];
            snprintf(line, sizeof(line), "%.*s", (int)len, p);
            if (sscanf(line, "%llu:%llu", &maj, &min) == 2) {
                const char *r = strstr(line, lists[k].read), *w = strstr(line, lists[k].write);
                blkio_entry(g, maj, min, "Read",
                            r ? strtoull(r + strlen(lists[k].read), NULL, 10) : 0);
                blkio_entry(g, maj, min, "Write",
                            w ? strtoull(w + strlen(lists[k].write), NULL, 10) : 0);
            }
            p = nl ? nl + 1 : NULL;
        }
        yajl_gen_array_close(g);
    }
    yajl_gen_map_close(g);
}

int cg_stats_v2(const char *dir, char **json, ward_err *err)
{
    cleanup_gen yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        return ward_fail_errno(err, ENOMEM, "cgroup stats");
    if (!cg_dir_exists(dir))
        return ward_fail(err, "cgroup %s does not exist", dir);
    yajl_gen_map_open(g);
    cpu_v2(g, dir);
    memory_v2(g, dir);
    pids_obj(g, dir);
    blkio_v2(g, dir);
    hugetlb_obj(g, dir, true);
    yajl_gen_map_close(g);
    return finish(g, json, err);
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
