/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `create`, ward's side: validate everything, make the state dir and cgroup, compile the sandbox,
 * clone the init into its namespaces (one clone3), then answer its requests until it is ready.
 * Any failure tears down what was made: no state dir, cgroup or process is left behind.
 */

#include "runtime/cgroup/cgroup.h"
#include "runtime/console.h"
#include "runtime/fault.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/log.h"
#include "runtime/process_setup.h"
#include "runtime/state_store.h"
#include "runtime/sync.h"
#include "runtime/sysctl.h"
#include "runtime/unsupported.h"
#include "runtime/volumes/volumes.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"
#include "spec/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct create_job {
    const ward_ctx *ctx;
    const create_opts *o;
    spec_config *cfg;
    char bundle[PATH_MAX];
    char rootfs[PATH_MAX];
    int dirfd;
    ward_cgroup cg;
    bool cg_made;
    ns_plan ns;
    volume_list volumes;
    sandbox_seccomp *seccomp;
    int fifo_fd;
    int sock[2];
    pid_t pid;
    spec_state st;
} create_job;

static int resolve_paths(create_job *j, ward_err *err)
{
    char path[PATH_MAX];
    const char *bundle = j->o->bundle ? j->o->bundle : ".";
    if (realpath(bundle, j->bundle) == NULL)
        return ward_fail_errno(err, errno, "bundle %s", bundle);
    if (j->cfg->root.path[0] == '/')
        snprintf(path, sizeof(path), "%s", j->cfg->root.path);
    else if (snprintf(path, sizeof(path), "%s/%s", j->bundle, j->cfg->root.path) >= PATH_MAX)
        return ward_fail(err, "config.json: root.path: too long");
    if (realpath(path, j->rootfs) == NULL)
        return ward_fail_errno(err, errno, "config.json: root.path: %s", path);
    return 0;
}

/* An ambient capability needs to be permitted and inheritable too; say so here, in ward's own
 * output, since the init (whose stderr is the container's) raises only what it can. */
static void warn_ambient_capabilities(const spec_capabilities *c)
{
    for (size_t i = 0; i < c->ambient.len; i++) {
        const char *name = c->ambient.items[i];
        bool inh = false, perm = false;
        for (size_t k = 0; k < c->inheritable.len; k++)
            inh = inh || strcmp(c->inheritable.items[k], name) == 0;
        for (size_t k = 0; k < c->permitted.len; k++)
            perm = perm || strcmp(c->permitted.items[k], name) == 0;
        if (!inh || !perm)
            ward_log_warning("process.capabilities.ambient[%zu]: %s is not %s; it will not be "
                             "raised",
                             i, name, !inh ? "inheritable" : "permitted");
    }
}

static int load_config(create_job *j, ward_err *err)
{
    char path[PATH_MAX + 16];
    const char *bundle = j->o->bundle ? j->o->bundle : ".";
    snprintf(path, sizeof(path), "%s/config.json", bundle);
    if (spec_config_load(path, &j->cfg, err) < 0)
        return -1;
    if (!j->cfg->has_process)
        return ward_fail(err, "config.json: process: required to create a container");
    if (spec_find_namespace(j->cfg, SPEC_NS_MOUNT) == NULL)
        return ward_fail(err, "config.json: linux.namespaces: ward requires a mount namespace");
    if (j->cfg->process.terminal && j->o->console_socket == NULL && j->o->console_master == NULL)
        return ward_fail(err, "config.json: process.terminal is true: --console-socket is "
                              "required to receive the terminal");
    if (sysctl_validate(j->cfg, err) < 0)
        return ward_err_prefix(err, "config.json");
    warn_ambient_capabilities(&j->cfg->process.capabilities);
    if (unsupported_settings(NULL, &j->cfg->process, j->cfg->linux_.mount_label, &j->st.ignored,
                             err) < 0)
        return -1;
    if (volumes_from_config(j->cfg, &j->volumes, err) < 0)
        return ward_err_prefix(err, "config.json");
    if (volumes_available(&j->volumes, err) < 0)
        return -1;
    return resolve_paths(j, err);
}

