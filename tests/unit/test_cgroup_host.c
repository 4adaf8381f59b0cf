/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroups for real on this host (needs root): create a container cgroup with resources, put a
 * child process in it, read the files back, freeze and thaw it, list, stat, update, kill and
 * destroy it; device rules enforced on the child; the eBPF device filter enforced through the
 * unified hierarchy. Works in v1, hybrid and v2 mode (file names chosen by mode).
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/internal.h"
#include "tests/unit/tap.h"
#include "tests/unit/cgroup_child.h"

static const cg_layout *L;
static char base[64]; /* "/ward-unit-<pid>": everything this test makes is under it */

/* The container's directory for a controller: its v1 hierarchy, or the unified one. */
static const char *dir_of(const ward_cgroup *cg, unsigned ctl, char out[PATH_MAX])
{
    const cg_hier *h = ctl ? cg_layout_find(L, ctl) : NULL;
    if (L->mode == CGROUP_MODE_V2 || h == NULL)
        snprintf(out, PATH_MAX, "%s%s", L->unified, cg->path);
    else
        snprintf(out, PATH_MAX, "%s%s", h->mnt, cg->path);
    return out;
}

static char *slurp(const char *dir, const char *file)
{
    static char buf[8192];
    ward_err err;
    if (cg_read(dir, file, buf, sizeof(buf), &err) < 0)
        snprintf(buf, sizeof(buf), "<%s>", err.msg);
    return buf;
}

static void expect_file(const ward_cgroup *cg, unsigned ctl, const char *file, const char *want)
{
    char dir[PATH_MAX];
    char name[128];
    snprintf(name, sizeof(name), "%s = %s", file, want);
    tap_streq(slurp(dir_of(cg, ctl, dir), file), want, name);
}

static bool v2(void)
{
    return L->mode == CGROUP_MODE_V2;
}

/* The disk to throttle: the first entry of /proc/partitions. */
static int first_disk(int64_t *major, int64_t *minor)
{
    FILE *f = fopen("/proc/partitions", "re");
    char line[256];
    long long a, b;
    int rc = -1;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, " %lld %lld", &a, &b) == 2) {
            *major = a;
            *minor = b;
            rc = 0;
            break;
        }
    if (f)
        fclose(f);
    return rc;
}

static spec_device_cgroup dev_rules[2] = {
    {.allow = false, .access = "rwm"},
    {.allow = true,
     .type = 'c',
     .has_major = true,
     .major = 10,
     .has_minor = true,
     .minor = 200,
     .access = "rwm"},
};
static spec_hugepage_limit huge[1] = {{.page_size = "2MB", .limit = 4194304}};
static spec_throttle_device throttle[1];

static void full_config(spec_config *cfg, char *path)
{
    spec_resources *r = &cfg->linux_.resources;
    memset(cfg, 0, sizeof(*cfg));
    cfg->linux_.cgroups_path = path;
    cfg->linux_.has_resources = true;
    r->memory = (spec_memory){.present = true,
                              .has_limit = true,
                              .limit = 64 << 20,
                              .has_swap = true,
                              .swap = 128 << 20,
                              .has_reservation = true,
                              .reservation = 32 << 20,
                              .has_kernel = true,
                              .kernel = 1 << 20};
    if (!v2()) {
        r->memory.has_swappiness = true;
        r->memory.swappiness = 10;
    }
    r->cpu = (spec_cpu){.present = true,
                        .has_shares = true,
                        .shares = 512,
                        .has_quota = true,
                        .quota = 50000,
                        .has_period = true,
                        .period = 100000};
    r->has_pids_limit = true;
    r->pids_limit = 32;
    r->devices = dev_rules;
    r->n_devices = 2;
    r->hugepage_limits = huge;
    r->n_hugepage_limits = 1;
    if (first_disk(&throttle[0].major, &throttle[0].minor) == 0) {
        throttle[0].rate = 1048576;
        r->block_io.present = true;
        r->block_io.throttle_read_bps = (spec_throttle_list){throttle, 1};
    }
}

