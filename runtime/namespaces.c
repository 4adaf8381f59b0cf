/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/namespaces.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int ns_clone_flag(spec_ns_type t)
{
    static const int flags[SPEC_NS_COUNT] = {
        [SPEC_NS_PID] = CLONE_NEWPID,       [SPEC_NS_NETWORK] = CLONE_NEWNET,
        [SPEC_NS_MOUNT] = CLONE_NEWNS,      [SPEC_NS_IPC] = CLONE_NEWIPC,
        [SPEC_NS_UTS] = CLONE_NEWUTS,       [SPEC_NS_USER] = CLONE_NEWUSER,
        [SPEC_NS_CGROUP] = CLONE_NEWCGROUP, [SPEC_NS_TIME] = CLONE_NEWTIME,
    };
    return (unsigned)t < SPEC_NS_COUNT ? flags[t] : 0;
}

static int open_ns_path(const spec_namespace *ns, size_t idx, ward_err *err)
{
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    int type;
    if (fd < 0)
        return ward_fail_errno(err, errno, "linux.namespaces[%zu].path: open %s", idx, ns->path);
    type = ioctl(fd, NS_GET_NSTYPE);
    if (type < 0 || type != ns_clone_flag(ns->type)) {
        close(fd);
        return ward_fail(err, "linux.namespaces[%zu].path: %s is not a %s namespace", idx, ns->path,
                         spec_ns_type_name(ns->type));
    }
    return fd;
}

const char *ns_proc_name(spec_ns_type t)
{
    static const char *const names[SPEC_NS_COUNT] = {
        [SPEC_NS_PID] = "pid",       [SPEC_NS_NETWORK] = "net", [SPEC_NS_MOUNT] = "mnt",
        [SPEC_NS_IPC] = "ipc",       [SPEC_NS_UTS] = "uts",     [SPEC_NS_USER] = "user",
        [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
    };
    return (unsigned)t < SPEC_NS_COUNT ? names[t] : "";
}

void ns_plan_init(ns_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    for (int i = 0; i < SPEC_NS_COUNT; i++)
        plan->join_fd[i] = plan->saved_fd[i] = -1;
}

int ns_plan_make(const spec_config *cfg, ns_plan *plan, ward_err *err)
{
    ns_plan_init(plan);
    for (size_t i = 0; i < cfg->linux_.n_namespaces; i++) {
        const spec_namespace *ns = &cfg->linux_.namespaces[i];
        if (ns->path && *ns->path) {
            int fd = open_ns_path(ns, i, err);
            if (fd < 0) {
                ns_plan_close(plan);
                return -1;
            }
            plan->join_fd[ns->type] = fd;
            continue;
        }
        if (ns->type == SPEC_NS_TIME)
            plan->new_time = true;
        else if (ns->type == SPEC_NS_CGROUP)
            plan->new_cgroup = true;
        else
            plan->clone_flags |= ns_clone_flag(ns->type);
        if (ns->type == SPEC_NS_USER)
            plan->new_user = true;
    }
    /*
     * A child inside a new user namespace may not join namespaces owned by the host's; ward
     * joins network, ipc, uts and cgroup namespaces itself before clone3 so that the child is
     * born in them. Joining a mount namespace would move ward's own view of the filesystem:
     * refuse that combination clearly instead of failing half-way.
     */
    if (plan->new_user) {
        for (int t = 0; t < SPEC_NS_COUNT; t++) {
            if (plan->join_fd[t] < 0 || t == SPEC_NS_PID || t == SPEC_NS_TIME)
                continue;
            if (t == SPEC_NS_MOUNT) {
                ns_plan_close(plan);
                return ward_fail(err, "linux.namespaces: joining a mount namespace by path "
                                      "together with a new user namespace is not supported");
            }
            plan->by_ward[t] = true;
        }
    }
    return 0;
}

void ns_plan_close(ns_plan *plan)
{
    for (int i = 0; i < SPEC_NS_COUNT; i++) {
        if (plan->join_fd[i] >= 0)
            close(plan->join_fd[i]);
        if (plan->saved_fd[i] >= 0)
            close(plan->saved_fd[i]);
        plan->join_fd[i] = plan->saved_fd[i] = -1;
    }
}

/* Remember ward's own namespace of type t, then join fd (or, fd < 0, only remember). */
static int enter_for_children(ns_plan *plan, spec_ns_type t, int fd, ward_err *err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_proc_name(t));
    plan->saved_fd[t] = open(path, O_RDONLY | O_CLOEXEC);
    if (plan->saved_fd[t] < 0)
        return ward_fail_errno(err, errno, "open %s", path);
    if (fd >= 0 && setns(fd, ns_clone_flag(t)) < 0)
        return ward_fail_errno(err, errno, "join %s namespace", spec_ns_type_name(t));
    return 0;
}

