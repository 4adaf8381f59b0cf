/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup v2 backend, for real, on whatever cgroup2 mount this host has: on a hybrid host the
 * unified hierarchy (only hugetlb there) is driven as if it were a pure v2 host. Covers create
 * with controller enabling (hugetlb) and the eBPF device filter, enter, CLONE_INTO_CGROUP through
 * cgroup_open_dir_fd, pids, cgroup.freeze, stats, update, unified keys, cgroup.kill and destroy.
 * Memory/cpu/pids/io limits need a full v2 host (the VM harness).
 */

#include <linux/sched.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <yajl/yajl_tree.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/internal.h"
#include "tests/unit/tap.h"
#include "tests/unit/cgroup_child.h"

static char root[CG_MNT_MAX];
static char base[64];

static const char *read_in(const ward_cgroup *cg, const char *file)
{
    static char buf[4096];
    char dir[PATH_MAX];
    ward_err err;
    snprintf(dir, sizeof(dir), "%s%s", root, cg->path);
    if (cg_read(dir, file, buf, sizeof(buf), &err) < 0)
        snprintf(buf, sizeof(buf), "<%s>", err.msg);
    return buf;
}

/* A child made straight into the cgroup: it exits 0 if /proc/self/cgroup agrees. */
static void test_clone_into(const ward_cgroup *cg)
{
    ward_err err;
    int fd = cgroup_open_dir_fd(cg, &err);
    if (!tap_ok(fd >= 0, "open_dir_fd")) {
        printf("#   %s\n", err.msg);
        return;
    }
    struct clone_args args;
    memset(&args, 0, sizeof(args));
    args.flags = CLONE_INTO_CGROUP;
    args.exit_signal = SIGCHLD;
    args.cgroup = (uint64_t)fd;
    long pid = syscall(SYS_clone3, &args, sizeof(args));
    if (pid == 0) {
        char line[512], want[PATH_MAX + 8];
        FILE *f = fopen("/proc/self/cgroup", "re");
        snprintf(want, sizeof(want), "0::%s\n", cg->path);
        while (f && fgets(line, sizeof(line), f))
            if (strcmp(line, want) == 0)
                _exit(0);
        _exit(1);
    }
    tap_ok(child_exit_code(child_wait((pid_t)pid, -1)) == 0,
           "clone3(CLONE_INTO_CGROUP) starts a child inside the cgroup");
    close(fd);
}

