/* SPDX-License-Identifier: Apache-2.0 */
/* start, kill, delete and state: every command after create works from the state directory. */
#include "runtime/cgroup/cgroup.h"
#include "runtime/container.h"
#include "runtime/fault.h"
#include "runtime/hooks.h"
#include "runtime/log.h"
#include "runtime/recover.h"
#include "runtime/state_store.h"
#include "runtime/volumes/volumes.h"
#include "spec/base/cleanup.h"
#include "spec/base/time.h"
#include "spec/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Keep how the init ended once a command has seen it (a zombie's status is gone once reaped).
 * A reader without the lock writes only when no other command holds it. */
static void record_exit(int dirfd, const spec_state *st, bool locked)
{
    ward_err err;
    if (!locked && flock(dirfd, LOCK_EX | LOCK_NB) < 0)
        return;
    if (state_write(dirfd, st, &err) < 0)
        ward_log_warning("record how container \"%s\" ended: %s", st->id, err.msg);
    if (!locked)
        flock(dirfd, LOCK_UN);
}

int container_load(const ward_ctx *ctx, const char *id, bool lock, int *dirfd, spec_state **st,
                   ward_err *err)
{
    int fd = state_dir_open(ctx->root, id, lock, err);
    if (fd < 0)
        return -1;
    if (state_read(fd, id, st, err) < 0) {
        close(fd);
        if (err->errnum == ENOENT)
            return ward_fail_errno(err, ENOENT,
                                   "container \"%s\" has no state.json: a create or delete of it "
                                   "was interrupted (`delete --force %s` removes what is left)",
                                   id, id);
        return ward_err_prefix(err, "container \"%s\"", id);
    }
    state_refresh_status(*st);
    if ((*st)->status == SPEC_STATUS_STOPPED && state_note_exit(*st))
        record_exit(fd, *st, lock);
    *dirfd = fd;
    return 0;
}

static int run_hooks_with_state(int dirfd, const spec_state *st, const char *kind, bool keep_going,
                                ward_err *err)
{
    cleanup_config spec_config *cfg = NULL;
    cleanup_free char *json = NULL;
    const spec_hook_list *list;
    size_t len;
    if (state_load_config(dirfd, &cfg, err) < 0)
        return keep_going ? 0 : -1;
    if (!cfg->has_hooks)
        return 0;
    list = strcmp(kind, "poststart") == 0 ? &cfg->hooks.poststart : &cfg->hooks.poststop;
    if (list->len == 0)
        return 0;
    if (spec_state_to_oci_json(st, &json, &len, err) < 0)
        return -1;
    return hooks_run(list, kind, json, keep_going, err);
}

