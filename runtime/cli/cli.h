/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_RUNTIME_CLI_H
#define WARD_RUNTIME_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <sys/resource.h>

#include "runtime/container.h"
#include "runtime/result.h"

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
int cmd_image(ward_ctx *ctx, int argc, char **argv);
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
int cmd_key(ward_ctx *ctx, int argc, char **argv);
int cmd_manifest(ward_ctx *ctx, int argc, char **argv);

int cli_exec_helper(const char *cmd, const char *helper_name, char **argv);

/* --result FILE and --outputs PATH (repeatable) of run and delete (result.c). */
#define CLI_MAX_OUTPUTS 32
enum { CLI_OPT_RESULT = 1000, CLI_OPT_OUTPUTS };
typedef struct cli_result {
    const char *file; /* NULL: no manifest asked for */
    const char *outputs[CLI_MAX_OUTPUTS];
    size_t n_outputs;
} cli_result;
#define CLI_RESULT_LONGOPTS                                                                        \
    {"result", required_argument, NULL, CLI_OPT_RESULT},                                           \
    {                                                                                              \
        "outputs", required_argument, NULL, CLI_OPT_OUTPUTS                                        \
    }
int cli_result_opt(cli_result *r, int c, const char *arg, const char *cmd);
/* Write the manifest of stopped container id (before it is deleted); 0 or exit status 1. */
int cli_result_write(const ward_ctx *ctx, const char *id, const ward_run_end *end,
                     const cli_result *r);

/* A helper binary (ward-attest, ward-image, ward-manifest) beside ward, else in the libexec
 * directory. */
int cli_find_helper(const char *name, char out[PATH_MAX]);
/* Replace ward by helper_name with argv (argv[0] is set to "ward <cmd>"): the trust libraries
 * live in helpers, never in ward itself. Returns 1 with a message only when that fails. */
int cli_exec_helper(const char *cmd, const char *helper_name, char **argv);
/* image.policy = enforce: run `ward-image check-bundle` on bundle; 0 when it accepts. */
int cli_image_check(const ward_ctx *ctx, const char *bundle, ward_err *err);

/* Forward the usual termination and job signals to pid (run, exec without --detach). */
void cli_forward_signals(pid_t pid);
/* Give a container's terminal (master) the size of ward's own, before its process starts. */
void cli_tty_size(int master);
/* Proxy a container's terminal (master, closed after) to ward's stdin/stdout until pid ends
 * (pid is left for the caller to reap). */
void cli_tty_proxy(int master, pid_t pid);
/* Wait for pid and return its exit status as a shell reports it: code, or 128+signal. */
int cli_wait_exit_status(pid_t pid);
/* Same, also giving the raw wait status and the rusage (either may be NULL). */
int cli_wait_exit_full(pid_t pid, int *status, struct rusage *ru);

/* Print "ward: <cmd>: <msg>" usage errors; returns exit status 1. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Between min and max positional arguments left after options (argv[optind_..argc-1]): 0, else a
 * usage error (returns 1). */
int cli_want_args(const char *cmd, int argc, int optind_, int min, int max);

#endif