static void check_created(const ward_cgroup *cg)
{
    char dir[PATH_MAX], want[64];
    if (v2()) {
        expect_file(cg, CG_MEMORY, "memory.max", "67108864");
        expect_file(cg, CG_MEMORY, "memory.swap.max", "67108864"); /* 128M mem+swap - 64M */
        expect_file(cg, CG_MEMORY, "memory.low", "33554432");
        snprintf(want, sizeof(want), "%llu", (unsigned long long)cg_shares_to_weight(512));
        expect_file(cg, CG_CPU, "cpu.weight", want);
        expect_file(cg, CG_CPU, "cpu.max", "50000 100000");
    } else {
        expect_file(cg, CG_MEMORY, "memory.limit_in_bytes", "67108864");
        expect_file(cg, CG_MEMORY, "memory.memsw.limit_in_bytes", "134217728");
        expect_file(cg, CG_MEMORY, "memory.soft_limit_in_bytes", "33554432");
        expect_file(cg, CG_MEMORY, "memory.swappiness", "10");
        expect_file(cg, CG_CPU, "cpu.shares", "512");
        expect_file(cg, CG_CPU, "cpu.cfs_quota_us", "50000");
        expect_file(cg, CG_CPU, "cpu.cfs_period_us", "100000");
    }
    expect_file(cg, CG_PIDS, "pids.max", "32");
    if (throttle[0].rate) {
        if (v2()) {
            snprintf(want, sizeof(want), "%lld:%lld rbps=1048576", (long long)throttle[0].major,
                     (long long)throttle[0].minor);
            tap_ok(strstr(slurp(dir_of(cg, 0, dir), "io.max"), want) != NULL, "io.max has %s",
                   want);
        } else {
            snprintf(want, sizeof(want), "%lld:%lld 1048576", (long long)throttle[0].major,
                     (long long)throttle[0].minor);
            expect_file(cg, CG_BLKIO, "blkio.throttle.read_bps_device", want);
        }
    }
    /* hugetlb: v1's own hierarchy, else (hybrid, v2) the unified one */
    if (!v2() && cg_layout_find(L, CG_HUGETLB))
        expect_file(cg, CG_HUGETLB, "hugetlb.2MB.limit_in_bytes", "4194304");
    else
        expect_file(cg, 0, "hugetlb.2MB.max", "4194304");
    if (L->mode == CGROUP_MODE_HYBRID)
        tap_ok(cg_dir_exists(dir_of(cg, 0, dir)), "hybrid: the cgroup exists in unified too");
    if (!v2()) {
        const char *list = slurp(dir_of(cg, CG_DEVICES, dir), "devices.list");
        tap_ok(strstr(list, "c 10:200 rwm") && strstr(list, "c 1:3 rwm") &&
                   strstr(list, "c 136:* rwm") && !strstr(list, "a *:* rwm"),
               "devices.list: spec rule and defaults, no allow-all");
        printf("# devices.list: %s\n", strchr(list, '\n') ? "(multi-line)" : list);
    }
    if (L->unified[0]) {
        size_t count = 0;
        ward_err err;
        int rc = cg_bpf_dev_count(dir_of(cg, 0, dir), &count, &err);
        tap_ok(rc == 0 && count == 0,
               "hybrid with v1 devices: no redundant eBPF program on the unified cgroup (%zu)",
               count);
    }
}

static bool pid_in(const ward_cgroup *cg, pid_t pid)
{
    pid_t *pids = NULL;
    size_t n = 0;
    ward_err err;
    bool found = false;
    if (cgroup_pids(cg, &pids, &n, &err) < 0)
        return false;
    for (size_t i = 0; i < n; i++)
        found |= pids[i] == pid;
    free(pids);
    return found;
}

