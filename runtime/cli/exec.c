/* SPDX-License-Identifier: Apache-2.0 */
/* exec: runc's and crun's options. Without --detach ward waits and returns the exit status. */
#include "runtime/cli/cli.h"
#include "runtime/log.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_CWD, OPT_PRESERVE, OPT_NNP, OPT_LABEL, OPT_APPARMOR };

typedef struct exec_lists {
    char *env[256];
    char *caps[64];
} exec_lists;

static int push(char **list, size_t *n, size_t max, const char *flag, char *value)
{
    if (*n >= max)
        return cli_usage_error("exec", "too many %s options (at most %zu)", flag, max);
    list[(*n)++] = value;
    return 0;
}

static int parse_preserve(const char *s, int *out)
{
    char *end;
    long n;
    errno = 0;
    n = strtol(s, &end, 10);
    if (errno || *end || end == s || n < 0 || n > 1024)
        return cli_usage_error("exec", "--preserve-fds: must be a number from 0 to 1024");
    *out = (int)n;
    return 0;
}

static int parse_one(int c, exec_opts *o, exec_lists *l)
{
    switch (c) {
    case 'p':
        o->process_file = optarg;
        return 0;
    case 'd':
        o->detach = true;
        return 0;
    case 't':
        o->tty = true;
        return 0;
    case OPT_PID_FILE:
        o->pid_file = optarg;
        return 0;
    case OPT_CONSOLE:
        o->console_socket = optarg;
        return 0;
    case OPT_CWD:
        o->cwd = optarg;
        return 0;
    case 'e':
        return push(l->env, &o->n_env, 256, "--env", optarg);
    case 'u':
        o->user = optarg;
        return 0;
    case 'c':
        return push(l->caps, &o->n_caps, 64, "--cap", optarg);
    case OPT_PRESERVE:
        return parse_preserve(optarg, &o->preserve_fds);
    case OPT_NNP:
        o->no_new_privs = true;
        return 0;
    case OPT_LABEL:
        o->process_label = optarg;
        return 0;
    case OPT_APPARMOR:
        o->apparmor = optarg;
        return 0;
    default:
        return 2; /* not an option of exec's */
    }
}

static int parse_exec_opts(int argc, char **argv, exec_opts *o, exec_lists *l)
{
    static const struct option opts[] = {
        {"process", required_argument, NULL, 'p'},
        {"detach", no_argument, NULL, 'd'},
        {"tty", no_argument, NULL, 't'},
        {"pid-file", required_argument, NULL, OPT_PID_FILE},
        {"console-socket", required_argument, NULL, OPT_CONSOLE},
        {"cwd", required_argument, NULL, OPT_CWD},
        {"env", required_argument, NULL, 'e'},
        {"user", required_argument, NULL, 'u'},
        {"cap", required_argument, NULL, 'c'},
        {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
        {"no-new-privs", no_argument, NULL, OPT_NNP},
        {"process-label", required_argument, NULL, OPT_LABEL},
        {"apparmor", required_argument, NULL, OPT_APPARMOR},
        {NULL, 0, NULL, 0},
    };
    int c, rc;
    while ((c = getopt_long(argc, argv, "+p:dte:u:c:", opts, NULL)) != -1)
        if ((rc = parse_one(c, o, l)) != 0)
            return rc == 2 ? cli_bad_option("exec", argv) : 1;
    if (optind >= argc)
        return cli_usage_error("exec", "missing argument (container id)");
    o->id = argv[optind++];
    /* `exec ID -- cmd ...`: the separator is not part of the command */
    if (optind < argc && strcmp(argv[optind], "--") == 0)
        optind++;
    o->args = argv + optind;
    o->n_args = (size_t)(argc - optind);
    o->env = l->env;
    o->caps = l->caps;
    return 0;
}

int cmd_exec(ward_ctx *ctx, int argc, char **argv)
{
    exec_opts o = {0};
    exec_lists lists;
    ward_err err = {0};
    struct winsize ws;
    int master = -1;
    pid_t pid;
    int fail_status;
    if (parse_exec_opts(argc, argv, &o, &lists) != 0)
        return 1;
    if (!o.detach && o.console_socket == NULL) {
        /* as runc: in the foreground ward is the terminal's other end, at its own size */
        o.console_master = &master;
        if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) {
            o.console_rows = ws.ws_row;
            o.console_cols = ws.ws_col;
        }
    }
    if (container_exec(ctx, &o, &pid, &fail_status, &err) < 0) {
        if (master >= 0)
            close(master);
        ward_log_fail(&err);
        return fail_status;
    }
    if (o.detach)
        return 0;
    cli_forward_signals(pid);
    if (master >= 0)
        cli_tty_proxy(master, pid);
    return cli_wait_exit_status(pid);
}
