/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_RUNTIME_CLI_H
#define WARD_RUNTIME_CLI_H

#include <stdbool.h>

#include "runtime/container.h"

/* Each command parses its own options from argv (argv[0] is the command name). */
int cmd_create(ward_ctx *ctx, int argc, char **argv);
int cmd_start(ward_ctx *ctx, int argc, char **argv);
int cmd_run(ward_ctx *ctx, int argc, char **argv);
int cmd_state(ward_ctx *ctx, int argc, char **argv);
int cmd_kill(ward_ctx *ctx, int argc, char **argv);
int cmd_delete(ward_ctx *ctx, int argc, char **argv);
int cmd_list(ward_ctx *ctx, int argc, char **argv);
int cmd_spec(ward_ctx *ctx, int argc, char **argv);
int cmd_features(ward_ctx *ctx, int argc, char **argv);
int cmd_attest(ward_ctx *ctx, int argc, char **argv);
int cmd_exec(ward_ctx *ctx, int argc, char **argv);
int cmd_pause(ward_ctx *ctx, int argc, char **argv);
int cmd_resume(ward_ctx *ctx, int argc, char **argv);
int cmd_ps(ward_ctx *ctx, int argc, char **argv);
int cmd_update(ward_ctx *ctx, int argc, char **argv);
int cmd_events(ward_ctx *ctx, int argc, char **argv);
int cmd_help(ward_ctx *ctx, int argc, char **argv);

/* ward's own usage (global options, commands). */
void cli_print_usage(void);
/* A command's usage, options and example on stdout; 0, or 1 for an unknown command. */
int cli_help(const char *cmd);
/* Whether argv asks for help among the command's own options (before its first operand). */
bool cli_wants_help(const char *cmd, int argc, char **argv);
/* After getopt returned '?' (opterr is off): name the word and point at --help; returns 1. */
int cli_bad_option(const char *cmd, char **argv);

/* Forward the usual termination and job signals to pid (run, exec without --detach). */
void cli_forward_signals(pid_t pid);
/* Give a container's terminal (master) the size of ward's own, before its process starts. */
void cli_tty_size(int master);
/* Proxy a container's terminal (master) to ward's stdin/stdout until pid ends; its exit status. */
int cli_tty_proxy(int master, pid_t pid);
/* Wait for pid and return its exit status as a shell reports it: code, or 128+signal. */
int cli_wait_exit_status(pid_t pid);

/* Print "ward: <cmd>: <msg>" usage errors; returns exit status 1. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Exactly n positional arguments left after options, or a usage error. */
int cli_want_args(const char *cmd, int argc, int optind_, int min, int max);

#endif