static void check_freeze(const ward_cgroup *cg, child *c)
{
    ward_err err;
    bool frozen = true;
    tap_ok(cgroup_is_frozen(cg, &frozen, &err) == 0 && !frozen, "not frozen at first");
    double t0 = now_ms();
    int rc = cgroup_freeze(cg, true, &err);
    double t1 = now_ms();
    tap_ok(rc == 0, "freeze (%.2f ms)", t1 - t0);
    tap_ok(cgroup_is_frozen(cg, &frozen, &err) == 0 && frozen, "is_frozen says frozen");
    if (!v2() && cg_layout_find(L, CG_FREEZER)) {
        char dir[PATH_MAX];
        tap_streq(slurp(dir_of(cg, CG_FREEZER, dir), "freezer.state"), "FROZEN",
                  "freezer.state FROZEN");
    }
    uint64_t a = *c->counter;
    msleep(100);
    uint64_t b = *c->counter;
    tap_ok(a == b, "the frozen child makes no progress (%llu -> %llu)", (unsigned long long)a,
           (unsigned long long)b);
    tap_ok(cgroup_freeze(cg, false, &err) == 0, "thaw");
    tap_ok(cgroup_is_frozen(cg, &frozen, &err) == 0 && !frozen, "is_frozen says thawed");
    msleep(50);
    tap_ok(*c->counter > b, "the thawed child runs again");
}

static yajl_val at(yajl_val root, const char *a, const char *b, const char *c)
{
    const char *path[] = {a, b, c, NULL};
    return yajl_tree_get(root, path, yajl_t_any);
}

static void check_stats(const ward_cgroup *cg)
{
    char *json = NULL, ebuf[256];
    ward_err err;
    int rc = cgroup_stats_json(cg, &json, &err);
    if (!tap_ok(rc == 0, "stats_json")) {
        printf("#   %s\n", err.msg);
        return;
    }
    yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
    tap_ok(root && YAJL_IS_OBJECT(root), "stats parse as a JSON object");
    yajl_val total = at(root, "cpu", "usage", "total");
    tap_ok(total && YAJL_IS_INTEGER(total) && YAJL_GET_INTEGER(total) > 0, "cpu.usage.total > 0");
    tap_ok(at(root, "cpu", "usage", "kernel") && at(root, "cpu", "usage", "user") &&
               at(root, "cpu", "usage", "percpu") &&
               at(root, "cpu", "throttling", "throttledPeriods"),
           "cpu usage kernel/user/percpu and throttling present");
    yajl_val usage = at(root, "memory", "usage", "usage");
    tap_ok(usage && YAJL_IS_INTEGER(usage) && YAJL_GET_INTEGER(usage) > 0,
           "memory.usage.usage > 0");
    yajl_val limit = at(root, "memory", "usage", "limit");
    tap_ok(limit && YAJL_GET_INTEGER(limit) == 64 << 20, "memory.usage.limit = 64 MiB");
    tap_ok(at(root, "memory", "swap", "limit") && at(root, "memory", "usage", "failcnt") &&
               at(root, "memory", "raw", NULL) && YAJL_IS_OBJECT(at(root, "memory", "raw", NULL)),
           "memory swap, failcnt, raw present");
    yajl_val cur = at(root, "pids", "current", NULL), lim = at(root, "pids", "limit", NULL);
    tap_ok(cur && YAJL_GET_INTEGER(cur) == 1 && lim && YAJL_GET_INTEGER(lim) == 32,
           "pids current 1, limit 32");
    tap_ok(at(root, "blkio", "ioServiceBytesRecursive", NULL) != NULL, "blkio present");
    yajl_val h = at(root, "hugetlb", "2MB", "failcnt");
    tap_ok(h != NULL, "hugetlb 2MB present");
    printf("# stats: %.300s...\n", json);
    yajl_tree_free(root);
    free(json);
}

