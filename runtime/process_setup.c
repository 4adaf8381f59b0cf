/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/process_setup.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

int proc_apply_rlimits(const spec_process *p, ward_err *err)
{
    for (size_t i = 0; i < p->n_rlimits; i++) {
        const spec_rlimit *r = &p->rlimits[i];
        struct rlimit lim = {.rlim_cur = r->soft, .rlim_max = r->hard};
        int res = -1;
        for (size_t k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
            if (strcmp(rlimit_names[k].name, r->type) == 0)
                res = rlimit_names[k].resource;
        if (res < 0)
            return ward_fail(err, "process.rlimits[%zu].type: unknown rlimit \"%s\"", i, r->type);
        if (setrlimit(res, &lim) < 0) {
            if (errno == EPERM)
                return ward_fail_errno(err, EPERM,
                                       "process.rlimits[%zu]: cannot set %s to soft %llu hard %llu "
                                       "(raising a hard limit needs CAP_SYS_RESOURCE)",
                                       i, r->type, (unsigned long long)r->soft,
                                       (unsigned long long)r->hard);
            return ward_fail_errno(err, errno, "process.rlimits[%zu]: setrlimit %s", i, r->type);
        }
    }
    return 0;
}

int proc_apply_oom_score_adj(const spec_process *p, ward_err *err)
{
    char buf[16];
    int n;
    cleanup_close int fd = -1;
    if (!p->has_oom_score_adj)
        return 0;
    fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
    if (fd < 0 || write(fd, buf, (size_t)n) != n)
        return ward_fail_errno(err, errno, "process.oomScoreAdj: set %d", p->oom_score_adj);
    return 0;
}

/*
 * The kernel resets two protections whenever a process's effective ids change (commit_creds):
 * dumpable goes back to fs.suid_dumpable and the parent-death signal is cleared. On a host with
 * fs.suid_dumpable=1 a process that changes uid before execve would be dumpable again while its
 * /proc/PID/exe is still ward's binary (CVE-2019-5736's door), and would outlive ward. So every
 * change of ids (and every setns that may change credentials) sets both again right after.
 */
int proc_reguard(int pdeathsig, ward_err *err)
{
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return ward_fail_errno(err, errno, "prctl(PR_SET_DUMPABLE)");
    if (prctl(PR_SET_PDEATHSIG, pdeathsig, 0, 0, 0) < 0)
        return ward_fail_errno(err, errno, "prctl(PR_SET_PDEATHSIG)");
    return 0;
}

int proc_setresid(uid_t uid, gid_t gid, ward_err *err)
{
    int pdeathsig = 0;
    if (prctl(PR_GET_PDEATHSIG, &pdeathsig, 0, 0, 0) < 0)
        return ward_fail_errno(err, errno, "prctl(PR_GET_PDEATHSIG)");
    if (setresgid(gid, gid, gid) < 0)
        return ward_fail_errno(err, errno, "setresgid(%u)", gid);
    if (setresuid(uid, uid, uid) < 0)
        return ward_fail_errno(err, errno, "setresuid(%u)", uid);
    return proc_reguard(pdeathsig, err);
}

int proc_set_user(const spec_process *p, ward_err *err)
{
    const spec_user *u = &p->user;
    gid_t groups[256];
    if (u->n_additional_gids > sizeof(groups) / sizeof(groups[0]))
        return ward_fail(err, "process.user.additionalGids: more than %zu groups",
                         sizeof(groups) / sizeof(groups[0]));
    for (size_t i = 0; i < u->n_additional_gids; i++)
        groups[i] = u->additional_gids[i];
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return ward_fail_errno(err, errno, "prctl(PR_SET_KEEPCAPS)");
    /* setgroups is denied in a user namespace whose setgroups file says deny: then skip it */
    if (setgroups(u->n_additional_gids, groups) < 0 &&
        !(errno == EPERM && u->n_additional_gids == 0))
        return ward_fail_errno(err, errno, "process.user.additionalGids: setgroups");
    if (proc_setresid(u->uid, u->gid, err) < 0)
        return ward_err_prefix(err, "process.user");
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return ward_fail_errno(err, errno, "prctl(PR_SET_KEEPCAPS)");
    return 0;
}

static const char *env_lookup(const spec_strv *env, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < env->len; i++)
        if (strncmp(env->items[i], key, klen) == 0 && env->items[i][klen] == '=')
            return env->items[i] + klen + 1;
    return NULL;
}

/* Sets errno when it is not: ENOENT (missing), EACCES (not a regular file or not executable). */
static bool is_executable_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return false;
    if (!S_ISREG(st.st_mode)) {
        errno = EACCES;
        return false;
    }
    return access(path, X_OK) == 0;
}

int proc_find_executable(const spec_process *p, char out[PATH_MAX], ward_err *err)
{
    const char *name = p->args.items[0];
    const char *path = env_lookup(&p->env, "PATH");
    cleanup_free char *copy = NULL;
    char *dir, *save = NULL;
    if (strchr(name, '/')) {
        if (snprintf(out, PATH_MAX, "%s", name) >= PATH_MAX)
            return ward_fail(err, "process.args[0]: path too long");
        if (!is_executable_file(out))
            return ward_fail_errno(err, errno, "exec: \"%s\"", name);
        return 0;
    }
    if (path == NULL)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    copy = strdup(path);
    if (copy == NULL)
        return ward_fail_errno(err, ENOMEM, "exec");
    for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        if (snprintf(out, PATH_MAX, "%s/%s", *dir ? dir : ".", name) >= PATH_MAX)
            continue;
        if (is_executable_file(out))
            return 0;
    }
    /* runc's words, which podman matches to report "command not found" (127) */
    return ward_fail_code(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

int proc_prepare_fds(int preserve_fds, ward_err *err)
{
    unsigned int first = 3 + (unsigned int)preserve_fds;
    if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        return ward_fail_errno(err, errno, "close_range");
    for (int fd = 3; fd < (int)first; fd++) {
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0 && fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
            return ward_fail_errno(err, errno, "--preserve-fds: fd %d", fd);
    }
    return 0;
}

int proc_check_preserved_fds(int n, ward_err *err)
{
    if (n < 0 || n > 1024)
        return ward_fail(err, "--preserve-fds: must be between 0 and 1024");
    for (int fd = 3; fd < 3 + n; fd++)
        if (fcntl(fd, F_GETFD) < 0)
            return ward_fail(err, "--preserve-fds %d: fd %d is not open", n, fd);
    return 0;
}
