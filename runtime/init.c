/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's init, in the order of design.md, each step failing closed: namespaces joined,
 * ids, runtime hooks, hostname, sysctl, mounts, createContainer hooks, pivot_root, masked and
 * read-only paths, console, limits, identity, capabilities, no_new_privs, Landlock, fds, seccomp
 * (last), then wait on exec.fifo and execve. Errors travel back to ward over the sync socket.
 */
#include "runtime/init.h"
#include "runtime/confine.h"
#include "runtime/console.h"
#include "runtime/hooks.h"
#include "runtime/process_setup.h"
#include "runtime/rootfs/rootfs.h"
#include "runtime/sync.h"
#include "runtime/sysctl.h"
#include "spec/base/cleanup.h"
#include "spec/json_write.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROTECTIONS_MAX 12288

typedef struct init_fifo {
    int rd; /* the init blocks reading this until `start` writes a byte */
    int wr; /* held so that the read end sees no EOF before `start` */
} init_fifo;

/* Open exec.fifo both ways while the host path is still reachable (before pivot_root). */
static int fifo_open(int opath_fd, init_fifo *f, ward_err *err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", opath_fd);
    f->rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (f->rd < 0)
        return ward_fail_errno(err, errno, "open exec.fifo");
    f->wr = open(path, O_WRONLY | O_CLOEXEC);
    if (f->wr < 0 || fcntl(f->rd, F_SETFL, 0) < 0)
        return ward_fail_errno(err, errno, "open exec.fifo");
    return 0;
}

