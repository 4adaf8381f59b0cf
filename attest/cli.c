/* SPDX-License-Identifier: Apache-2.0 */
/* ward-attest: argument parsing and dispatch. */
#include "attest/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_PREFIX "ward attest: "

static const char USAGE[] =
    "Usage: %s COMMAND [OPTIONS]\n"
    "  node                                    node class, TCTI, attestation key\n"
    "  quote --nonce HEX [--pcrs 23] [--out FILE]   evidence JSON (stdout or FILE)\n"
    "  verify FILE --nonce HEX [--ak PEM]      check evidence; exit 4 when rejected\n"
    "  log [--replay]                          the event log (checked), or its PCR replay\n"
    "  measure --type TYPE --data JSON         extend the PCR and log the event\n"
    "Every command takes --tcti STRING, --log FILE, --config FILE.\n"
    "Exit: 0 ok, 1 failure, 2 usage or config error, 3 no TPM, 4 evidence rejected.\n";

int cli_error(const ward_err *err)
{
    fprintf(stderr, MSG_PREFIX "%s\n", err->msg);
    if (err->errnum == ENODEV)
        return EXIT_NO_TPM;
    if (err->errnum == EBADMSG)
        return EXIT_REJECTED;
    if (err->errnum == EINVAL)
        return EXIT_USAGE;
    return EXIT_FAIL;
}

int cli_usage_error(const cli_opts *o, const char *fmt, ...)
{
    va_list ap;
    fputs(MSG_PREFIX, stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see %s --help)\n", o->prog);
    return EXIT_USAGE;
}

static const struct option LONGOPTS[] = {
    {"tcti", required_argument, NULL, 't'},   {"log", required_argument, NULL, 'l'},
    {"config", required_argument, NULL, 'c'}, {"nonce", required_argument, NULL, 'n'},
    {"pcrs", required_argument, NULL, 'p'},   {"out", required_argument, NULL, 'o'},
    {"ak", required_argument, NULL, 'a'},     {"type", required_argument, NULL, 'T'},
    {"data", required_argument, NULL, 'd'},   {"replay", no_argument, NULL, 'r'},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
};

typedef struct command {
    const char *name;
    const char *allowed; /* option letters this command takes besides t, l, c */
    int (*run)(const cli_opts *, const ward_attest_cfg *);
} command;

static const command COMMANDS[] = {
    {"node", "", cli_node}, {"quote", "npo", cli_quote},    {"verify", "na", cli_verify},
    {"log", "r", cli_log},  {"measure", "Td", cli_measure},
};

static int set_opt(cli_opts *o, const command *cmd, int c, const char *arg)
{
    const char **slot = NULL;
    if (strchr("tlc", c) == NULL && strchr(cmd->allowed, c) == NULL)
        return -1;
    switch (c) {
    case 't':
        slot = &o->tcti;
        break;
    case 'l':
        slot = &o->log;
        break;
    case 'c':
        slot = &o->config;
        break;
    case 'n':
        slot = &o->nonce;
        break;
    case 'p':
        slot = &o->pcrs;
        break;
    case 'o':
        slot = &o->out;
        break;
    case 'a':
        slot = &o->ak;
        break;
    case 'T':
        slot = &o->type;
        break;
    case 'd':
        slot = &o->data;
        break;
    case 'r':
        o->replay = true;
        return 0;
    }
    if (slot == NULL || *slot != NULL)
        return -2;
    *slot = arg;
    return 0;
}

static int parse_args(int argc, char **argv, const command *cmd, cli_opts *o)
{
    int c, idx = 0;
    optind = 1;
    opterr = 0;
    /* argv[0] is the command name here */
    while ((c = getopt_long(argc, argv, "", LONGOPTS, &idx)) != -1) {
        int r;
        if (c == 'h') {
            printf(USAGE, o->prog);
            exit(EXIT_OK);
        }
        if (c == '?' || c == ':')
            return cli_usage_error(o, "%s: unknown option or missing value: %s", cmd->name,
                                   argv[optind - 1]);
        r = set_opt(o, cmd, c, optarg);
        if (r == -1)
            return cli_usage_error(o, "%s: does not take --%s", cmd->name, LONGOPTS[idx].name);
        if (r == -2)
            return cli_usage_error(o, "%s: --%s given twice", cmd->name, LONGOPTS[idx].name);
        idx = 0;
    }
    if (strcmp(cmd->name, "verify") == 0 && optind < argc)
        o->file = argv[optind++];
    if (optind < argc)
        return cli_usage_error(o, "%s: unexpected argument \"%s\"", cmd->name, argv[optind]);
    return EXIT_OK;
}

static int load_cfg(const cli_opts *o, ward_attest_cfg *cfg)
{
    ward_err err = {0};
    if (ward_attest_cfg_load(cfg, o->config, o->tcti, o->log, &err) < 0) {
        fprintf(stderr, MSG_PREFIX "%s\n", err.msg);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    cli_opts o = {.prog = argv[0] && strcmp(argv[0], "ward attest") == 0 ? "ward attest"
                                                                         : "ward-attest"};
    ward_attest_cfg cfg;
    const command *cmd = NULL;
    int r;

    /* tpm2-tss logs to stderr by default; ward reports errors itself */
    setenv("TSS2_LOG", "all+NONE", 0);
    if (argc < 2)
        return cli_usage_error(&o, "missing command");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf(USAGE, o.prog);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0)
            cmd = &COMMANDS[i];
    if (cmd == NULL)
        return cli_usage_error(&o, "unknown command \"%s\"", argv[1]);
    r = parse_args(argc - 1, argv + 1, cmd, &o);
    if (r != EXIT_OK)
        return r;
    r = load_cfg(&o, &cfg);
    if (r != EXIT_OK)
        return r;
    r = cmd->run(&o, &cfg);
    ward_attest_cfg_free(&cfg);
    return r;
}
