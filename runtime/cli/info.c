/* SPDX-License-Identifier: Apache-2.0 */
/* spec, features, and attest (which runs the ward-attest helper: ward never links tss2). */

#include "runtime/cli/cli.h"
#include "ward_paths.h"
#include "runtime/log.h"
#include "runtime/sandbox/sandbox.h"
#include "spec/base/cleanup.h"
#include "spec/features.h"
#include "spec/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_spec(ward_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"rootless", no_argument, NULL, 'r'},
                                         {"bundle", required_argument, NULL, 'b'},
                                         {NULL, 0, NULL, 0}};
    ward_err err = {0};
    cleanup_free char *json = NULL;
    cleanup_close int fd = -1;
    char path[PATH_MAX];
    const char *bundle = ".";
    bool rootless = false;
    int c;
    while ((c = getopt_long(argc, argv, "+rb:", opts, NULL)) != -1) {
        if (c == 'r')
            rootless = true;
        else if (c == 'b')
            bundle = optarg;
        else
            return cli_bad_option("spec", argv);
    }
    if (cli_want_args("spec", argc, optind, 0, 0) != 0)
        return 1;
    if (spec_default_config_json(rootless, getuid(), getgid(), &json, &err) < 0)
        return ward_log_fail(&err);
    snprintf(path, sizeof(path), "%s/config.json", bundle);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST)
        return cli_usage_error("spec", "%s exists; remove it first", path);
    if (fd < 0 || write(fd, json, strlen(json)) != (ssize_t)strlen(json))
        return cli_usage_error("spec", "write %s: %s", path, strerror(errno));
    return 0;
}

int cmd_features(ward_ctx *ctx, int argc, char **argv)
{
    ward_err err = {0};
    cleanup_free char *host = NULL;
    cleanup_free char *json = NULL;
    if (cli_want_args("features", argc, 1, 0, 0) != 0)
        return 1;
    if (sandbox_host_features_json(&host, &err) < 0 || spec_features_json(host, &json, &err) < 0)
        return ward_log_fail(&err);
    printf("%s\n", json);
    return 0;
}

/* The helper `name` next to this binary (a build tree), else the installed one. */
int cli_find_helper(const char *name, char out[PATH_MAX])
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        char *slash;
        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(out, PATH_MAX, "%s/%s", self, name);
            if (access(out, X_OK) == 0)
                return 0;
        }
    }
    snprintf(out, PATH_MAX, "%s/%s", WARD_LIBEXECDIR, name);
    return access(out, X_OK);
}

int cli_exec_helper(const char *cmd, const char *helper_name, char **argv)
{
    char helper[PATH_MAX];
    char shown[32];
    if (cli_find_helper(helper_name, helper) < 0)
        return cli_usage_error(cmd, "helper %s not found (looked beside ward and in %s)",
                               helper_name, WARD_LIBEXECDIR);
    snprintf(shown, sizeof(shown), "ward %s", cmd);
    argv[0] = shown;
    execv(helper, argv);
    return cli_usage_error(cmd, "exec %s: %s", helper, strerror(errno));
}

int cmd_attest(ward_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    return cli_exec_helper("attest", "ward-attest", argv);
}

int cmd_image(ward_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    return cli_exec_helper("image", "ward-image", argv);
}