static void check_update(const ward_cgroup *cg, child *c)
{
    spec_resources r = {0};
    ward_err err;
    char dir[PATH_MAX];
    r.memory = (spec_memory){
        .present = true, .has_limit = true, .limit = 96 << 20, .has_swap = true, .swap = 192 << 20};
    r.has_pids_limit = true;
    r.pids_limit = 64;
    int rc = cgroup_update(cg, &r, &err);
    if (!tap_ok(rc == 0, "update memory and pids"))
        printf("#   %s\n", err.msg);
    expect_file(cg, CG_MEMORY, v2() ? "memory.max" : "memory.limit_in_bytes", "100663296");
    expect_file(cg, CG_MEMORY, v2() ? "memory.swap.max" : "memory.memsw.limit_in_bytes",
                v2() ? "100663296" : "201326592");
    expect_file(cg, CG_PIDS, "pids.max", "64");

    /* lowering the limit below memsw first must work too (the v1 write order) */
    r = (spec_resources){0};
    r.memory = (spec_memory){
        .present = true, .has_limit = true, .limit = 48 << 20, .has_swap = true, .swap = 64 << 20};
    rc = cgroup_update(cg, &r, &err);
    if (!tap_ok(rc == 0, "update memory down"))
        printf("#   %s\n", err.msg);
    expect_file(cg, CG_MEMORY, v2() ? "memory.max" : "memory.limit_in_bytes", "50331648");

    /* a controller the container had no cgroup in: made, and the child moved in */
    r = (spec_resources){0};
    r.cpu.present = true;
    r.cpu.cpus = "0";
    rc = cgroup_update(cg, &r, &err);
    if (!tap_ok(rc == 0, "update cpuset.cpus (controller added later)"))
        printf("#   %s\n", err.msg);
    expect_file(cg, CG_CPUSET, "cpuset.cpus", "0");
    if (!v2()) {
        char procs[PATH_MAX];
        snprintf(procs, sizeof(procs), "%s", slurp(dir_of(cg, CG_CPUSET, dir), "cgroup.procs"));
        tap_ok(atoi(procs) == c->pid, "the child was moved into the new cpuset cgroup");
    }

    /* devices: now allow reading /dev/kmsg (1:11) */
    int res[N_PROBES];
    spec_device_cgroup rules[2] = {
        {.allow = false, .access = "rwm"},
        {.allow = true,
         .type = 'c',
         .has_major = true,
         .major = 1,
         .has_minor = true,
         .minor = 11,
         .access = "r"},
    };
    r = (spec_resources){.devices = rules, .n_devices = 2};
    rc = cgroup_update(cg, &r, &err);
    if (!tap_ok(rc == 0, "update devices"))
        printf("#   %s\n", err.msg);
    int prc = probe(c, res);
    tap_ok(prc == 0 && res[0] == 0 && res[2] == 0,
           "after the update the child opens /dev/kmsg (errno %d) and /dev/null (%d)", res[2],
           res[0]);
    if (L->unified[0]) {
        size_t count = 0;
        int crc = cg_bpf_dev_count(dir_of(cg, 0, dir), &count, &err);
        tap_ok(crc == 0 && count == 0, "still no eBPF program after the update (%zu)", count);
    }
}

static bool gone_everywhere(const ward_cgroup *cg)
{
    char dir[PATH_MAX];
    for (size_t i = 0; i < L->n_v1; i++) {
        snprintf(dir, sizeof(dir), "%s%s", L->v1[i].mnt, cg->path);
        if (cg_dir_exists(dir))
            return false;
    }
    snprintf(dir, sizeof(dir), "%s%s", L->unified, cg->path);
    return L->unified[0] == '\0' || !cg_dir_exists(dir);
}

