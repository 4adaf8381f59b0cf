/* SPDX-License-Identifier: Apache-2.0 */
/* ward-attest (`ward attest ...`): the command-line front end; no logic the library lacks. */
#ifndef WARD_ATTEST_CLI_H
#define WARD_ATTEST_CLI_H

#include <stdbool.h>

#include "attest/attest.h"

/* Exit codes a script can rely on. */
enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,     /* I/O error, TPM command failed, corrupt event log */
    EXIT_USAGE = 2,    /* bad arguments, bad ward.conf, bad event data */
    EXIT_NO_TPM = 3,   /* no TPM configured, device missing, TPM unreachable */
    EXIT_REJECTED = 4, /* verify: the evidence does not check out */
};

typedef struct cli_opts {
    const char *prog; /* "ward attest" when run by ward */
    const char *tcti;
    const char *log;
    const char *config;
    const char *nonce;
    const char *pcrs;
    const char *out;
    const char *ak;
    const char *type;
    const char *data;
    const char *file; /* verify's positional argument */
    bool replay;
} cli_opts;

int cli_node(const cli_opts *o, const ward_attest_cfg *cfg);
int cli_quote(const cli_opts *o, const ward_attest_cfg *cfg);
int cli_verify(const cli_opts *o, const ward_attest_cfg *cfg);
int cli_log(const cli_opts *o, const ward_attest_cfg *cfg);
int cli_measure(const cli_opts *o, const ward_attest_cfg *cfg);

/* Print "ward attest: <msg>" and return the exit code for err. */
int cli_error(const ward_err *err);
int cli_usage_error(const cli_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
