/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `exec`, ward's side: check the container can take a process, pin its init and open the init's
 * namespaces, build the process and compile the container's seccomp filters, then one clone3
 * (into the container's pid namespace and, on v2, its cgroup) and answer the child until it execs.
 * The state dir stays locked until then, so kill and delete wait for a consistent container.
 */

#include "runtime/console.h"
#include "runtime/internal.h"
#include "runtime/process_setup.h"
#include "runtime/state_store.h"
#include "runtime/sync.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The names of /proc/PID/ns entries, by spec_ns_type. */
static const char *const ns_proc_name[SPEC_NS_COUNT] = {
    [SPEC_NS_PID] = "pid",       [SPEC_NS_NETWORK] = "net", [SPEC_NS_MOUNT] = "mnt",
    [SPEC_NS_IPC] = "ipc",       [SPEC_NS_UTS] = "uts",     [SPEC_NS_USER] = "user",
    [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

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
        snprintf(rel, sizeof(rel), "ns/%s", ns_proc_name[t]);
        fd = openat(j->procfd, rel, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && (t == SPEC_NS_TIME || t == SPEC_NS_CGROUP))
            continue; /* a kernel without that namespace type */
        if (fd < 0)
            return ward_fail_errno(err, errno == ESRCH ? ESRCH : errno,
                                   "open the container's %s namespace", ns_proc_name[t]);
        if (same_ns(fd, ns_proc_name[t])) {
            close(fd);
            continue;
        }
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
    if (j->proc->terminal && j->o->console_socket == NULL)
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

static pid_t clone_child(exec_job *j, ward_err *err)
{
    struct clone_args ca = {.exit_signal = SIGCHLD};
    ward_err scratch;
    cleanup_close int cgfd = cgroup_open_dir_fd(&j->cg, &scratch);
    cleanup_close int own_pid_ns = -1;
    pid_t pid;
    int clone_errno;
    /* the clone inherits ward's mm flags: non-dumpable from its first instruction, so nothing
     * in a pid namespace it is born into can open /proc/<clone>/exe (CVE-2019-5736) */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return ward_fail_errno(err, errno, "prctl(PR_SET_DUMPABLE)");
    if (cgfd >= 0) {
        ca.flags |= CLONE_INTO_CGROUP;
        ca.cgroup = (uint64_t)cgfd;
        j->in_cgroup = true;
    }
    /* the pid namespace applies to children only: enter it here, the child is born inside; ward
     * returns to its own right after. Between the two setns nothing may fail or return, so that
     * nothing else ward forks ever lands in the container's namespace. */
    if (j->ns_fd[SPEC_NS_PID] >= 0) {
        own_pid_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (own_pid_ns < 0)
            return ward_fail_errno(err, errno, "open ward's pid namespace");
        if (setns(j->ns_fd[SPEC_NS_PID], CLONE_NEWPID) < 0)
            return ward_fail_errno(err, errno, "join the container's pid namespace");
    }
    pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid == 0)
        exec_child_main(j);
    clone_errno = errno;
    if (own_pid_ns >= 0 && setns(own_pid_ns, CLONE_NEWPID) < 0) {
        if (pid > 0)
            kill(pid, SIGKILL);
        return ward_fail_errno(err, errno, "return to ward's pid namespace");
    }
    if (pid < 0)
        return ward_fail_errno(err, clone_errno, "clone3 the exec'd process");
    return pid;
}

static int forward_seccomp_fd(exec_job *j, int fd, ward_err *err)
{
    cleanup_free char *json = NULL;
    size_t len;
    if (spec_state_to_oci_json(j->st, &json, &len, err) < 0)
        return -1;
    return sandbox_seccomp_send_listener(j->cfg, json, j->pid, fd, err);
}

/* Serve the child until it is ready; *fail_status says how a failure should end ward. */
static int converse(exec_job *j, int *fail_status, ward_err *err)
{
    sync_msg m;
    for (;;) {
        int fd = -1, rc = 0;
        if (sync_recv(j->sock[0], &m, &fd, err) < 0)
            return -1;
        switch (m.type) {
        case SYNC_EXEC_FAILED:
            *fail_status = m.errnum == ENOENT ? 127 : 126;
            /* fall through */
        case SYNC_ERROR:
            rc = sync_msg_to_err(&m, err);
            break;
        case SYNC_CONSOLE:
            rc = console_send_to_socket(j->o->console_socket, fd, err);
            break;
        case SYNC_SECCOMP_NOTIFY:
            rc = forward_seccomp_fd(j, fd, err);
            break;
        case SYNC_READY:
            return 0;
        default:
            rc = ward_fail(err, "unexpected message %u from the exec'd process", m.type);
        }
        if (fd >= 0)
            close(fd);
        if (rc < 0)
            return -1;
    }
}

/*
 * The child's end of the socket is close-on-exec: EOF means execve succeeded (and the child no
 * longer dies with ward); a message means it failed.
 */
static int wait_execve(exec_job *j, int *fail_status, ward_err *err)
{
    sync_msg m;
    if (sync_recv(j->sock[0], &m, NULL, err) < 0)
        return err->errnum == EPIPE ? 0 : -1;
    *fail_status = m.type == SYNC_EXEC_FAILED && m.errnum == ENOENT ? 127 : 126;
    return sync_msg_to_err(&m, err);
}

static int start_child(exec_job *j, int *fail_status, ward_err *err)
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, j->sock) < 0)
        return ward_fail_errno(err, errno, "socketpair");
    j->pid = clone_child(j, err);
    close(j->sock[1]);
    j->sock[1] = -1;
    if (j->pid < 0)
        return -1;
    /* v1 and hybrid have no CLONE_INTO_CGROUP: move the child before it does anything */
    if (!j->in_cgroup && cgroup_enter(&j->cg, j->pid, err) < 0)
        return -1;
    if (sync_send(j->sock[0], SYNC_GO, NULL, 0, -1, err) < 0)
        return -1;
    if (converse(j, fail_status, err) < 0)
        return -1;
    if (j->o->pid_file && write_pid_file(j->o->pid_file, j->pid, err) < 0)
        return -1;
    if (sync_send(j->sock[0], SYNC_CREATED, NULL, 0, -1, err) < 0)
        return -1;
    return wait_execve(j, fail_status, err);
}

static void release(exec_job *j)
{
    for (int t = 0; t < SPEC_NS_COUNT; t++)
        if (j->ns_fd[t] >= 0)
            close(j->ns_fd[t]);
    for (int i = 0; i < 2; i++)
        if (j->sock[i] >= 0)
            close(j->sock[i]);
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
    exec_job j = {.ctx = ctx, .o = o, .dirfd = -1, .procfd = -1, .sock = {-1, -1}};
    int rc;
    *fail_status = 1;
    for (int t = 0; t < SPEC_NS_COUNT; t++)
        j.ns_fd[t] = -1;
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
