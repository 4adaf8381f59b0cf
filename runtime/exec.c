/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `exec`, ward's side: check the container can take a process, pin its init and open the init's
 * namespaces, build the process and compile the container's seccomp filters, then one clone3
 * (into the container's pid namespace and, on v2, its cgroup) and answer the child until it execs.
 * The state dir stays locked until then, so kill and delete wait for a consistent container.
 */

#include "runtime/internal.h"
#include "runtime/pid.h"
#include "runtime/process_setup.h"
#include "runtime/spawn.h"
#include "runtime/state_store.h"
#include "runtime/sync.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int check_status(const spec_state *st, ward_err *err)
{
    switch (st->status) {
    case SPEC_STATUS_RUNNING:
    case SPEC_STATUS_CREATED:
        return 0;
    case SPEC_STATUS_PAUSED:
        return ward_fail(err, "cannot exec in a paused container");
    case SPEC_STATUS_STOPPED:
        return ward_fail(err, "cannot exec in a stopped container");
    default:
        return ward_fail(err, "cannot exec in a container that is %s",
                         spec_status_name(st->status));
    }
}

/* /proc/<pid> of the init, checked to be the process state.json recorded (start time). */
static int pin_init(exec_job *j, ward_err *err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d", (int)j->st->pid);
    j->procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    /* checked after the open: a reused pid now fails the start-time comparison */
    if (j->procfd < 0 || !state_init_alive(j->st))
        return ward_fail(err, "cannot exec in a stopped container");
    return 0;
}

static bool same_ns(int fd, const char *name)
{
    char path[64];
    struct stat a, b;
    snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

/* Open every namespace of the init that is not ward's own (joining one's own is an error). */
static int open_namespaces(exec_job *j, ward_err *err)
{
    for (int t = 0; t < SPEC_NS_COUNT; t++) {
        char rel[32];
        int fd;
        snprintf(rel, sizeof(rel), "ns/%s", ns_proc_name((spec_ns_type)t));
        fd = openat(j->procfd, rel, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && (t == SPEC_NS_TIME || t == SPEC_NS_CGROUP))
            continue; /* a kernel without that namespace type */
        if (fd < 0)
            return ward_fail_errno(err, errno == ESRCH ? ESRCH : errno,
                                   "open the container's %s namespace",
                                   ns_proc_name((spec_ns_type)t));
        if (same_ns(fd, ns_proc_name((spec_ns_type)t))) {
            close(fd);
            continue;
        }
        /* the pid namespace applies to children only: ward enters it for the clone */
        if (t == SPEC_NS_PID)
            j->spawn_ns.join_fd[t] = fd;
        else
            j->ns_fd[t] = fd;
    }
    /* the opens went through the pinned dir: they are the init's if it is still alive */
    if (!state_init_alive(j->st))
        return ward_fail(err, "cannot exec in a stopped container");
    return 0;
}

static int prepare(exec_job *j, ward_err *err)
{
    char cache[PATH_MAX];
    spec_config *cfg;
    if (check_status(j->st, err) < 0 || pin_init(j, err) < 0)
        return -1;
    if (state_load_config(j->dirfd, &j->cfg, err) < 0)
        return -1;
    cfg = j->cfg;
    if (exec_build_process(j->o, &cfg->process, &j->proc, err) < 0)
        return -1;
    if (j->proc->terminal && j->o->console_socket == NULL && j->o->console_master == NULL)
        return ward_fail(err, "exec: a terminal was asked for (--tty or process.terminal): "
                              "--console-socket is required to receive it");
    if (!j->proc->terminal && j->o->console_socket != NULL)
        return ward_fail(err, "exec: --console-socket given but no terminal asked for (--tty)");
    if (state_cgroup(j->st, &j->cg) < 0)
        return ward_fail(err, "container \"%s\": state.json has no cgroup", j->st->id);
    if (open_namespaces(j, err) < 0)
        return -1;
    snprintf(cache, sizeof(cache), "%s/.seccomp-cache", j->ctx->root);
    if (sandbox_seccomp_prepare(cfg, &j->ctx->hc, cache, &j->seccomp, err) < 0)
        return ward_err_prefix(err, "seccomp");
    return 0;
}

/* In the clone: join the container and exec (never returns). */
static void exec_child(void *arg, int sync_fd)
{
    exec_child_main(arg, sync_fd);
}

/* Serve the child until it is ready; *fail_status says how a failure should end ward. */
static int converse(exec_job *j, int *fail_status, ward_err *err)
{
    spawn_peer peer = {.name = "the exec'd process",
                       .pid = j->pid,
                       .cfg = j->cfg,
                       .st = j->st,
                       .console_socket = j->o->console_socket,
                       .console_master = j->o->console_master,
                       .exec_status = fail_status};
    sync_msg m;
    return spawn_serve(j->sock, &peer, &m, err);
}

/*
 * The child's end of the socket is close-on-exec: EOF means execve succeeded (and the child no
 * longer dies with ward); a message means it failed.
 */
static int wait_execve(exec_job *j, int *fail_status, ward_err *err)
{
    sync_msg m;
    if (sync_recv(j->sock, &m, NULL, err) < 0)
        return err->errnum == EPIPE ? 0 : -1;
    *fail_status = m.type == SYNC_EXEC_FAILED && m.errnum == ENOENT ? 127 : 126;
    return sync_msg_to_err(&m, err);
}

static int start_child(exec_job *j, int *fail_status, ward_err *err)
{
    spawn_req req = {.what = "the exec'd process",
                     .ns = &j->spawn_ns,
                     .cfg = j->cfg,
                     .cg = &j->cg,
                     .child = exec_child,
                     .arg = j};
    spawn_child c;
    int rc = spawn_clone(&req, &c, err);
    j->pid = c.pid;
    j->sock = c.sock;
    if (rc < 0)
        return -1;
    /* v1 and hybrid have no CLONE_INTO_CGROUP: move the child before it does anything */
    if (!c.in_cgroup && cgroup_enter(&j->cg, j->pid, err) < 0)
        return -1;
    if (sync_send(j->sock, SYNC_GO, NULL, 0, -1, err) < 0)
        return -1;
    if (converse(j, fail_status, err) < 0)
        return -1;
    if (j->o->pid_file && write_pid_file(j->o->pid_file, j->pid, err) < 0)
        return -1;
    if (sync_send(j->sock, SYNC_CREATED, NULL, 0, -1, err) < 0)
        return -1;
    return wait_execve(j, fail_status, err);
}

static void release(exec_job *j)
{
    for (int t = 0; t < SPEC_NS_COUNT; t++)
        if (j->ns_fd[t] >= 0)
            close(j->ns_fd[t]);
    if (j->sock >= 0)
        close(j->sock);
    ns_plan_close(&j->spawn_ns);
    if (j->procfd >= 0)
        close(j->procfd);
    if (j->dirfd >= 0)
        close(j->dirfd);
    sandbox_seccomp_free(j->seccomp);
    if (j->proc)
        spec_process_free(j->proc);
    if (j->cfg)
        spec_config_free(j->cfg);
    if (j->st)
        spec_state_free(j->st);
}

int container_exec(const ward_ctx *ctx, const exec_opts *o, pid_t *pid, int *fail_status,
                   ward_err *err)
{
    exec_job j = {.ctx = ctx, .o = o, .dirfd = -1, .procfd = -1, .sock = -1};
    int rc;
    *fail_status = 1;
    for (int t = 0; t < SPEC_NS_COUNT; t++)
        j.ns_fd[t] = -1;
    ns_plan_init(&j.spawn_ns);
    /* before ward opens anything, so that none of its fds can sit in the preserved range */
    if (proc_check_preserved_fds(o->preserve_fds, err) < 0 || state_validate_id(o->id, err) < 0)
        return -1;
    rc = container_load(ctx, o->id, true, &j.dirfd, &j.st, err);
    if (rc == 0)
        rc = prepare(&j, err);
    if (rc == 0)
        rc = start_child(&j, fail_status, err);
    if (rc < 0 && j.pid > 0) {
        kill(j.pid, SIGKILL);
        waitpid(j.pid, NULL, 0);
    }
    if (rc == 0)
        *pid = j.pid;
    release(&j);
    return rc;
}