static void now_rfc3339(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    size_t n;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static int init_state(create_job *j, ward_err *err)
{
    char created[64], owner[16];
    now_rfc3339(created, sizeof(created));
    snprintf(owner, sizeof(owner), "%u", (unsigned)getuid());
    j->st.oci_version = strdup(WARD_OCI_VERSION);
    j->st.id = strdup(j->o->id);
    j->st.status = SPEC_STATUS_CREATING;
    j->st.bundle = strdup(j->bundle);
    j->st.rootfs = strdup(j->rootfs);
    j->st.created = strdup(created);
    j->st.owner = strdup(owner);
    j->st.annotations = j->cfg->annotations; /* borrowed: cleared before free */
    if (!j->st.oci_version || !j->st.id || !j->st.bundle || !j->st.rootfs || !j->st.created ||
        !j->st.owner)
        return ward_fail_errno(err, ENOMEM, "state");
    return 0;
}

static int save_config_copy(create_job *j, ward_err *err)
{
    cleanup_free char *json = NULL;
    size_t len;
    if (spec_config_to_json(j->cfg, &json, &len, err) < 0)
        return -1;
    return state_write_file(j->dirfd, "config.json", json, len, 0600, err);
}

/*
 * Record where the cgroup will be before making it, in the first state write, so that a create
 * killed at any later point leaves a state `delete --force` can clean up completely.
 */
static int plan_cgroup(create_job *j, ward_err *err)
{
    cgroup_mode mode;
    char path[PATH_MAX];
    if (cgroup_detect_mode(&mode, err) < 0 ||
        cgroup_resolve_path(j->cfg->linux_.cgroups_path, j->o->id, path, err) < 0)
        return -1;
    j->st.cgroup_path = strdup(path);
    j->st.cgroup_mode = strdup(cgroup_mode_name(mode));
    if (!j->st.cgroup_path || !j->st.cgroup_mode)
        return ward_fail_errno(err, ENOMEM, "state");
    return 0;
}

static int make_cgroup(create_job *j, ward_err *err)
{
    if (cgroup_create(&j->cg, j->o->id, j->cfg, err) < 0)
        return -1;
    j->cg_made = true;
    if (strcmp(j->cg.path, j->st.cgroup_path) != 0)
        return ward_fail(err, "cgroup: made %s, planned %s", j->cg.path, j->st.cgroup_path);
    return 0;
}

static int make_fifo(create_job *j, ward_err *err)
{
    if (mkfifoat(j->dirfd, "exec.fifo", 0600) < 0)
        return ward_fail_errno(err, errno, "create exec.fifo");
    j->fifo_fd = openat(j->dirfd, "exec.fifo", O_PATH | O_CLOEXEC);
    if (j->fifo_fd < 0)
        return ward_fail_errno(err, errno, "open exec.fifo");
    return 0;
}

static pid_t clone_init(create_job *j, ward_err *err)
{
    struct clone_args ca = {.flags = (uint64_t)j->ns.clone_flags, .exit_signal = SIGCHLD};
    cleanup_close int cgfd = cgroup_open_dir_fd(&j->cg, err);
    pid_t parent = getpid();
    pid_t pid;
    if (cgfd >= 0) {
        ca.flags |= CLONE_INTO_CGROUP;
        ca.cgroup = (uint64_t)cgfd;
    }
    /* the clone inherits ward's mm flags: non-dumpable from its first instruction, so nothing
     * in a pid namespace it is born into can open /proc/<clone>/exe (CVE-2019-5736) */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return ward_fail_errno(err, errno, "prctl(PR_SET_DUMPABLE)");
    pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid < 0)
        return ward_fail_errno(err, errno, "clone3 the container init");
    if (pid == 0) {
        init_args a = {.cfg = j->cfg,
                       .hc = &j->ctx->hc,
                       .rootfs = j->rootfs,
                       .bundle = j->bundle,
                       .ns = &j->ns,
                       .seccomp = j->seccomp,
                       .no_pivot = j->o->no_pivot,
                       .console = j->cfg->process.terminal,
                       .preserve_fds = j->o->preserve_fds,
                       .sync_fd = j->sock[1],
                       .fifo_fd = j->fifo_fd,
                       .parent = parent};
        /* the state dir fd carries create's flock: the init must not keep it */
        close(j->dirfd);
        close(j->sock[0]);
        init_main(&a);
    }
    return pid;
}

static int oci_state(create_job *j, char **json, ward_err *err)
{
    size_t len;
    return spec_state_to_oci_json(&j->st, json, &len, err);
}

static int run_create_hooks(create_job *j, ward_err *err)
{
    cleanup_free char *json = NULL;
    if (!j->cfg->has_hooks)
        return 0;
    if (oci_state(j, &json, err) < 0)
        return -1;
    /* prestart (deprecated) runs at the same point as createRuntime, as runc does */
    if (hooks_run(&j->cfg->hooks.prestart, "prestart", json, false, err) < 0 ||
        hooks_run(&j->cfg->hooks.create_runtime, "createRuntime", json, false, err) < 0)
        return -1;
    return 0;
}

static int forward_seccomp_fd(create_job *j, int fd, ward_err *err)
{
    cleanup_free char *json = NULL;
    if (oci_state(j, &json, err) < 0)
        return -1;
    return sandbox_seccomp_send_listener(j->cfg, json, j->pid, fd, err);
}

