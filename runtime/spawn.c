/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The clone3 of a container process (the init or an exec'd one) and ward's side of its setup
 * conversation. The order in spawn_clone is what keeps the container away from ward:
 *   1. ward turns itself non-dumpable before clone3: the clone inherits ward's mm flags, so it is
 *      non-dumpable from its first instruction and nothing in a pid namespace it is born into can
 *      open /proc/<clone>/exe, which is ward's binary until execve (CVE-2019-5736);
 *   2. ward enters the namespaces that only apply to children (pid, time, and those a child in a
 *      new user namespace could not join), clones, and returns to its own right after clone3,
 *      before anything else, so that nothing else ward forks (hooks, LeakSanitizer's tracer)
 *      lands in the container's;
 *   3. the child closes ward's end of the socket, sets its parent-death signal (it dies with ward
 *      until ward says otherwise) and only then runs the caller's code.
 */
#include "runtime/spawn.h"

#include "runtime/console.h"
#include "runtime/hooks.h"
#include "runtime/sandbox/sandbox.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static __attribute__((noreturn)) void run_child(const spawn_req *r, int sock[2])
{
    close(sock[0]);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        _exit(1);
    r->child(r->arg, sock[1]);
    _exit(1);
}

/* clone3 into r->ns's new namespaces and, on v2, straight into the cgroup. */
static pid_t clone_into(const spawn_req *r, spawn_child *c, int sock[2], ward_err *err)
{
    struct clone_args ca = {.flags = (uint64_t)r->ns->clone_flags, .exit_signal = SIGCHLD};
    ward_err scratch; /* v1 and hybrid have no fd to clone into: the caller uses cgroup_enter */
    cleanup_close int cgfd = cgroup_open_dir_fd(r->cg, &scratch);
    pid_t pid;
    if (cgfd >= 0) {
        ca.flags |= CLONE_INTO_CGROUP;
        ca.cgroup = (uint64_t)cgfd;
        c->in_cgroup = true;
    }
    pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid == 0)
        run_child(r, sock);
    if (pid < 0)
        return ward_fail_errno(err, errno, "clone3 %s", r->what);
    return pid;
}

int spawn_clone(const spawn_req *r, spawn_child *c, ward_err *err)
{
    int sock[2];
    ward_err scratch;
    int rc;
    c->pid = 0;
    c->sock = -1;
    c->in_cgroup = false;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
        return ward_fail_errno(err, errno, "socketpair");
    c->sock = sock[0];
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        close(sock[1]);
        return ward_fail_errno(err, errno, "prctl(PR_SET_DUMPABLE)");
    }
    rc = ns_prepare_parent(r->cfg, r->ns, err);
    if (rc == 0) {
        c->pid = clone_into(r, c, sock, err);
        rc = c->pid < 0 ? -1 : 0;
    }
    /* whatever happened, ward leaves the namespaces it entered for the child: now */
    if (ns_restore_parent(r->ns, rc < 0 ? &scratch : err) < 0) {
        if (c->pid > 0)
            kill(c->pid, SIGKILL);
        rc = -1;
    }
    close(sock[1]);
    if (c->pid < 0)
        c->pid = 0;
    return rc;
}

static int forward_seccomp_fd(const spawn_peer *p, int fd, ward_err *err)
{
    cleanup_free char *json = NULL;
    size_t len;
    if (spec_state_to_oci_json(p->st, &json, &len, err) < 0)
        return -1;
    return sandbox_seccomp_send_listener(p->cfg, json, p->pid, fd, err);
}

/* prestart (deprecated) runs at the same point as createRuntime, as runc does. */
static int run_runtime_hooks(const spawn_peer *p, int sock, ward_err *err)
{
    cleanup_free char *json = NULL;
    size_t len;
    if (p->cfg->has_hooks) {
        if (spec_state_to_oci_json(p->st, &json, &len, err) < 0 ||
            hooks_run(&p->cfg->hooks.prestart, "prestart", json, false, err) < 0 ||
            hooks_run(&p->cfg->hooks.create_runtime, "createRuntime", json, false, err) < 0)
            return -1;
    }
    return sync_send(sock, SYNC_HOOKS_DONE, NULL, 0, -1, err);
}

/* A terminal's master: to the console socket, or the caller's now (*fd taken). */
static int hand_over_console(const spawn_peer *p, int *fd, ward_err *err)
{
    if (p->console_socket == NULL && p->console_master != NULL) {
        *p->console_master = *fd;
        *fd = -1;
        return 0;
    }
    return console_send_to_socket(p->console_socket, *fd, err);
}

/* One message: 1 when it was SYNC_READY, 0 to go on, -1 on failure. A passed fd the message
 * hands on is taken (*fd = -1); the caller closes any other. */
static int serve_one(int sock, const spawn_peer *p, sync_msg *m, int *fd, ward_err *err)
{
    switch (m->type) {
    case SYNC_READY:
        return 1;
    case SYNC_ERROR:
        return sync_msg_to_err(m, err);
    case SYNC_EXEC_FAILED:
        if (p->exec_status == NULL)
            break;
        *p->exec_status = m->errnum == ENOENT ? 127 : 126;
        return sync_msg_to_err(m, err);
    case SYNC_RUNTIME_HOOKS:
        if (!p->runtime_hooks)
            break;
        return run_runtime_hooks(p, sock, err);
    case SYNC_CONSOLE:
        return hand_over_console(p, fd, err);
    case SYNC_SECCOMP_NOTIFY:
        return forward_seccomp_fd(p, *fd, err);
    }
    return ward_fail(err, "unexpected message %u from %s", m->type, p->name);
}

int spawn_serve(int sock, const spawn_peer *p, sync_msg *ready, ward_err *err)
{
    for (;;) {
        int fd = -1, rc;
        if (sync_recv(sock, ready, &fd, err) < 0)
            return err->errnum == EPIPE && p->died ? p->died(p->ctx, err) : -1;
        rc = serve_one(sock, p, ready, &fd, err);
        if (fd >= 0)
            close(fd);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
}
