/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Result manifests from the ward command: `run --result` / `delete --result` gather the run record
 * and the outputs here and hand them to the ward-manifest helper, which hashes, quotes and signs
 * (ward itself never loads libsecp256k1, libcrypto or tss2). `key` and `manifest` exec the helper.
 */
#include "runtime/cli/cli.h"
#include "runtime/log.h"
#include "runtime/result.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"
#include "spec/parse.h"
#include "ward_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS (2 * CLI_MAX_OUTPUTS + 16)

int cli_result_opt(cli_result *r, int c, const char *arg, const char *cmd)
{
    if (c == CLI_OPT_RESULT) {
        if (r->file != NULL)
            return cli_usage_error(cmd, "--result given twice");
        r->file = arg;
        return 0;
    }
    if (r->n_outputs == CLI_MAX_OUTPUTS)
        return cli_usage_error(cmd, "more than %d --outputs", CLI_MAX_OUTPUTS);
    r->outputs[r->n_outputs++] = arg;
    return 0;
}

/* In the child: the output fds onto 3, 4, ... (via high numbers so none is overwritten). */
static void place_fds(const int *fds, size_t n)
{
    int high[CLI_MAX_OUTPUTS];
    for (size_t i = 0; i < n; i++)
        if ((high[i] = fcntl(fds[i], F_DUPFD, 100)) < 0)
            _exit(127);
    for (size_t i = 0; i < n; i++)
        if (dup2(high[i], 3 + (int)i) < 0)
            _exit(127);
}

static int spawn(const ward_ctx *ctx, const cli_result *r, const char *record, const int *fds,
                 char **names, ward_err *err)
{
    char helper[PATH_MAX], fdargs[CLI_MAX_OUTPUTS][300];
    const char *argv[MAX_ARGS];
    int pipefd[2], status, n = 0;
    pid_t pid;
    void (*old)(int);

    if (cli_find_helper("ward-manifest", helper) < 0)
        return ward_fail(err, "helper ward-manifest not found (looked beside ward and in %s)",
                         WARD_LIBEXECDIR);
    argv[n++] = "ward-manifest";
    argv[n++] = "make";
    argv[n++] = "--out";
    argv[n++] = r->file;
    if (ctx->config_path) {
        argv[n++] = "--config";
        argv[n++] = ctx->config_path;
    }
    for (size_t i = 0; i < r->n_outputs; i++) {
        snprintf(fdargs[i], sizeof(fdargs[i]), "%zu:%s", 3 + i, names[i]);
        argv[n++] = "--output-fd";
        argv[n++] = fdargs[i];
    }
    argv[n] = NULL;
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return ward_fail_errno(err, errno, "result: pipe");
    pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return ward_fail_errno(err, errno, "result: fork");
    }
    if (pid == 0) {
        if (dup2(pipefd[0], STDIN_FILENO) < 0)
            _exit(127);
        place_fds(fds, r->n_outputs);
        execv(helper, (char *const *)argv);
        _exit(127);
    }
    close(pipefd[0]);
    old = signal(SIGPIPE, SIG_IGN);
    (void)ward_write_all(pipefd[1], record, strlen(record)); /* the helper reports a short record */
    close(pipefd[1]);
    signal(SIGPIPE, old);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return ward_fail_errno(err, errno, "result: wait for ward-manifest");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ward_fail(err, "result: the manifest %s was not written (ward-manifest failed)",
                         r->file);
    return 0;
}

int cli_result_write(const ward_ctx *ctx, const char *id, const ward_run_end *end,
                     const cli_result *r)
{
    cleanup_free char *record = NULL;
    int fds[CLI_MAX_OUTPUTS];
    char *names[CLI_MAX_OUTPUTS];
    size_t opened = 0;
    ward_err err = {0};
    int rc = 0;

    if (container_result_record(ctx, id, end, &record, &err) < 0)
        return ward_log_fail(&err);
    for (; opened < r->n_outputs; opened++)
        if (container_result_output(ctx, id, r->outputs[opened], &fds[opened], &names[opened],
                                    &err) < 0) {
            rc = ward_log_fail(&err);
            break;
        }
    if (rc == 0 && spawn(ctx, r, record, fds, names, &err) < 0)
        rc = ward_log_fail(&err);
    for (size_t i = 0; i < opened; i++) {
        close(fds[i]);
        free(names[i]);
    }
    return rc;
}

/* `ward key ...` and `ward manifest ...`: the helper with the same arguments. */
static int exec_helper(const ward_ctx *ctx, const char *cmd, int argc, char **argv)
{
    /* the helper serves both commands: it takes the command itself as its first argument */
    char **args = calloc((size_t)argc + 4, sizeof(char *));
    int n = 0;
    if (args == NULL)
        return cli_usage_error(cmd, "out of memory");
    args[n++] = NULL; /* argv[0]: cli_exec_helper names it */
    for (int i = 0; i < argc; i++)
        args[n++] = argv[i];
    if (ctx->config_path && argc > 1) {
        args[n++] = "--config";
        args[n++] = (char *)ctx->config_path;
    }
    args[n] = NULL;
    return cli_exec_helper(cmd, "ward-manifest", args);
}

int cmd_key(ward_ctx *ctx, int argc, char **argv)
{
    return exec_helper(ctx, "key", argc, argv);
}

int cmd_manifest(ward_ctx *ctx, int argc, char **argv)
{
    return exec_helper(ctx, "manifest", argc, argv);
}
