/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward-image (`ward image ...`): image signature checks and verified unpacking. A helper of its
 * own so that `ward` never loads gpgme, libcrypto or libarchive.
 */
#include "attest/imgverify.h"
#include "spec/base/cleanup.h"
#include "spec/hostconf.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_PREFIX "ward image: "

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_REFUSED = 4 };

static const char USAGE[] =
    "Usage: %s verify [OPTIONS] IMAGE\n"
    "IMAGE is oci:DIR[:TAG] or dir:DIR.\n"
    "  --policy FILE      containers-policy.json (default: policy.path of ward.conf, else %s)\n"
    "  --lookaside DIR    also read signatures from DIR/<repo>@sha256=<hex>/signature-N\n"
    "  --identity REF     judge the image as docker://REF (docker scopes and identity rules)\n"
    "  --json             print the decision as JSON\n"
    "  --config FILE      ward.conf\n"
    "Exit: 0 accepted, 1 failure, 2 usage or policy error, 4 refused.\n";

typedef struct opts {
    const char *prog, *policy, *lookaside, *identity, *config, *image;
    bool json;
} opts;

static int fail(const ward_err *err)
{
    fprintf(stderr, MSG_PREFIX "%s\n", err->msg);
    return err->errnum == EINVAL ? EXIT_USAGE : EXIT_FAIL;
}

static int usage_error(const opts *o, const char *msg)
{
    fprintf(stderr, MSG_PREFIX "%s (see %s --help)\n", msg, o->prog);
    return EXIT_USAGE;
}

static int parse(int argc, char **argv, opts *o)
{
    static const struct option longopts[] = {
        {"policy", required_argument, NULL, 'p'},
        {"lookaside", required_argument, NULL, 'l'},
        {"identity", required_argument, NULL, 'i'},
        {"config", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        const char **slot = NULL;
        switch (c) {
        case 'p':
            slot = &o->policy;
            break;
        case 'l':
            slot = &o->lookaside;
            break;
        case 'i':
            slot = &o->identity;
            break;
        case 'c':
            slot = &o->config;
            break;
        case 'j':
            o->json = true;
            continue;
        case 'h':
            printf(USAGE, o->prog, POLICY_DEFAULT_PATH);
            exit(EXIT_OK);
        default:
            return usage_error(o, "unknown option or missing argument");
        }
        if (*slot != NULL)
            return usage_error(o, "an option is given twice");
        *slot = optarg;
    }
    if (optind != argc - 1)
        return usage_error(o, "expected exactly one IMAGE");
    o->image = argv[optind];
    return 0;
}

/* --policy, else ward.conf's policy.path, else the default path. */
static int load_policy(const opts *o, img_policy *pol, ward_err *err)
{
    ward_hostconf hc;
    int rc;
    if (o->policy != NULL)
        rc = policy_load(o->policy, pol, err);
    else {
        ward_hostconf_init(&hc);
        if (ward_hostconf_load(&hc, o->config ? o->config : WARD_DEFAULT_HOSTCONF,
                               o->config != NULL, err) < 0) {
            ward_hostconf_free(&hc);
            return -1;
        }
        rc = policy_load(hc.policy_path ? hc.policy_path : POLICY_DEFAULT_PATH, pol, err);
        ward_hostconf_free(&hc);
    }
    if (rc < 0 && err->errnum != ENOENT)
        err->errnum = EINVAL; /* a policy that does not parse is a configuration error */
    return rc;
}

static int cmd_verify(const opts *o)
{
    img_policy pol;
    img_source src;
    img_decision d;
    img_ref ref;
    ward_err err = {0};
    int rc;

    if (o->identity != NULL && img_ref_parse_image(o->identity, &ref, &err) < 0) {
        err.errnum = EINVAL;
        return fail(&err);
    }
    if (load_policy(o, &pol, &err) < 0)
        return fail(&err);
    if (imgsrc_open(o->image, &src, &err) < 0) {
        policy_free(&pol);
        return fail(&err);
    }
    if (imgsrc_signatures(&src, o->lookaside, o->identity ? &ref : NULL, &err) < 0 ||
        img_verify(&pol, &src, o->identity ? &ref : NULL, &d, &err) < 0) {
        imgsrc_free(&src);
        policy_free(&pol);
        return fail(&err);
    }
    if (o->json) {
        cleanup_free char *json = NULL;
        size_t len;
        if (img_decision_json(&d, &json, &len, &err) < 0)
            rc = fail(&err);
        else {
            printf("%s\n", json);
            rc = d.accepted ? EXIT_OK : EXIT_REFUSED;
        }
    } else {
        img_decision_print(stdout, &d);
        rc = d.accepted ? EXIT_OK : EXIT_REFUSED;
    }
    img_decision_free(&d);
    imgsrc_free(&src);
    policy_free(&pol);
    return rc;
}

int main(int argc, char **argv)
{
    opts o = {.prog = argv[0]};
    int rc;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf(USAGE, o.prog, POLICY_DEFAULT_PATH);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "verify") != 0) {
        fprintf(stderr, MSG_PREFIX "unknown command \"%s\" (see %s --help)\n", argv[1], o.prog);
        return EXIT_USAGE;
    }
    rc = parse(argc - 1, argv + 1, &o);
    if (rc != 0)
        return rc;
    return cmd_verify(&o);
}