static void test_container(void)
{
    spec_config cfg;
    ward_cgroup cg;
    ward_err err;
    child c = {0};
    int res[N_PROBES], status = 0;
    char path[128];
    snprintf(path, sizeof(path), "%s/c1", base);
    full_config(&cfg, path);
    double t0 = now_ms();
    int rc = cgroup_create(&cg, "c1", &cfg, &err);
    double t1 = now_ms();
    if (!tap_ok(rc == 0, "create with resources (%.2f ms, mode %s)", t1 - t0,
                cgroup_mode_name(L->mode))) {
        printf("#   %s\n", err.msg);
        return;
    }
    tap_streq(cg.path, path, "path as given");
    check_created(&cg);

    tap_ok(spawn(&c) == 0, "child started");
    rc = cgroup_enter(&cg, c.pid, &err);
    if (!tap_ok(rc == 0, "enter"))
        printf("#   %s\n", err.msg);
    tap_ok(probe(&c, res) == 0, "child probed devices");
    tap_ok(res[0] == 0 && res[1] == 0, "child opens /dev/null and /dev/zero (%d, %d)", res[0],
           res[1]);
    tap_ok(res[2] == EPERM, "child may not open /dev/kmsg: errno %d (EPERM %d)", res[2], EPERM);
    tap_ok(pid_in(&cg, c.pid), "pids lists the child");

    spec_config again;
    full_config(&again, path);
    ward_cgroup cg2;
    rc = cgroup_create(&cg2, "c1b", &again, &err);
    tap_ok(rc < 0, "a second container cannot take a cgroup with processes");
    char want[256];
    snprintf(want, sizeof(want), "linux.cgroupsPath: cgroup %s already has processes in it", path);
    tap_streq(err.msg, want, "  with its message");

    check_freeze(&cg, &c);
    check_stats(&cg);
    check_update(&cg, &c);

    /* paused containers can be killed too */
    tap_ok(cgroup_freeze(&cg, true, &err) == 0, "freeze before kill_all");
    rc = cgroup_kill_all(&cg, SIGKILL, &err);
    if (!tap_ok(rc == 0, "kill_all SIGKILL"))
        printf("#   %s\n", err.msg);
    reap(&c, &status);
    tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child died of SIGKILL");
    pid_t *left = NULL;
    size_t n_left = 99;
    int prc = cgroup_pids(&cg, &left, &n_left, &err);
    tap_ok(prc == 0 && n_left == 0, "no pids left (%zu)", n_left);
    free(left);
    t0 = now_ms();
    rc = cgroup_destroy(&cg, &err);
    t1 = now_ms();
    if (!tap_ok(rc == 0, "destroy (%.2f ms)", t1 - t0))
        printf("#   %s\n", err.msg);
    tap_ok(gone_everywhere(&cg), "no directory left in any hierarchy");
    tap_ok(cgroup_destroy(&cg, &err) == 0, "destroying again is fine");
}

static void test_bad_paths(void)
{
    spec_config cfg = {0};
    ward_cgroup cg;
    ward_err err;
    cfg.linux_.cgroups_path = "machine.slice:ward:x";
    tap_ok(cgroup_create(&cg, "x", &cfg, &err) < 0, "create rejects a systemd path");
    tap_streq(err.msg, "linux.cgroupsPath: systemd cgroup paths need --systemd-cgroup",
              "  with its message");
    cfg.linux_.cgroups_path = "/ward-unit/../../etc";
    tap_ok(cgroup_create(&cg, "x", &cfg, &err) < 0, "create rejects ..");
    tap_streq(err.msg, "linux.cgroupsPath: \"..\" is not allowed", "  with its message");
    ward_cgroup forged = {.mode = L->mode};
    snprintf(forged.path, sizeof(forged.path), "/ward/../../x");
    tap_ok(cgroup_destroy(&forged, &err) < 0, "a forged stored path is refused");
    snprintf(forged.path, sizeof(forged.path), "/");
    pid_t *pids = NULL;
    size_t n = 0;
    tap_ok(cgroup_pids(&forged, &pids, &n, &err) < 0 && cgroup_kill_all(&forged, 9, &err) < 0,
           "the root cgroup is never listed or killed");
}

