/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image check of create and run (host config image.policy = enforce). It runs in the
 * ward-image helper so that ward itself never loads gpgme, libcrypto or libarchive; its refusal
 * (stderr) becomes create's error message.
 */
#include "runtime/cli/cli.h"
#include "spec/base/cleanup.h"
#include "ward_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MESSAGE_MAX 2048

int cli_image_check(const ward_ctx *ctx, const char *bundle, ward_err *err)
{
    char helper[PATH_MAX], msg[MESSAGE_MAX];
    const char *argv[10] = {
        "ward image", "check-bundle",
        "--policy",   ctx->hc.policy_path ? ctx->hc.policy_path : WARD_DEFAULT_POLICY,
        "--records",  ctx->hc.image_records ? ctx->hc.image_records : WARD_DEFAULT_IMAGE_RECORDS};
    size_t argc = 6;
    size_t used = 0;
    int pipefd[2], status;
    pid_t pid;

    if (ctx->hc.image_lookaside != NULL) {
        argv[argc++] = "--lookaside";
        argv[argc++] = ctx->hc.image_lookaside;
    }
    argv[argc++] = bundle ? bundle : ".";
    argv[argc] = NULL;
    if (cli_find_helper("ward-image", helper) < 0)
        return ward_fail(err,
                         "image.policy: helper ward-image not found (looked beside ward and "
                         "in %s)",
                         WARD_LIBEXECDIR);
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return ward_fail_errno(err, errno, "image check: pipe");
    pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return ward_fail_errno(err, errno, "image check: fork");
    }
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        dup2(pipefd[1], STDOUT_FILENO);
        execv(helper, (char **)argv);
        _exit(127);
    }
    close(pipefd[1]);
    for (;;) {
        ssize_t n = read(pipefd[0], msg + used, sizeof(msg) - 1 - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        used += (size_t)n;
        if (used == sizeof(msg) - 1)
            break;
    }
    close(pipefd[0]);
    msg[used] = '\0';
    while (used > 0 && msg[used - 1] == '\n')
        msg[--used] = '\0';
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return ward_fail_errno(err, errno, "image check: wait");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    ward_fail(err, "image.policy: %s", used ? msg : "ward-image check-bundle failed");
    err->errnum = EACCES;
    return -1;
}