/* Write the start byte, then wait until the init has exec'd: its reading end closes (CLOEXEC). */
static int release_init(int dirfd, const spec_state *st, ward_err *err)
{
    cleanup_close int fd = openat(dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    char c = '0';
    if (fd < 0 && errno == ENXIO)
        return ward_fail(err, "container \"%s\": its init is gone", st->id);
    if (fd < 0)
        return ward_fail_errno(err, errno, "open exec.fifo");
    if (write(fd, &c, 1) != 1)
        return ward_fail_errno(err, errno, "write exec.fifo");
    fault_point("start:fifo-written");
    for (;;) {
        struct pollfd p = {.fd = fd, .events = 0};
        int r = poll(&p, 1, 100);
        if (r > 0 && (p.revents & (POLLERR | POLLHUP)))
            return 0;
        if (r < 0 && errno != EINTR)
            return ward_fail_errno(err, errno, "poll exec.fifo");
        if (!state_init_alive(st))
            return 0;
    }
}

int container_start(const ward_ctx *ctx, const char *id, ward_err *err)
{
    cleanup_close int dirfd = -1;
    cleanup_state spec_state *st = NULL;
    if (container_load(ctx, id, true, &dirfd, &st, err) < 0)
        return -1;
    if (st->status != SPEC_STATUS_CREATED)
        return ward_fail(err, "cannot start container \"%s\": it is %s", id,
                         spec_status_name(st->status));
    fault_point("start:loaded");
    if (release_init(dirfd, st, err) < 0)
        return -1;
    fault_point("start:released");
    unlinkat(dirfd, "exec.fifo", 0);
    st->started = true;
    st->status = SPEC_STATUS_RUNNING;
    if (state_write(dirfd, st, err) < 0)
        return -1;
    fault_point("start:recorded");
    if (run_hooks_with_state(dirfd, st, "poststart", false, err) < 0) {
        ward_cgroup cg;
        ward_err e;
        /* runtime-spec 1.3: a failing poststart hook fails start; the container must not run */
        if (state_cgroup(st, &cg) == 0)
            cgroup_kill_all(&cg, SIGKILL, &e);
        kill(st->pid, SIGKILL);
        return -1;
    }
    return 0;
}

/* Signal the init through a pidfd after checking it is still the same process. */
static int signal_init(const spec_state *st, int sig, ward_err *err)
{
    cleanup_close int pfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
    if (pfd < 0 || !state_init_alive(st))
        return ward_fail(err, "container \"%s\" is not running", st->id);
    if (syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0)
        return ward_fail_errno(err, errno, "kill container \"%s\"", st->id);
    return 0;
}

int container_kill(const ward_ctx *ctx, const char *id, int sig, bool all, ward_err *err)
{
    cleanup_close int dirfd = -1;
    cleanup_state spec_state *st = NULL;
    ward_cgroup cg;
    if (container_load(ctx, id, true, &dirfd, &st, err) < 0)
        return -1;
    if (st->status == SPEC_STATUS_STOPPED || st->status == SPEC_STATUS_CREATING) {
        if (!(all && state_cgroup(st, &cg) == 0))
            return ward_fail(err, "container \"%s\" is not running", id);
        return cgroup_kill_all(&cg, sig, err);
    }
    if (all && state_cgroup(st, &cg) == 0)
        return cgroup_kill_all(&cg, sig, err);
    return signal_init(st, sig, err);
}

/* Kill everything in the container and wait (bounded) for the init to be gone. */
static int kill_and_wait(const spec_state *st, ward_err *err)
{
    ward_cgroup cg;
    long deadline = ward_now_ms() + 10000;
    if (state_cgroup(st, &cg) == 0 && cgroup_kill_all(&cg, SIGKILL, err) < 0)
        ward_log_warning("delete: %s", err->msg);
    if (state_init_alive(st))
        signal_init(st, SIGKILL, err);
    while (state_init_alive(st)) {
        if (ward_now_ms() > deadline)
            return ward_fail(err, "container \"%s\": init %d did not die", st->id, (int)st->pid);
        usleep(2000);
    }
    return 0;
}

int container_delete(const ward_ctx *ctx, const char *id, bool force, ward_err *err)
{
    cleanup_close int dirfd = state_dir_open(ctx->root, id, true, err);
    cleanup_state spec_state *st = NULL;
    ward_cgroup cg;
    ward_err e;
    if (dirfd < 0) {
        if (!force || err->errnum != ENOENT)
            return -1;
        /* runc and crun: --force of a container that does not exist succeeds (podman calls it
         * after every failed create); a create killed before its rename may have left a hidden
         * directory, which goes */
        state_dir_drop_stale(ctx->root, id);
        ward_err_clear(err);
        return 0;
    }
    if (state_read(dirfd, id, &st, err) < 0) {
        /* missing (create or delete killed) or corrupt; not a file someone else planted */
        bool recoverable = err->errnum == ENOENT || err->errnum == 0;
        if (!force || !recoverable)
            return ward_err_prefix(err, "container \"%s\"", id);
        e = *err;
        return recover_delete(ctx, id, dirfd, &e, err);
    }
    state_refresh_status(st);
    if (!force && st->status != SPEC_STATUS_STOPPED && st->status != SPEC_STATUS_CREATED)
        return ward_fail(err, "cannot delete container \"%s\" that is not stopped: it is %s", id,
                         spec_status_name(st->status));
    fault_point("delete:loaded");
    if (kill_and_wait(st, err) < 0)
        return -1;
    fault_point("delete:killed");
    st->status = SPEC_STATUS_STOPPED;
    if (state_cgroup(st, &cg) == 0 && cgroup_destroy(&cg, &e) < 0)
        ward_log_warning("delete: %s", e.msg);
    fault_point("delete:cgroup-destroyed");
    /* nothing of a volume survives a delete; if it cannot go, the state stays for a retry */
    if (volumes_teardown(volumes_dir(&ctx->hc), id, err) < 0)
        return -1;
    fault_point("delete:volumes-removed");
    run_hooks_with_state(dirfd, st, "poststop", true, &e);
    fault_point("delete:hooks-run");
    return state_dir_remove(ctx->root, id, err);
}

int container_state_json(const ward_ctx *ctx, const char *id, char **json, ward_err *err)
{
    cleanup_close int dirfd = -1;
    cleanup_state spec_state *st = NULL;
    size_t len;
    if (container_load(ctx, id, false, &dirfd, &st, err) < 0)
        return -1;
    return spec_state_to_json(st, json, &len, err);
}
