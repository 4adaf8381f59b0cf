/* SPDX-License-Identifier: Apache-2.0 */
/* ward: the OCI runtime CLI, compatible with crun and runc. Global options, then a command. */

#include "runtime/cli/cli.h"
#include "runtime/log.h"
#include "runtime/sandbox/sandbox.h"
#include "runtime/state_store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct command {
    const char *name;
    int (*fn)(ward_ctx *, int, char **);
    const char *help;
} command;

static const command commands[] = {
    {"create", cmd_create, "create a container (its process waits for start)"},
    {"start", cmd_start, "start the process of a created container"},
    {"run", cmd_run, "create, start and wait for a container"},
    {"state", cmd_state, "print the state of a container"},
    {"kill", cmd_kill, "send a signal to a container's init (or all its processes)"},
    {"delete", cmd_delete, "delete a container"},
    {"exec", cmd_exec, "run a process inside a container"},
    {"pause", cmd_pause, "freeze every process of a container"},
    {"resume", cmd_resume, "thaw a paused container"},
    {"ps", cmd_ps, "list the processes of a container"},
    {"update", cmd_update, "change a container's resource limits"},
    {"events", cmd_events, "print a container's cgroup stats (--stats: once)"},
    {"list", cmd_list, "list containers"},
    {"spec", cmd_spec, "write a default config.json"},
    {"features", cmd_features, "print the features document"},
    {"attest", cmd_attest, "TPM attestation (node, quote, verify, log)"},
    {"image", cmd_image, "image signatures and verified unpack (verify, unpack, check-bundle)"},
    {"key", cmd_key, "the node's signing key (show, export-pem)"},
    {"manifest", cmd_manifest, "verify a signed result manifest"},
    {"help", cmd_help, "print this help, or a command's (ward help COMMAND)"},
};

static void print_version(void)
{
    printf("ward version %s\ncommit: %s\nrundir: %s\nspec: %s\n"
           "+SECCOMP +SECCOMP-BASELINE +LANDLOCK +CAP +YAJL +TPM2\n",
           PACKAGE_VERSION, WARD_COMMIT, WARD_DEFAULT_ROOT, WARD_OCI_VERSION);
}

void cli_print_usage(void)
{
    printf("Usage: ward [GLOBAL OPTIONS] COMMAND [OPTIONS] ARGS\n\n"
           "Global options:\n"
           "  --root DIR            state directory (default %s)\n"
           "  --log FILE            also write messages to FILE\n"
           "  --log-format FMT      text or json\n"
           "  --config FILE         host configuration (default %s)\n"
           "  --debug               debug messages\n"
           "  --systemd-cgroup      systemd cgroup manager: not supported yet (create and run\n"
           "                        refuse it; other commands ignore it)\n"
           "  --cgroup-manager MGR  cgroupfs (default) or systemd (as --systemd-cgroup)\n"
           "  --rootless VALUE      accepted for runc compatibility (ward decides by uid)\n"
           "  --version, --help\n\nCommands:\n",
           WARD_DEFAULT_ROOT, WARD_DEFAULT_HOSTCONF);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        printf("  %-10s %s\n", commands[i].name, commands[i].help);
}

enum {
    OPT_ROOT = 256,
    OPT_LOG,
    OPT_LOG_FORMAT,
    OPT_CONFIG,
    OPT_DEBUG,
    OPT_SYSTEMD,
    OPT_CGROUP_MANAGER,
    OPT_ROOTLESS
};

typedef struct global_opts {
    const char *log;
    const char *log_format;
    const char *config;
    const char *cgroup_manager;
} global_opts;