/* The eBPF filter alone, in the unified hierarchy: enforced on this kernel. */
static void test_bpf_enforced(void)
{
    char dir[PATH_MAX];
    ward_err err;
    child c = {0};
    int res[N_PROBES], status;
    cg_dev_rule rules[] = {{false, 'a', -1, -1, CG_ACC_ALL}, {true, 'c', 1, 3, CG_ACC_ALL}};
    if (!L->unified[0]) {
        tap_skip(7, "no cgroup2 hierarchy on this host: tests/vm runs the eBPF device filter on "
                    "pure v2 (v2_cgroups.py)");
        return;
    }
    snprintf(dir, sizeof(dir), "%s%s/bpf", L->unified, base);
    int rc = cg_mkdir_p(L->unified, dir + strlen(L->unified), NULL, NULL, NULL, &err);
    tap_ok(rc == 0 && cg_bpf_dev_apply(dir, rules, 2, &err) == 0, "eBPF filter attached");
    tap_ok(spawn(&c) == 0, "child started");
    tap_ok(cg_writef(dir, "cgroup.procs", &err, "%d", c.pid) == 0, "child in the cgroup");
    tap_ok(probe(&c, res) == 0, "child probed");
    tap_ok(res[0] == 0, "eBPF allows /dev/null (%d)", res[0]);
    tap_ok(res[1] == EPERM, "eBPF denies /dev/zero: errno %d", res[1]);
    kill(c.pid, SIGKILL);
    reap(&c, &status);
    tap_ok(cg_rmdir(dir, &err) == 0, "removed");
}

static void test_timing(void)
{
    spec_config cfg = {0};
    char path[128];
    ward_err err;
    int ok = 0, runs = 20;
    snprintf(path, sizeof(path), "%s/t", base);
    cfg.linux_.cgroups_path = path;
    double t0 = now_ms();
    for (int i = 0; i < runs; i++) {
        ward_cgroup cg;
        ok += cgroup_create(&cg, "t", &cfg, &err) == 0 && cgroup_destroy(&cg, &err) == 0;
    }
    double t1 = now_ms();
    tap_ok(ok == runs, "%d create+destroy without resources: %.3f ms each", runs, (t1 - t0) / runs);
    spec_config full;
    full_config(&full, path);
    ok = 0;
    t0 = now_ms();
    for (int i = 0; i < runs; i++) {
        ward_cgroup cg;
        ok += cgroup_create(&cg, "t", &full, &err) == 0 && cgroup_destroy(&cg, &err) == 0;
    }
    t1 = now_ms();
    tap_ok(ok == runs, "%d create+destroy with every resource: %.3f ms each", runs,
           (t1 - t0) / runs);
}

static void cleanup_base(void)
{
    char dir[PATH_MAX];
    for (size_t i = 0; i < L->n_v1; i++) {
        snprintf(dir, sizeof(dir), "%s%s", L->v1[i].mnt, base);
        rmdir(dir);
    }
    if (L->unified[0]) {
        snprintf(dir, sizeof(dir), "%s%s", L->unified, base);
        rmdir(dir);
    }
}

int main(void)
{
    ward_err err;
    if (geteuid() != 0) {
        tap_ok(0, "this test makes real cgroups and must run as root");
        return tap_done();
    }
    L = cg_layout_get(&err);
    if (!tap_ok(L != NULL, "cgroup layout read")) {
        printf("#   %s\n", err.msg);
        return tap_done();
    }
    printf("# mode %s, %zu v1 hierarchies, unified at \"%s\"\n", cgroup_mode_name(L->mode), L->n_v1,
           L->unified);
    snprintf(base, sizeof(base), "/ward-unit-%d", (int)getpid());
    test_bad_paths();
    test_container();
    test_bpf_enforced();
    test_timing();
    cleanup_base();
    return tap_done();
}
