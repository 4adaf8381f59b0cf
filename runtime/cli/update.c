/* SPDX-License-Identifier: Apache-2.0 */
/* update --resources FILE|- (LinuxResources JSON) and runc's flags; flags win over the file. */
#include "runtime/cli/cli.h"
#include "runtime/log.h"
#include "runtime/resources_merge.h"
#include "runtime/cli/update_flags.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"
#include "spec/parse.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RESOURCES_MAX (1 << 20)

static void resources_freep(spec_resources **r)
{
    spec_resources_free(*r);
    *r = NULL;
}
#define cleanup_resources __attribute__((cleanup(resources_freep)))

static int load_resources(const char *path, spec_resources **r, ward_err *err)
{
    cleanup_free char *text = NULL;
    size_t len;
    bool from_stdin = strcmp(path, "-") == 0;
    if (from_stdin ? ward_read_fd(STDIN_FILENO, "stdin", RESOURCES_MAX, &text, &len, err) < 0
                   : spec_read_file(path, RESOURCES_MAX, &text, &len, err) < 0)
        return -1;
    if (spec_resources_parse(text, len, r, err) < 0)
        return ward_err_prefix(err, "%s", from_stdin ? "resources (stdin)" : path);
    return 0;
}

static int from_flags(const char *const values[UF_COUNT], spec_resources **r, ward_err *err)
{
    cleanup_free char *json = NULL;
    if (update_flags_to_json(values, &json, err) < 0)
        return -1;
    if (spec_resources_parse(json, strlen(json), r, err) < 0)
        return ward_err_prefix(err, "update flags");
    return 0;
}

int cmd_update(ward_ctx *ctx, int argc, char **argv)
{
    struct option opts[UF_COUNT + 2];
    const char *values[UF_COUNT] = {0};
    const char *resources_path = NULL;
    cleanup_resources spec_resources *r = NULL;
    cleanup_resources spec_resources *flags = NULL;
    ward_err err = {0};
    int c;
    for (int f = 0; f < UF_COUNT; f++)
        opts[f] =
            (struct option){update_flag_name((update_flag)f), required_argument, NULL, 256 + f};
    opts[UF_COUNT] = (struct option){"resources", required_argument, NULL, 'r'};
    opts[UF_COUNT + 1] = (struct option){NULL, 0, NULL, 0};
    while ((c = getopt_long(argc, argv, "+r:", opts, NULL)) != -1) {
        if (c == 'r')
            resources_path = optarg;
        else if (c >= 256 && c < 256 + UF_COUNT)
            values[c - 256] = optarg;
        else
            return cli_bad_option("update", argv);
    }
    if (cli_want_args("update", argc, optind, 1, 1) != 0)
        return 1;
    if (resources_path && load_resources(resources_path, &r, &err) < 0)
        return ward_log_fail(&err);
    if (from_flags(values, &flags, &err) < 0)
        return ward_log_fail(&err);
    if (r == NULL) {
        r = flags;
        flags = NULL;
    } else {
        resources_merge(r, flags);
    }
    if (container_update(ctx, argv[optind], r, &err) < 0)
        return ward_log_fail(&err);
    return 0;
}