static int parse_globals(int argc, char **argv, ward_ctx *ctx, global_opts *g)
{
    static const struct option opts[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"log", required_argument, NULL, OPT_LOG},
        {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
        {"cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER},
        {"rootless", required_argument, NULL, OPT_ROOTLESS},
        {"version", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
        switch (c) {
        case OPT_ROOT:
            ctx->root = optarg;
            break;
        case OPT_LOG:
            g->log = optarg;
            break;
        case OPT_LOG_FORMAT:
            g->log_format = optarg;
            break;
        case OPT_CONFIG:
            g->config = optarg;
            break;
        case OPT_DEBUG:
            ctx->debug = true;
            break;
        case OPT_SYSTEMD:
            ctx->systemd_cgroup = true;
            break;
        case OPT_CGROUP_MANAGER:
            g->cgroup_manager = optarg;
            break;
        case OPT_ROOTLESS:
            break; /* accepted for runc compatibility; ward decides by uid */
        case 'v':
            print_version();
            exit(0);
        case 'h':
            cli_print_usage();
            exit(0);
        default:
            return -1;
        }
    }
    return 0;
}

/* The log first, so that every later error (even an unknown command) reaches --log. */
static int setup_log(ward_ctx *ctx, const global_opts *g)
{
    ward_err err = {0};
    ward_log_format fmt = WARD_LOG_TEXT;
    if (g->log_format && strcmp(g->log_format, "json") == 0)
        fmt = WARD_LOG_JSON;
    else if (g->log_format && strcmp(g->log_format, "text") != 0)
        return cli_usage_error("--log-format", "must be text or json, not \"%s\"", g->log_format);
    if (ward_log_init(g->log, fmt, ctx->debug, &err) < 0)
        return ward_log_fail(&err);
    if (ctx->debug)
        sandbox_set_debug(stderr);
    return 0;
}

/* Only create and run place a new container's cgroup; later commands take the manager from its
 * state, so --systemd-cgroup (which podman passes to every call) is harmless for them. */
static bool places_cgroup(const char *cmd)
{
    return strcmp(cmd, "create") == 0 || strcmp(cmd, "run") == 0;
}

static int setup_globals(ward_ctx *ctx, const global_opts *g, const char *cmd)
{
    ward_err err = {0};
    struct stat st;
    if (g->cgroup_manager && strcmp(g->cgroup_manager, "cgroupfs") &&
        strcmp(g->cgroup_manager, "systemd"))
        return cli_usage_error("--cgroup-manager", "must be cgroupfs or systemd");
    if (g->cgroup_manager && strcmp(g->cgroup_manager, "systemd") == 0)
        ctx->systemd_cgroup = true;
    if (ctx->systemd_cgroup && places_cgroup(cmd) && stat("/run/systemd/system", &st) < 0) {
        ward_fail(&err, "--systemd-cgroup: systemd is not running on this host (no "
                        "/run/systemd/system); use the default cgroupfs manager");
        return ward_log_fail(&err);
    }
    if (ctx->systemd_cgroup && places_cgroup(cmd)) {
        ward_fail(&err, "--systemd-cgroup: the systemd cgroup manager is not supported yet; "
                        "use cgroupfs (the default)");
        return ward_log_fail(&err);
    }
    ward_hostconf_init(&ctx->hc);
    if (ward_hostconf_load(&ctx->hc, g->config ? g->config : WARD_DEFAULT_HOSTCONF,
                           g->config != NULL, &err) < 0)
        return ward_log_fail(&err);
    return 0;
}

int main(int argc, char **argv)
{
    ward_ctx ctx = {.root = WARD_DEFAULT_ROOT};
    global_opts g = {0};
    const char *name;
    if (parse_globals(argc, argv, &ctx, &g) < 0 || setup_log(&ctx, &g) != 0)
        return 1;
    if (optind >= argc) {
        cli_print_usage();
        return 1;
    }
    name = argv[optind];
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        int sub_argc = argc - optind;
        char **sub_argv = argv + optind;
        int rc;
        if (strcmp(name, commands[i].name) != 0)
            continue;
        if (cli_wants_help(name, sub_argc, sub_argv))
            return cli_help(name);
        /* attest, image, key and manifest parse the host config in their helpers */
        ctx.config_path = g.config;
        if (strcmp(name, "attest") && strcmp(name, "key") && strcmp(name, "manifest") &&
            strcmp(name, "image") && strcmp(name, "spec") && strcmp(name, "help") &&
            setup_globals(&ctx, &g, name) != 0)
            return 1;
        optind = 1;
        opterr = 0; /* commands report a bad option through the log (cli_bad_option) */
        rc = commands[i].fn(&ctx, sub_argc, sub_argv);
        ward_hostconf_free(&ctx.hc);
        return rc;
    }
    return cli_usage_error(name, "unknown command (see ward --help)");
}
