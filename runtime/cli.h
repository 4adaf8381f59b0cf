/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_RUNTIME_CLI_H
#define WARD_RUNTIME_CLI_H

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

/* Print "ward: <cmd>: <msg>" usage errors; returns exit status 1. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Exactly n positional arguments left after options, or a usage error. */
int cli_want_args(const char *cmd, int argc, int optind_, int min, int max);

#endif
