/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exec'd process before execve: a clone of ward that ward already placed in the container's
 * pid namespace and cgroup. It joins the other namespaces of the init (time and user first, mount
 * last), takes a terminal if asked, then goes through the same confinement as the init. It stays
 * non-dumpable until execve: while it is inside the container its /proc/PID/exe is ward's binary
 * (CVE-2019-5736), and its fds include ward's own.
 */
#include "runtime/confine.h"
#include "runtime/console.h"
#include "runtime/internal.h"
#include "runtime/namespaces.h"
#include "runtime/process_setup.h"
#include "runtime/sync.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/*
 * Everything but mount before user: ward may have made the container's time namespace, or joined
 * a pod's network/ipc/uts namespaces, in the host's user namespace, and a process already inside
 * the container's user namespace could no longer join those (from the host's, any of them can
 * be joined). Mount last: it moves the root and cwd into the container.
 */
static const spec_ns_type join_order[] = {SPEC_NS_TIME,    SPEC_NS_IPC,    SPEC_NS_UTS,
                                          SPEC_NS_NETWORK, SPEC_NS_CGROUP, SPEC_NS_USER,
                                          SPEC_NS_MOUNT};

static int join_namespaces(const exec_job *j, ward_err *err)
{
    for (size_t i = 0; i < sizeof(join_order) / sizeof(join_order[0]); i++) {
        spec_ns_type t = join_order[i];
        int fd = j->ns_fd[t];
        if (fd < 0)
            continue;
        if (setns(fd, spec_ns_clone_flag(t)) < 0)
            return ward_fail_errno(err, errno, "join the container's %s namespace",
                                   spec_ns_type_name(t));
        close(fd);
    }
    /* setns(mnt) put root and cwd at the namespace's root, which pivot_root made the rootfs */
    if (chdir("/") < 0)
        return ward_fail_errno(err, errno, "chdir / in the container");
    return 0;
}

static int take_terminal(const exec_job *j, ward_err *err)
{
    int master = console_setup_exec(j->proc, err);
    int rc;
    if (master < 0)
        return -1;
    rc = sync_send(j->sock[1], SYNC_CONSOLE, NULL, 0, master, err);
    close(master);
    return rc;
}

static char **strv_for_exec(const spec_strv *v)
{
    char **out = calloc(v->len + 1, sizeof(char *));
    if (out != NULL && v->len)
        memcpy(out, v->items, v->len * sizeof(char *));
    return out;
}

static int find_executable(const exec_job *j, char path[PATH_MAX], ward_err *err)
{
    if (proc_find_executable(j->proc, path, err) == 0)
        return 0;
    ward_err_prefix(err, "exec failed: unable to start container process");
    sync_send_failure(j->sock[1], SYNC_EXEC_FAILED, err);
    _exit(err->errnum == ENOENT ? 127 : 126);
}

static int prepare(const exec_job *j, char exec_path[PATH_MAX], ward_err *err)
{
    char landlock_json[4096];
    sync_msg m;
    confine_args c = {.cfg = j->cfg,
                      .proc = j->proc,
                      .hc = &j->ctx->hc,
                      .seccomp = j->seccomp,
                      .preserve_fds = j->o->preserve_fds,
                      .sync_fd = j->sock[1]};
    /* ward moves us into the cgroup (v1) before it says go */
    if (sync_expect(j->sock[1], SYNC_GO, &m, NULL, err) < 0)
        return -1;
    if (join_namespaces(j, err) < 0 || proc_reguard(SIGKILL, err) < 0)
        return -1;
    if (j->proc->terminal && take_terminal(j, err) < 0)
        return -1;
    if (proc_apply_rlimits(j->proc, err) < 0 || proc_apply_oom_score_adj(j->proc, err) < 0)
        return -1;
    if (confine_process(&c, landlock_json, sizeof(landlock_json), err) < 0)
        return -1;
    if (find_executable(j, exec_path, err) < 0)
        return -1;
    if (sync_send(j->sock[1], SYNC_READY, landlock_json, strlen(landlock_json), -1, err) < 0)
        return -1;
    return sync_expect(j->sock[1], SYNC_CREATED, &m, NULL, err);
}

void exec_child_main(const exec_job *j)
{
    ward_err err = {0};
    char exec_path[PATH_MAX];
    char **argv, **envp;
    /* first of all: nothing in the container may read this process's memory or exe */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        _exit(1);
    /* the state dir fd carries ward's flock, the pinned /proc dir is the host's: drop both */
    close(j->dirfd);
    close(j->procfd);
    close(j->sock[0]);
    if (prepare(j, exec_path, &err) < 0) {
        sync_send_error(j->sock[1], &err);
        _exit(1);
    }
    /* ward recorded the pid and waits for our end of the socket to close on exec: from now on
     * the process outlives ward */
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    argv = strv_for_exec(&j->proc->args);
    envp = strv_for_exec(&j->proc->env);
    if (argv == NULL || envp == NULL)
        _exit(1);
    if (confine_last(j->seccomp, &err) < 0) {
        sync_send_error(j->sock[1], &err);
        _exit(1);
    }
    execve(exec_path, argv, envp);
    ward_fail_errno(&err, errno, "exec failed: unable to start container process: exec: \"%s\"",
                    exec_path);
    sync_send_failure(j->sock[1], SYNC_EXEC_FAILED, &err);
    _exit(err.errnum == ENOENT ? 127 : 126);
}
