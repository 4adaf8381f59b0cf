/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/hooks.h"
#include "runtime/log.h"
#include "spec/base/cleanup.h"
#include "spec/base/time.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOOK_DEFAULT_TIMEOUT_MS (-1)

static void hook_child(const spec_hook *h, int stdin_fd)
{
    char *empty[] = {NULL};
    char *argv0[] = {h->path, NULL};
    char **argv = h->args.len ? h->args.items : argv0;
    char **envp = h->env.len ? h->env.items : empty;
    if (dup2(stdin_fd, 0) < 0)
        _exit(127);
    /* a hook's stdout must not mix into a caller's protocol (conmon reads ward's stdout) */
    dup2(2, 1);
    execve(h->path, argv, envp);
    _exit(127);
}

/* Wait for pid with an optional deadline, using a pidfd so no SIGCHLD handling is needed. */
static int wait_hook(pid_t pid, long timeout_ms, int *status, bool *timed_out)
{
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    long deadline = timeout_ms > 0 ? ward_now_ms() + timeout_ms : -1;
    *timed_out = false;
    if (pfd >= 0) {
        for (;;) {
            long left = deadline < 0 ? -1 : deadline - ward_now_ms();
            struct pollfd p = {.fd = pfd, .events = POLLIN};
            int r;
            if (deadline >= 0 && left <= 0) {
                *timed_out = true;
                kill(pid, SIGKILL);
                break;
            }
            r = poll(&p, 1, (int)(left < 0 ? -1 : left));
            if (r > 0 || (r < 0 && errno != EINTR))
                break;
        }
        close(pfd);
    }
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return 0;
}

static int write_stdin_pipe(const char *state_json, int *read_end, ward_err *err)
{
    int p[2];
    size_t len = strlen(state_json);
    if (pipe2(p, O_CLOEXEC) < 0)
        return ward_fail_errno(err, errno, "pipe");
    /* state JSON is small (< pipe buffer): write it all now, then close the write end */
    if (len > 65536 || write(p[1], state_json, len) != (ssize_t)len) {
        close(p[0]);
        close(p[1]);
        return ward_fail(err, "state too large for hook stdin");
    }
    close(p[1]);
    *read_end = p[0];
    return 0;
}

static int run_one(const spec_hook *h, const char *kind, size_t idx, const char *state_json,
                   ward_err *err)
{
    cleanup_close int in = -1;
    int status = 0;
    bool timed_out;
    pid_t pid;
    if (write_stdin_pipe(state_json, &in, err) < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return ward_fail_errno(err, errno, "hooks.%s[%zu] (%s): fork", kind, idx, h->path);
    if (pid == 0)
        hook_child(h, in);
    if (wait_hook(pid, h->has_timeout ? h->timeout * 1000L : HOOK_DEFAULT_TIMEOUT_MS, &status,
                  &timed_out) < 0)
        return ward_fail_errno(err, errno, "hooks.%s[%zu] (%s): wait", kind, idx, h->path);
    if (timed_out)
        return ward_fail(err, "hooks.%s[%zu] (%s): timed out after %d s", kind, idx, h->path,
                         h->timeout);
    if (WIFSIGNALED(status))
        return ward_fail(err, "hooks.%s[%zu] (%s): killed by signal %d", kind, idx, h->path,
                         WTERMSIG(status));
    if (WEXITSTATUS(status) == 127)
        return ward_fail(err, "hooks.%s[%zu] (%s): could not be executed (status 127)", kind, idx,
                         h->path);
    if (WEXITSTATUS(status) != 0)
        return ward_fail(err, "hooks.%s[%zu] (%s): exited with status %d", kind, idx, h->path,
                         WEXITSTATUS(status));
    return 0;
}

int hooks_run(const spec_hook_list *list, const char *kind, const char *state_json, bool keep_going,
              ward_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < list->len; i++) {
        ward_err e = {0};
        if (run_one(&list->items[i], kind, i, state_json, &e) == 0)
            continue;
        if (!keep_going) {
            *err = e;
            return -1;
        }
        ward_log_warning("%s", e.msg);
        rc = -1;
    }
    if (rc < 0 && keep_going)
        ward_err_clear(err);
    return keep_going ? 0 : rc;
}