int ns_restore_parent(ns_plan *plan, ward_err *err)
{
    for (int t = 0; t < SPEC_NS_COUNT; t++) {
        if (plan->saved_fd[t] < 0)
            continue;
        if (setns(plan->saved_fd[t], ns_clone_flag((spec_ns_type)t)) < 0)
            return ward_fail_errno(err, errno, "return to ward's %s namespace",
                                   spec_ns_type_name((spec_ns_type)t));
        close(plan->saved_fd[t]);
        plan->saved_fd[t] = -1;
    }
    return 0;
}

static int write_time_offsets(const spec_config *cfg, ward_err *err)
{
    cleanup_close int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return ward_fail_errno(err, errno, "open /proc/self/timens_offsets");
    for (size_t i = 0; i < cfg->linux_.n_time_offsets; i++) {
        const spec_time_offset *o = &cfg->linux_.time_offsets[i];
        char line[128];
        int n =
            snprintf(line, sizeof(line), "%s %lld %u\n", o->clock, (long long)o->secs, o->nanosecs);
        if (write(fd, line, (size_t)n) != n)
            return ward_fail_errno(err, errno, "linux.timeOffsets.%s: write offset", o->clock);
    }
    return 0;
}

int ns_prepare_parent(const spec_config *cfg, ns_plan *plan, ward_err *err)
{
    if (plan->join_fd[SPEC_NS_PID] >= 0 &&
        enter_for_children(plan, SPEC_NS_PID, plan->join_fd[SPEC_NS_PID], err) < 0)
        return -1;
    if ((plan->join_fd[SPEC_NS_TIME] >= 0 || plan->new_time) &&
        enter_for_children(plan, SPEC_NS_TIME, plan->join_fd[SPEC_NS_TIME], err) < 0)
        return -1;
    for (int t = 0; t < SPEC_NS_COUNT; t++)
        if (plan->by_ward[t] &&
            enter_for_children(plan, (spec_ns_type)t, plan->join_fd[t], err) < 0)
            return -1;
    if (plan->new_time) {
        if (unshare(CLONE_NEWTIME) < 0)
            return ward_fail_errno(err, errno, "create time namespace");
        if (write_time_offsets(cfg, err) < 0)
            return -1;
    }
    return 0;
}

int ns_unshare_cgroup(const ns_plan *plan, ward_err *err)
{
    if (plan->new_cgroup && unshare(CLONE_NEWCGROUP) < 0)
        return ward_fail_errno(err, errno, "create cgroup namespace");
    return 0;
}

int ns_join_paths(const ns_plan *plan, ward_err *err)
{
    /* user first: it decides what the other joins are allowed to do */
    static const spec_ns_type order[] = {SPEC_NS_USER,    SPEC_NS_IPC,    SPEC_NS_UTS,
                                         SPEC_NS_NETWORK, SPEC_NS_CGROUP, SPEC_NS_MOUNT};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        spec_ns_type t = order[i];
        if (plan->join_fd[t] < 0 || plan->by_ward[t])
            continue;
        if (setns(plan->join_fd[t], ns_clone_flag(t)) < 0)
            return ward_fail_errno(err, errno, "join %s namespace", spec_ns_type_name(t));
    }
    return 0;
}

static int write_map(pid_t pid, const char *file, const spec_id_mapping *m, size_t n, ward_err *err)
{
    char path[64], buf[4096];
    size_t used = 0;
    cleanup_close int fd = -1;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + used, sizeof(buf) - used, "%u %u %u\n", m[i].container_id,
                         m[i].host_id, m[i].size);
        if (w < 0 || (size_t)w >= sizeof(buf) - used)
            return ward_fail(err, "linux.%s: too many mappings", file);
        used += (size_t)w;
    }
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, buf, used) != (ssize_t)used)
        return ward_fail_errno(err, errno, "write %s", file);
    return 0;
}

int ns_write_id_maps(const spec_config *cfg, pid_t pid, ward_err *err)
{
    if (write_map(pid, "uid_map", cfg->linux_.uid_mappings, cfg->linux_.n_uid_mappings, err) < 0)
        return ward_err_prefix(err, "user namespace");
    if (write_map(pid, "gid_map", cfg->linux_.gid_mappings, cfg->linux_.n_gid_mappings, err) < 0)
        return ward_err_prefix(err, "user namespace");
    return 0;
}