int main(void)
{
    ward_err err;
    const cg_layout *host;
    if (geteuid() != 0) {
        tap_ok(0, "this test makes real cgroups and must run as root");
        return tap_done();
    }
    host = cg_layout_get(&err);
    if (!tap_ok(host && host->unified[0], "this host has a cgroup2 mount"))
        return tap_done();
    snprintf(root, sizeof(root), "%s", host->unified);
    cg_layout v2 = {.mode = CGROUP_MODE_V2};
    snprintf(v2.unified, sizeof(v2.unified), "%s", root);
    cg_layout_set(&v2);
    snprintf(base, sizeof(base), "/ward-unit-v2-%d", (int)getpid());

    char path[128], avail[512];
    snprintf(path, sizeof(path), "%s/c", base);
    bool hugetlb = cg_read(root, "cgroup.controllers", avail, sizeof(avail), &err) == 0 &&
                   strstr(avail, "hugetlb") != NULL;
    spec_hugepage_limit huge[1] = {{.page_size = "2MB", .limit = 2097152}};
    spec_kv unified[1] = {{.key = "cgroup.max.descendants", .value = "5"}};
    spec_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.linux_.cgroups_path = path;
    cfg.linux_.has_resources = true;
    if (hugetlb) {
        cfg.linux_.resources.hugepage_limits = huge;
        cfg.linux_.resources.n_hugepage_limits = 1;
    }
    cfg.linux_.resources.unified = (spec_kv_list){unified, 1};

    ward_cgroup cg;
    double t0 = now_ms();
    int rc = cgroup_create(&cg, "c", &cfg, &err);
    double t1 = now_ms();
    if (!tap_ok(rc == 0, "v2 create (%.2f ms)", t1 - t0)) {
        printf("#   %s\n", err.msg);
        return tap_done();
    }
    if (hugetlb)
        tap_streq(read_in(&cg, "hugetlb.2MB.max"), "2097152",
                  "hugetlb.2MB.max (controller "
                  "enabled in every ancestor)");
    tap_streq(read_in(&cg, "cgroup.max.descendants"), "5", "unified key written verbatim");
    size_t progs = 0;
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s%s", root, cg.path);
    rc = cg_bpf_dev_count(dir, &progs, &err);
    tap_ok(rc == 0 && progs == 1, "one device program attached (%zu)", progs);

    child c = {0};
    int res[N_PROBES], status = 0;
    tap_ok(spawn(&c) == 0 && cgroup_enter(&cg, c.pid, &err) == 0, "child entered");
    rc = probe(&c, res);
    tap_ok(rc == 0 && res[0] == 0 && res[1] == 0 && res[2] == EPERM,
           "devices: null %d, zero %d allowed; kmsg %d denied", res[0], res[1], res[2]);
    pid_t *pids = NULL;
    size_t n = 0;
    rc = cgroup_pids(&cg, &pids, &n, &err);
    tap_ok(rc == 0 && n == 1 && pids[0] == c.pid, "pids lists the child");
    free(pids);

    bool frozen = true;
    tap_ok(cgroup_freeze(&cg, true, &err) == 0, "cgroup.freeze");
    tap_ok(cgroup_is_frozen(&cg, &frozen, &err) == 0 && frozen, "cgroup.events says frozen");
    uint64_t a = *c.counter;
    msleep(100);
    tap_ok(*c.counter == a, "the frozen child makes no progress");
    tap_ok(cgroup_freeze(&cg, false, &err) == 0 && cgroup_is_frozen(&cg, &frozen, &err) == 0 &&
               !frozen,
           "thawed");
    msleep(30);
    tap_ok(*c.counter > a, "the thawed child runs");

    char *json = NULL, ebuf[128];
    rc = cgroup_stats_json(&cg, &json, &err);
    yajl_val tree = rc == 0 ? yajl_tree_parse(json, ebuf, sizeof(ebuf)) : NULL;
    const char *p_total[] = {"cpu", "usage", "total", NULL};
    yajl_val total = tree ? yajl_tree_get(tree, p_total, yajl_t_number) : NULL;
    tap_ok(total && YAJL_GET_INTEGER(total) > 0, "v2 stats: cpu.usage.total from cpu.stat > 0");
    const char *p_mem[] = {"memory", "usage", "limit", NULL};
    tap_ok(tree && yajl_tree_get(tree, p_mem, yajl_t_number), "v2 stats: memory present");
    yajl_tree_free(tree);
    free(json);

    spec_device_cgroup rules[1] = {{.allow = true,
                                    .type = 'c',
                                    .has_major = true,
                                    .major = 1,
                                    .has_minor = true,
                                    .minor = 11,
                                    .access = "r"}};
    spec_resources upd = {.devices = rules, .n_devices = 1};
    rc = cgroup_update(&cg, &upd, &err);
    int prc = probe(&c, res);
    tap_ok(rc == 0 && prc == 0 && res[2] == 0, "update: kmsg now readable (%d)", res[2]);
    rc = cg_bpf_dev_count(dir, &progs, &err);
    tap_ok(rc == 0 && progs == 1, "the old program was replaced (%zu attached)", progs);
    spec_kv bad[1] = {{.key = "cgroup.procs", .value = "1"}};
    upd = (spec_resources){.unified = {bad, 1}};
    tap_ok(cgroup_update(&cg, &upd, &err) < 0, "unified cgroup.procs refused");
    spec_kv missing[1] = {{.key = "memory.nosuch", .value = "1"}};
    upd = (spec_resources){.unified = {missing, 1}};
    tap_ok(cgroup_update(&cg, &upd, &err) < 0, "unified key that is no file refused: %s", err.msg);

    test_clone_into(&cg);

    tap_ok(cgroup_kill_all(&cg, SIGKILL, &err) == 0, "kill_all (cgroup.kill)");
    reap(&c, &status);
    tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child died of SIGKILL");
    t0 = now_ms();
    rc = cgroup_destroy(&cg, &err);
    t1 = now_ms();
    tap_ok(rc == 0 && !cg_dir_exists(dir), "destroyed (%.2f ms)", t1 - t0);
    snprintf(dir, sizeof(dir), "%s%s", root, base);
    tap_ok(rmdir(dir) == 0, "test base removed");
    return tap_done();
}