static int fifo_wait_start(init_fifo *f, ward_err *err)
{
    char c;
    ssize_t n;
    do {
        n = read(f->rd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1)
        return ward_fail_errno(err, n < 0 ? errno : EPIPE, "wait on exec.fifo");
    close(f->wr);
    return 0;
}

static int become_root_in_userns(ward_err *err)
{
    if (proc_setresid(0, 0, err) < 0)
        return ward_err_prefix(err, "user namespace: become root (is uid/gid 0 mapped?)");
    return 0;
}

static int set_names(const spec_config *cfg, ward_err *err)
{
    if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
        return ward_fail_errno(err, errno, "hostname: sethostname");
    if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
        return ward_fail_errno(err, errno, "domainname: setdomainname");
    return 0;
}

static int set_personality(const spec_config *cfg, ward_err *err)
{
    const spec_personality *p = &cfg->linux_.personality;
    if (!p->present || p->domain == NULL)
        return 0;
    if (personality(strcmp(p->domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX) < 0)
        return ward_fail_errno(err, errno, "linux.personality: %s", p->domain);
    return 0;
}

static int run_runtime_hooks_in_ward(const spec_config *cfg, int sock, ward_err *err)
{
    sync_msg m;
    /* no round trip to ward when there is nothing for it to run */
    if (!cfg->has_hooks || (cfg->hooks.prestart.len == 0 && cfg->hooks.create_runtime.len == 0))
        return 0;
    if (sync_send(sock, SYNC_RUNTIME_HOOKS, NULL, 0, -1, err) < 0)
        return -1;
    return sync_expect(sock, SYNC_HOOKS_DONE, &m, NULL, err);
}

static int setup_filesystem(const init_args *a, const char *state_json, ward_err *err)
{
    rootfs_opts ro = {.cfg = a->cfg,
                      .rootfs = a->rootfs,
                      .no_pivot = a->no_pivot,
                      .userns = a->ns->new_user || a->ns->join_fd[SPEC_NS_USER] >= 0,
                      .kernel_ro = !a->hc->kernel_interfaces_from_config};
    if (chdir(a->bundle) < 0)
        return ward_fail_errno(err, errno, "chdir to the bundle %s", a->bundle);
    if (rootfs_mount_all(&ro, err) < 0)
        return -1;
    /* createContainer: in the container's namespaces, after mounts, before pivot_root */
    if (a->cfg->has_hooks &&
        hooks_run(&a->cfg->hooks.create_container, "createContainer", state_json, false, err) < 0)
        return -1;
    return rootfs_enter(&ro, err);
}

/* Identity, capabilities and the sandbox: the steps the init shares with `exec`. */
static int confine(const init_args *a, char *landlock_json, size_t ll_len, ward_err *err)
{
    confine_args c = {.cfg = a->cfg,
                      .proc = &a->cfg->process,
                      .hc = a->hc,
                      .seccomp = a->seccomp,
                      .preserve_fds = a->preserve_fds,
                      .sync_fd = a->sync_fd};
    return confine_process(&c, landlock_json, ll_len, err);
}

/* "namespaces":{"pid":"new","network":"joined","user":"host",...}: what isolates the container. */
static void describe_namespaces(jwriter *w, const ns_plan *ns)
{
    jw_key(w, "namespaces");
    jw_open(w);
    for (int t = 0; t < SPEC_NS_COUNT; t++) {
        const char *how = "host";
        if (ns->join_fd[t] >= 0)
            how = "joined";
        else if ((ns->clone_flags & spec_ns_clone_flag((spec_ns_type)t)) ||
                 (t == SPEC_NS_TIME && ns->new_time) || (t == SPEC_NS_CGROUP && ns->new_cgroup))
            how = "new";
        jw_kstr(w, spec_ns_type_name((spec_ns_type)t), how);
    }
    jw_close(w);
}

/* The protections in force, for state.json: {"no_new_privileges":B,"seccomp":{..},..}. */
static int report_ready(const init_args *a, const char *landlock_json, ward_err *err)
{
    cleanup_free char *sc = NULL, *json = NULL;
    cleanup_jwriter jwriter w = {0};
    size_t len;
    if (sandbox_seccomp_describe(a->seccomp, &sc, err) < 0 || jw_init(&w, false, err) < 0)
        return -1;
    jw_open(&w);
    jw_kbool(&w, "no_new_privileges", confine_want_nnp(a->hc, &a->cfg->process));
    jw_key(&w, "seccomp");
    if (jw_json(&w, sc, err) < 0)
        return ward_err_prefix(err, "protections report: seccomp");
    jw_key(&w, "landlock");
    if (jw_json(&w, landlock_json, err) < 0)
        return ward_err_prefix(err, "protections report: landlock");
    describe_namespaces(&w, a->ns);
    jw_kbool(&w, "dumpable", false);
    jw_kbool(&w, "fds_closed", true);
    jw_close(&w);
    if (jw_finish(&w, &json, &len, err) < 0)
        return ward_err_prefix(err, "protections report");
    if (len >= PROTECTIONS_MAX)
        return ward_fail(err, "protections report too large");
    return sync_send(a->sync_fd, SYNC_READY, json, len, -1, err);
}

/* A NULL-terminated copy of a string list for execve. */
static char **strv_for_exec(const spec_strv *v)
{
    char **out = calloc(v->len + 1, sizeof(char *));
    if (out != NULL && v->len)
        memcpy(out, v->items, v->len * sizeof(char *));
    return out;
}

static int init_run(const init_args *a, char **exec_path_out, char **state_json, init_fifo *fifo,
                    ward_err *err)
{
    const spec_config *cfg = a->cfg;
    char exec_path[PATH_MAX];
    char landlock_json[PROTECTIONS_MAX / 2];
    sync_msg m;

    if (sync_expect(a->sync_fd, SYNC_GO, &m, NULL, err) < 0)
        return -1;
    *state_json = strdup(m.data);
    if (*state_json == NULL)
        return ward_fail_errno(err, ENOMEM, "init");
    if (fifo_open(a->fifo_fd, fifo, err) < 0)
        return -1;
    if (ns_join_paths(a->ns, err) < 0 || proc_reguard(SIGKILL, err) < 0)
        return -1;
    if (a->ns->new_user && become_root_in_userns(err) < 0)
        return -1;
    if (ns_unshare_cgroup(a->ns, err) < 0)
        return -1;
    if (run_runtime_hooks_in_ward(cfg, a->sync_fd, err) < 0 || set_names(cfg, err) < 0 ||
        sysctl_apply(cfg, err) < 0 || setup_filesystem(a, *state_json, err) < 0)
        return -1;
    if (a->console) {
        cleanup_close int master = console_setup_in_container(&cfg->process, err);
        if (master < 0 || sync_send(a->sync_fd, SYNC_CONSOLE, NULL, 0, master, err) < 0)
            return -1;
    }
    if (proc_apply_rlimits(&cfg->process, err) < 0 ||
        proc_apply_oom_score_adj(&cfg->process, err) < 0 || set_personality(cfg, err) < 0)
        return -1;
    if (confine(a, landlock_json, sizeof(landlock_json), err) < 0)
        return -1;
    if (proc_find_executable(&cfg->process, exec_path, err) < 0 ||
        report_ready(a, landlock_json, err) < 0 ||
        sync_expect(a->sync_fd, SYNC_CREATED, &m, NULL, err) < 0)
        return -1;
    free(*state_json); /* from now on hooks see the state "created" */
    *state_json = strdup(m.data);
    if (*state_json == NULL)
        return ward_fail_errno(err, ENOMEM, "init");
    /* ward wrote the state: from now on the init outlives it (ward waits for this answer,
     * or its exit would kill us) */
    if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0 ||
        sync_send(a->sync_fd, SYNC_DETACHED, NULL, 0, -1, err) < 0)
        return -1;
    *exec_path_out = strdup(exec_path);
    return *exec_path_out ? 0 : ward_fail_errno(err, ENOMEM, "init");
}

void init_main(const init_args *a)
{
    ward_err err = {0};
    init_fifo fifo = {-1, -1};
    char *exec_path = NULL, *state_json = NULL, **argv, **envp;
    /* die with ward until create is done (had ward died already, the sync socket is closed and
     * the first receive fails); non-dumpable so the container cannot reach /proc/<init>/exe,
     * which is ward's binary until execve (CVE-2019-5736) */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        _exit(1);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        _exit(1);
    if (init_run(a, &exec_path, &state_json, &fifo, &err) < 0) {
        sync_send_error(a->sync_fd, &err);
        _exit(1);
    }
    close(a->sync_fd);
    if (fifo_wait_start(&fifo, &err) < 0)
        _exit(1);
    if (a->cfg->has_hooks &&
        hooks_run(&a->cfg->hooks.start_container, "startContainer", state_json, false, &err) < 0) {
        fprintf(stderr, "ward: %s\n", err.msg);
        _exit(1);
    }
    argv = strv_for_exec(&a->cfg->process.args);
    envp = strv_for_exec(&a->cfg->process.env);
    if (argv == NULL || envp == NULL)
        _exit(1);
    if (confine_last(a->seccomp, &err) < 0) {
        fprintf(stderr, "ward: %s\n", err.msg);
        _exit(1);
    }
    execve(exec_path, argv, envp);
    fprintf(stderr, "ward: exec %s: %s\n", exec_path, strerror(errno));
    _exit(127);
}
