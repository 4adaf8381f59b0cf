/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_RUNTIME_CLI_H
#define WARD_RUNTIME_CLI_H

#include <limits.h>

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
int cmd_image(ward_ctx *ctx, int argc, char **argv);
int cmd_exec(ward_ctx *ctx, int argc, char **argv);
int cmd_pause(ward_ctx *ctx, int argc, char **argv);
int cmd_resume(ward_ctx *ctx, int argc, char **argv);
int cmd_ps(ward_ctx *ctx, int argc, char **argv);
int cmd_update(ward_ctx *ctx, int argc, char **argv);
int cmd_events(ward_ctx *ctx, int argc, char **argv);

/* A helper binary (ward-attest, ward-image) beside ward, else in the libexec directory. */
int cli_find_helper(const char *name, char out[PATH_MAX]);
/* image.policy = enforce: run `ward-image check-bundle` on bundle; 0 when it accepts. */
int cli_image_check(const ward_ctx *ctx, const char *bundle, ward_err *err);

/* Forward the usual termination and job signals to pid (run, exec without --detach). */
void cli_forward_signals(pid_t pid);
/* Wait for pid and return its exit status as a shell reports it: code, or 128+signal. */
int cli_wait_exit_status(pid_t pid);

/* Print "ward: <cmd>: <msg>" usage errors; returns exit status 1. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Exactly n positional arguments left after options, or a usage error. */
int cli_want_args(const char *cmd, int argc, int optind_, int min, int max);

#endif