/* The init died without a word: say how, from its exit status (it is our child). */
static int init_died(create_job *j, ward_err *err)
{
    int status = 0;
    pid_t pid = j->pid;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    j->pid = 0; /* reaped: teardown must not signal a recycled pid */
    if (WIFSIGNALED(status))
        return ward_fail(err, "container init was killed by signal %d during setup%s",
                         WTERMSIG(status),
                         WTERMSIG(status) == SIGSYS ? " (a seccomp filter denied a syscall)" : "");
    return ward_fail(err,
                     "container init exited with status %d during setup without reporting "
                     "an error; a seccomp profile in the config with notify actions (loaded "
                     "before the init's last messages) may deny a syscall the init needs after "
                     "loading it (sendmsg, recvmsg, prctl, read, execve)",
                     WEXITSTATUS(status));
}

/* The init's report of its protections, with the volumes ward made for it added. */
static int record_protections(create_job *j, const char *init_json, ward_err *err)
{
    cleanup_free char *vols = NULL;
    size_t n = strlen(init_json);
    if (j->volumes.len == 0) {
        j->st.protections_json = strdup(init_json);
        return j->st.protections_json ? 0 : ward_fail_errno(err, ENOMEM, "state");
    }
    if (n < 2 || init_json[n - 1] != '}' || volumes_describe(&j->volumes, &vols, err) < 0)
        return ward_fail(err, "container init: malformed protections report");
    /* splice "volumes" in as the object's last member */
    if (asprintf(&j->st.protections_json, "%.*s%s\"volumes\":%s}", (int)(n - 1), init_json,
                 n > 2 ? "," : "", vols) < 0) {
        j->st.protections_json = NULL;
        return ward_fail_errno(err, ENOMEM, "state");
    }
    return 0;
}

/* Serve the init's requests until it reports ready. */
static int converse(create_job *j, ward_err *err)
{
    sync_msg m;
    for (;;) {
        int fd = -1, rc = 0;
        if (sync_recv(j->sock[0], &m, &fd, err) < 0)
            return err->errnum == EPIPE ? init_died(j, err) : -1;
        switch (m.type) {
        case SYNC_ERROR:
            return sync_msg_to_err(&m, err);
        case SYNC_RUNTIME_HOOKS:
            rc = run_create_hooks(j, err);
            if (rc == 0)
                rc = sync_send(j->sock[0], SYNC_HOOKS_DONE, NULL, 0, -1, err);
            break;
        case SYNC_CONSOLE:
            if (j->o->console_socket == NULL && j->o->console_master != NULL) {
                *j->o->console_master = fd; /* the caller's now */
                fd = -1;
                break;
            }
            rc = console_send_to_socket(j->o->console_socket, fd, err);
            break;
        case SYNC_SECCOMP_NOTIFY:
            rc = forward_seccomp_fd(j, fd, err);
            break;
        case SYNC_READY:
            ward_log_debug("%s: init ready, protections %s", j->o->id, m.data);
            return record_protections(j, m.data, err);
        default:
            rc = ward_fail(err, "unexpected message %u from container init", m.type);
        }
        if (fd >= 0)
            close(fd);
        if (rc < 0)
            return -1;
    }
}

static int start_init(create_job *j, ward_err *err)
{
    cleanup_free char *json = NULL;
    bool zombie;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, j->sock) < 0)
        return ward_fail_errno(err, errno, "socketpair");
    if (ns_prepare_parent(j->cfg, &j->ns, err) < 0)
        return -1;
    j->pid = clone_init(j, err);
    if (ns_restore_parent(&j->ns, err) < 0) {
        if (j->pid > 0)
            kill(j->pid, SIGKILL);
        return -1;
    }
    ward_log_debug("%s: init cloned as pid %d (namespace flags 0x%x, cgroup %s)", j->o->id,
                   (int)j->pid, (unsigned)j->ns.clone_flags, j->cg.path);
    close(j->sock[1]);
    j->sock[1] = -1;
    if (j->pid < 0)
        return -1;
    fault_point("create:cloned");
    j->st.pid = j->pid;
    j->st.init_start_time = proc_start_time(j->pid, &zombie);
    /* until it execs the process, the init runs this file: how later commands tell created
     * from running whatever the last state write says (state_init_started) */
    state_exe_identity(j->pid, &j->st.init_exe_dev, &j->st.init_exe_ino);
    if (state_write(j->dirfd, &j->st, err) < 0)
        return -1;
    fault_point("create:pid-recorded");
    if (j->ns.new_user && ns_write_id_maps(j->cfg, j->pid, err) < 0)
        return -1;
    if (cgroup_enter(&j->cg, j->pid, err) < 0)
        return -1;
    fault_point("create:init-in-cgroup");
    if (oci_state(j, &json, err) < 0)
        return -1;
    if (sync_send(j->sock[0], SYNC_GO, json, strlen(json), -1, err) < 0)
        return -1;
    fault_point("create:init-released");
    return converse(j, err);
}

