/* SPDX-License-Identifier: Apache-2.0 */
/* create, start and run. */
#include "runtime/cli/cli.h"
#include "runtime/log.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
    OPT_BUNDLE = 256,
    OPT_PID_FILE,
    OPT_CONSOLE,
    OPT_PRESERVE,
    OPT_NO_PIVOT,
    OPT_DETACH,
    OPT_NO_NEW_KEYRING
};

static int parse_preserve(const char *s, int *out)
{
    char *end;
    long n;
    errno = 0;
    n = strtol(s, &end, 10);
    if (errno || *end || n < 0 || n > 1024)
        return -1;
    *out = (int)n;
    return 0;
}

/* Options shared by create and run; *detach and *res only for run. */
static int parse_create_opts(const char *cmd, int argc, char **argv, create_opts *o, bool *detach,
                             cli_result *res)
{
    static const struct option opts[] = {
        {"bundle", required_argument, NULL, 'b'},
        {"pid-file", required_argument, NULL, OPT_PID_FILE},
        {"console-socket", required_argument, NULL, OPT_CONSOLE},
        {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
        {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
        {"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},
        {"detach", no_argument, NULL, 'd'},
        CLI_RESULT_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "+b:d", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            o->bundle = optarg;
            break;
        case OPT_PID_FILE:
            o->pid_file = optarg;
            break;
        case OPT_CONSOLE:
            o->console_socket = optarg;
            break;
        case OPT_PRESERVE:
            if (parse_preserve(optarg, &o->preserve_fds) < 0)
                return cli_usage_error(cmd, "--preserve-fds: must be a number from 0 to 1024");
            break;
        case OPT_NO_PIVOT:
            o->no_pivot = true;
            break;
        case OPT_NO_NEW_KEYRING:
            break; /* ward never creates a session keyring */
        case 'd':
            if (detach == NULL)
                return cli_usage_error(cmd, "unknown option --detach");
            *detach = true;
            break;
        case CLI_OPT_RESULT:
        case CLI_OPT_OUTPUTS:
            if (res == NULL)
                return cli_usage_error(cmd, "unknown option --%s",
                                       c == CLI_OPT_RESULT ? "result" : "outputs");
            if (cli_result_opt(res, c, optarg, cmd) != 0)
                return 1;
            break;
        default:
            return cli_bad_option(cmd, argv);
        }
    }
    if (cli_want_args(cmd, argc, optind, 1, 1) != 0)
        return 1;
    o->id = argv[optind];
    return 0;
}

int cmd_create(ward_ctx *ctx, int argc, char **argv)
{
    create_opts o = {0};
    ward_err err = {0};
    pid_t pid;
    if (parse_create_opts("create", argc, argv, &o, NULL, NULL) != 0)
        return 1;
    if (ctx->hc.image_policy && cli_image_check(ctx, o.bundle, &err) < 0)
        return ward_log_fail(&err);
    if (container_create(ctx, &o, &pid, &err) < 0)
        return ward_log_fail(&err);
    return 0;
}

int cmd_start(ward_ctx *ctx, int argc, char **argv)
{
    ward_err err = {0};
    if (cli_want_args("start", argc, 1, 1, 1) != 0)
        return 1;
    if (container_start(ctx, argv[1], &err) < 0)
        return ward_log_fail(&err);
    return 0;
}

static volatile pid_t forward_to;

static void forward_signal(int sig)
{
    if (forward_to > 0)
        kill(forward_to, sig);
}

void cli_forward_signals(pid_t pid)
{
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
    struct sigaction sa = {.sa_handler = forward_signal};
    forward_to = pid;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}

int cli_wait_exit_full(pid_t pid, int *status_out, struct rusage *ru)
{
    int status;
    while (wait4(pid, &status, 0, ru) < 0) {
        if (errno != EINTR)
            return 255;
    }
    forward_to = 0;
    if (status_out)
        *status_out = status;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* The container's exit status as a shell reports it: code, or 128+signal. */
int cli_wait_exit_status(pid_t pid)
{
    return cli_wait_exit_full(pid, NULL, NULL);
}

int cmd_run(ward_ctx *ctx, int argc, char **argv)
{
    create_opts o = {0};
    ward_err err = {0};
    cli_result res = {0};
    struct rusage ru;
    ward_run_end end = {.exit_known = true, .usage = &ru};
    bool detach = false;
    int master = -1;
    pid_t pid;
    int status;
    if (parse_create_opts("run", argc, argv, &o, &detach, &res) != 0)
        return 1;
    if (res.n_outputs && res.file == NULL)
        return cli_usage_error("run", "--outputs needs --result FILE");
    if (res.file && detach)
        return cli_usage_error("run", "--result needs the container to end: for a detached "
                                      "container use `ward delete --result FILE` once it stopped");
    if (!detach && o.console_socket == NULL)
        o.console_master = &master; /* a terminal config: ward is the terminal's other end */
    if (ctx->hc.image_policy && cli_image_check(ctx, o.bundle, &err) < 0)
        return ward_log_fail(&err);
    clock_gettime(CLOCK_REALTIME, &end.started);
    if (container_create(ctx, &o, &pid, &err) < 0) {
        if (master >= 0)
            close(master);
        return ward_log_fail(&err);
    }
    if (!detach)
        cli_forward_signals(pid);
    if (master >= 0)
        cli_tty_size(master);
    if (container_start(ctx, o.id, &err) < 0) {
        ward_err e;
        ward_log_error("%s", err.msg);
        container_delete(ctx, o.id, true, &e);
        if (master >= 0)
            close(master);
        return 1;
    }
    if (detach)
        return 0;
    if (master >= 0)
        cli_tty_proxy(master, pid); /* until the container's process ends */
    status = cli_wait_exit_full(pid, &end.wait_status, &ru);
    clock_gettime(CLOCK_REALTIME, &end.ended);
    /* the manifest before delete: it needs the state and the cgroup's figures */
    if (res.file && cli_result_write(ctx, o.id, &end, &res) != 0) {
        ward_log_error("container \"%s\" exited with status %d, but its result manifest %s "
                       "could not be written",
                       o.id, status, res.file);
        status = status ? status : 1;
    }
    if (container_delete(ctx, o.id, true, &err) < 0)
        ward_log_warning("%s", err.msg);
    return status;
}
