/* SPDX-License-Identifier: Apache-2.0 */
/* state, kill, delete and list. */
#include "runtime/cli/cli.h"
#include "runtime/log.h"
#include "runtime/signals.h"
#include "runtime/state_store.h"
#include "spec/base/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ward_log_error("%s: %s", cmd, msg);
    return 1;
}

int cli_want_args(const char *cmd, int argc, int optind_, int min, int max)
{
    int n = argc - optind_;
    if (n < min)
        return cli_usage_error(cmd, "missing argument (container id)");
    if (n > max)
        return cli_usage_error(cmd, "too many arguments");
    return 0;
}

int cmd_state(ward_ctx *ctx, int argc, char **argv)
{
    ward_err err = {0};
    cleanup_free char *json = NULL;
    if (cli_want_args("state", argc, 1, 1, 1) != 0)
        return 1;
    if (container_state_json(ctx, argv[1], &json, &err) < 0)
        return ward_log_fail(&err);
    ward_print_json(stdout, json);
    putchar('\n');
    return 0;
}

int cmd_kill(ward_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"all", no_argument, NULL, 'a'},
                                         {"signal", required_argument, NULL, 's'},
                                         {NULL, 0, NULL, 0}};
    ward_err err = {0};
    const char *signame = "TERM";
    bool all = false;
    int c, sig;
    while ((c = getopt_long(argc, argv, "+as:", opts, NULL)) != -1) {
        if (c == 'a')
            all = true;
        else if (c == 's')
            signame = optarg;
        else
            return cli_bad_option("kill", argv);
    }
    if (cli_want_args("kill", argc, optind, 1, 2) != 0)
        return 1;
    if (argc - optind == 2)
        signame = argv[optind + 1];
    if (signal_parse(signame, &sig, &err) < 0)
        return ward_log_fail(&err);
    if (container_kill(ctx, argv[optind], sig, all, &err) < 0)
        return ward_log_fail(&err);
    return 0;
}

int cmd_delete(ward_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    ward_err err = {0};
    bool force = false;
    int c;
    while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
        if (c != 'f')
            return cli_bad_option("delete", argv);
        force = true;
    }
    if (cli_want_args("delete", argc, optind, 1, 1) != 0)
        return 1;
    if (container_delete(ctx, argv[optind], force, &err) < 0)
        return ward_log_fail(&err);
    return 0;
}

static void print_row(const spec_state *st, bool quiet)
{
    /* bundle, created and owner come from state.json: never raw to a terminal */
    char bundle[PATH_MAX * 6], created[256], owner[256];
    if (quiet) {
        printf("%s\n", st->id);
        return;
    }
    ward_text_escape(bundle, sizeof(bundle), st->bundle ? st->bundle : "");
    ward_text_escape(created, sizeof(created), st->created ? st->created : "");
    ward_text_escape(owner, sizeof(owner), st->owner ? st->owner : "");
    printf("%-20s %-8d %-10s %-40s %-30s %s\n", st->id,
           st->status == SPEC_STATUS_STOPPED ? 0 : (int)st->pid, spec_status_name(st->status),
           bundle, created, owner);
}

/* state.json records the creating uid; list shows its user name, as runc does. */
static void owner_to_name(spec_state *st)
{
    char *end;
    unsigned long uid;
    struct passwd *pw;
    char *name;
    if (st->owner == NULL || st->owner[0] == '\0')
        return;
    errno = 0;
    uid = strtoul(st->owner, &end, 10);
    if (errno || *end || uid > UINT32_MAX || (pw = getpwuid((uid_t)uid)) == NULL)
        return;
    if ((name = strdup(pw->pw_name)) == NULL)
        return;
    free(st->owner);
    st->owner = name;
}

static int list_one(const ward_ctx *ctx, const char *id, bool json, bool quiet, bool *first)
{
    cleanup_close int dirfd = -1;
    cleanup_free char *out = NULL;
    spec_state *st = NULL;
    ward_err err;
    size_t len;
    if (container_load(ctx, id, false, &dirfd, &st, &err) < 0) {
        /* not listed, but not hidden either: one ward cannot read is one to look at */
        ward_log_warning("%s", err.msg);
        return 0;
    }
    owner_to_name(st);
    if (json && spec_state_to_json(st, &out, &len, &err) == 0) {
        printf("%s", *first ? "" : ",");
        ward_print_json(stdout, out);
        *first = false;
    } else if (!json) {
        print_row(st, quiet);
    }
    spec_state_free(st);
    return 0;
}

int cmd_list(ward_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {NULL, 0, NULL, 0}};
    bool json = false, quiet = false, first = true;
    ward_err err;
    int rootfd;
    DIR *d;
    struct dirent *de;
    int c;
    while ((c = getopt_long(argc, argv, "+f:q", opts, NULL)) != -1) {
        if (c == 'q')
            quiet = true;
        else if (c != 'f')
            return cli_bad_option("list", argv);
        else if (strcmp(optarg, "json") && strcmp(optarg, "table"))
            return cli_usage_error("list", "--format must be table or json");
        else
            json = strcmp(optarg, "json") == 0;
    }
    if (cli_want_args("list", argc, optind, 0, 0) != 0)
        return 1;
    rootfd = state_root_open(ctx->root, false, &err);
    if (rootfd < 0 && err.errnum != ENOENT)
        return ward_log_fail(&err); /* a root someone else could write is not listed */
    d = rootfd >= 0 ? fdopendir(rootfd) : NULL;
    if (json)
        printf("[");
    else if (!quiet)
        printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
               "OWNER");
    while (d && (de = readdir(d)) != NULL) {
        ward_err e;
        if (de->d_name[0] == '.' || state_validate_id(de->d_name, &e) < 0)
            continue;
        list_one(ctx, de->d_name, json, quiet, &first);
    }
    if (d)
        closedir(d);
    if (json)
        printf("]\n");
    return 0;
}