static int finish(create_job *j, ward_err *err)
{
    cleanup_free char *json = NULL;
    sync_msg m;
    fault_point("create:init-ready");
    j->st.status = SPEC_STATUS_CREATED;
    if (state_write(j->dirfd, &j->st, err) < 0)
        return -1;
    fault_point("create:created-recorded");
    if (j->o->pid_file && write_pid_file(j->o->pid_file, j->pid, err) < 0)
        return -1;
    /* the init runs startContainer hooks with this state */
    if (oci_state(j, &json, err) < 0 ||
        sync_send(j->sock[0], SYNC_CREATED, json, strlen(json), -1, err) < 0)
        return -1;
    if (sync_expect(j->sock[0], SYNC_DETACHED, &m, NULL, err) < 0)
        return -1;
    fault_point("create:done");
    return 0;
}

static void teardown(create_job *j)
{
    ward_err e;
    if (j->pid > 0) {
        kill(j->pid, SIGKILL);
        waitpid(j->pid, NULL, 0);
    }
    if (j->cg_made && cgroup_destroy(&j->cg, &e) < 0)
        ward_log_warning("cleanup: %s", e.msg);
    if (j->volumes.len && volumes_teardown(volumes_dir(&j->ctx->hc), j->o->id, &e) < 0)
        ward_log_warning("cleanup: %s", e.msg);
    if (j->dirfd >= 0 && state_dir_remove(j->ctx->root, j->o->id, &e) < 0)
        ward_log_warning("cleanup: %s", e.msg);
}

static void release(create_job *j)
{
    ns_plan_close(&j->ns);
    sandbox_seccomp_free(j->seccomp);
    for (int i = 0; i < 2; i++)
        if (j->sock[i] >= 0)
            close(j->sock[i]);
    if (j->fifo_fd >= 0)
        close(j->fifo_fd);
    if (j->dirfd >= 0)
        close(j->dirfd);
    j->st.annotations.items = NULL;
    j->st.annotations.len = 0;
    /* spec_state_free frees the struct itself: free the members one by one instead */
    free(j->st.oci_version);
    free(j->st.id);
    free(j->st.bundle);
    free(j->st.rootfs);
    free(j->st.created);
    free(j->st.owner);
    free(j->st.cgroup_path);
    free(j->st.cgroup_mode);
    free(j->st.protections_json);
    spec_strv_free(&j->st.ignored);
    volume_list_free(&j->volumes);
    if (j->cfg)
        spec_config_free(j->cfg);
}

static int create_steps(create_job *j, ward_err *err)
{
    char cache[PATH_MAX];
    if (load_config(j, err) < 0 || ns_plan_make(j->cfg, &j->ns, err) < 0)
        return -1;
    snprintf(cache, sizeof(cache), "%s/.seccomp-cache", j->ctx->root);
    if (sandbox_seccomp_prepare(j->cfg, &j->ctx->hc, cache, &j->seccomp, err) < 0)
        return ward_err_prefix(err, "seccomp");
    j->dirfd = state_dir_create(j->ctx->root, j->o->id, err);
    if (j->dirfd < 0)
        return -1;
    fault_point("create:dir-made");
    if (init_state(j, err) < 0 || plan_cgroup(j, err) < 0 ||
        state_write(j->dirfd, &j->st, err) < 0 || save_config_copy(j, err) < 0 ||
        make_cgroup(j, err) < 0)
        return -1;
    fault_point("create:cgroup-made");
    if (make_fifo(j, err) < 0)
        return -1;
    fault_point("create:fifo-made");
    if (volumes_setup(volumes_dir(&j->ctx->hc), j->o->id, &j->volumes, j->cfg, err) < 0)
        return -1;
    fault_point("create:volumes-made");
    if (start_init(j, err) < 0)
        return -1;
    return finish(j, err);
}

int container_create(const ward_ctx *ctx, const create_opts *o, pid_t *pid, ward_err *err)
{
    create_job j = {.ctx = ctx, .o = o, .dirfd = -1, .fifo_fd = -1, .sock = {-1, -1}};
    int rc;
    if (state_validate_id(o->id, err) < 0)
        return -1;
    if (proc_check_preserved_fds(o->preserve_fds, err) < 0)
        return -1;
    rc = create_steps(&j, err);
    if (rc < 0) {
        if (!(err->errnum == EEXIST && j.pid == 0 && j.dirfd < 0))
            teardown(&j);
    } else {
        *pid = j.pid;
    }
    release(&j);
    return rc;
}
