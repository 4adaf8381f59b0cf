/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward-image (`ward image ...`): image signature checks and verified unpacking. A helper of its
 * own so that `ward` never loads gpgme, libcrypto or libarchive.
 */
#include "attest/codec.h"
#include "attest/image_check.h"
#include "attest/imgverify.h"
#include "attest/unpack.h"
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
    "       %s unpack [OPTIONS] IMAGE BUNDLE\n"
    "       %s check-bundle [--policy FILE] [--records DIR] [--config FILE] BUNDLE\n"
    "IMAGE is oci:DIR[:TAG] or dir:DIR (unpack: oci: only). unpack verifies first, then writes\n"
    "BUNDLE/rootfs and BUNDLE/config.json; BUNDLE must not exist.\n"
    "  --policy FILE      containers-policy.json (default: policy.path of ward.conf, else %s)\n"
    "  --lookaside DIR    also read signatures from DIR/<repo>@sha256=<hex>/signature-N\n"
    "                     (default: image.lookaside of ward.conf; needs --identity)\n"
    "  --identity REF     judge the image as docker://REF (docker scopes and identity rules)\n"
    "  --json             print the decision as JSON\n"
    "  --max-files N      unpack: at most N entries over all layers (default 1000000)\n"
    "  --max-bytes N      unpack: at most N bytes of files (default 64 GiB)\n"
    "  --config FILE      ward.conf\n"
    "  --records DIR      unpack records (default: image.records of ward.conf, else %s)\n"
    "check-bundle: is BUNDLE's rootfs a verified image (what create checks with image.policy)?\n"
    "Exit: 0 accepted, 1 failure, 2 usage or policy error, 4 refused.\n";

typedef struct opts {
    const char *prog, *policy, *lookaside, *identity, *config, *image, *bundle, *records;
    bool json, unpack, check;
    unpack_opts u;
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
        {"records", required_argument, NULL, 'r'},
        {"max-files", required_argument, NULL, 'F'},
        {"max-bytes", required_argument, NULL, 'B'},
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
        case 'r':
            slot = &o->records;
            break;
        case 'j':
            o->json = true;
            continue;
        case 'F':
        case 'B': {
            char *end;
            unsigned long long v;
            errno = 0;
            v = strtoull(optarg, &end, 10);
            if (errno || *end || optarg[0] < '0' || optarg[0] > '9')
                return usage_error(o, "--max-files and --max-bytes take a number");
            *(c == 'F' ? &o->u.max_files : &o->u.max_bytes) = v;
            continue;
        }
        case 'h':
            printf(USAGE, o->prog, o->prog, o->prog, POLICY_DEFAULT_PATH,
                   WARD_DEFAULT_IMAGE_RECORDS);
            exit(EXIT_OK);
        default:
            return usage_error(o, "unknown option or missing argument");
        }
        if (*slot != NULL)
            return usage_error(o, "an option is given twice");
        *slot = optarg;
    }
    if (optind != argc - (o->unpack ? 2 : 1))
        return usage_error(o, o->unpack  ? "expected IMAGE and BUNDLE"
                              : o->check ? "expected exactly one BUNDLE"
                                         : "expected exactly one IMAGE");
    o->image = o->check ? NULL : argv[optind];
    o->bundle = o->unpack ? argv[optind + 1] : o->check ? argv[optind] : NULL;
    return 0;
}

/*
 * --policy, else ward.conf's policy.path, else the default path; the records directory likewise
 * (into records, PATH_MAX bytes), and the lookaside directory (into lookaside, "" for none).
 */
static int load_policy(const opts *o, img_policy *pol, char *records, char *lookaside,
                       ward_err *err)
{
    ward_hostconf hc;
    int rc;
    ward_hostconf_init(&hc);
    if (ward_hostconf_load(&hc, o->config ? o->config : WARD_DEFAULT_HOSTCONF, o->config != NULL,
                           err) < 0) {
        ward_hostconf_free(&hc);
        err->errnum = EINVAL;
        return -1;
    }
    snprintf(records, PATH_MAX, "%s",
             o->records         ? o->records
             : hc.image_records ? hc.image_records
                                : WARD_DEFAULT_IMAGE_RECORDS);
    snprintf(lookaside, PATH_MAX, "%s",
             o->lookaside         ? o->lookaside
             : hc.image_lookaside ? hc.image_lookaside
                                  : "");
    rc = policy_load(o->policy        ? o->policy
                     : hc.policy_path ? hc.policy_path
                                      : POLICY_DEFAULT_PATH,
                     pol, err);
    ward_hostconf_free(&hc);
    if (rc < 0 && err->errnum != ENOENT)
        err->errnum = EINVAL; /* a policy that does not parse is a configuration error */
    return rc;
}

/* The decision's digest, recorded as ward.image.verified. */
static int decision_digest(const char *json, size_t len, char out[IMG_DIGEST_MAX + 1],
                           ward_err *err)
{
    uint8_t sum[WARD_SHA256_LEN];
    if (ward_sha256(json, len, sum, err) < 0)
        return -1;
    memcpy(out, "sha256:", 8);
    for (size_t i = 0; i < sizeof(sum); i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", sum[i]);
    return 0;
}

/* Print the decision; unpack when asked and accepted. */
static int report(const opts *o, const img_decision *d, const img_source *src, const img_ref *ref,
                  const char *records)
{
    cleanup_free char *json = NULL;
    char digest[IMG_DIGEST_MAX + 1], refbuf[IMG_REF_MAX];
    unpack_opts u = o->u;
    ward_err err = {0};
    size_t len;
    if (img_decision_json(d, &json, &len, &err) < 0)
        return fail(&err);
    if (o->json)
        printf("%s\n", json);
    else
        img_decision_print(o->unpack ? stderr : stdout, d);
    if (!d->accepted || !o->unpack)
        return d->accepted ? EXIT_OK : EXIT_REFUSED;
    if (decision_digest(json, len, digest, &err) < 0)
        return fail(&err);
    u.verified = digest;
    u.ref = o->identity ? img_ref_string(ref, refbuf) : NULL;
    u.image = o->image;
    u.records = records;
    if (img_unpack(src, o->bundle, &u, &err) < 0)
        return fail(&err);
    return EXIT_OK;
}

static int cmd_check(const opts *o)
{
    char records[PATH_MAX], lookaside[PATH_MAX], why[1024] = "";
    img_policy pol;
    ward_err err = {0};
    int rc;
    if (load_policy(o, &pol, records, lookaside, &err) < 0)
        return fail(&err);
    rc = img_check_bundle(&pol, records, lookaside[0] ? lookaside : NULL, o->bundle, why,
                          sizeof(why), &err);
    policy_free(&pol);
    if (rc < 0)
        return fail(&err);
    if (rc == 0) {
        fprintf(stderr, MSG_PREFIX "bundle %s refused: %s\n", o->bundle, why);
        return EXIT_REFUSED;
    }
    return EXIT_OK;
}

static int cmd_verify(const opts *o)
{
    char records[PATH_MAX], lookaside[PATH_MAX];
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
    if (load_policy(o, &pol, records, lookaside, &err) < 0)
        return fail(&err);
    if (imgsrc_open(o->image, &src, &err) < 0) {
        policy_free(&pol);
        return fail(&err);
    }
    if (imgsrc_signatures(&src, lookaside[0] ? lookaside : NULL, o->identity ? &ref : NULL, &err) <
            0 ||
        img_verify(&pol, &src, o->identity ? &ref : NULL, &d, &err) < 0) {
        imgsrc_free(&src);
        policy_free(&pol);
        return fail(&err);
    }
    rc = report(o, &d, &src, &ref, records);

    img_decision_free(&d);
    imgsrc_free(&src);
    policy_free(&pol);
    return rc;
}

int main(int argc, char **argv)
{
    opts o = {.prog = argv[0],
              .u = {.max_files = UNPACK_DEFAULT_MAX_FILES, .max_bytes = UNPACK_DEFAULT_MAX_BYTES}};
    int rc;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf(USAGE, o.prog, o.prog, o.prog, POLICY_DEFAULT_PATH, WARD_DEFAULT_IMAGE_RECORDS);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    o.unpack = strcmp(argv[1], "unpack") == 0;
    o.check = strcmp(argv[1], "check-bundle") == 0;
    if (strcmp(argv[1], "verify") != 0 && !o.unpack && !o.check) {
        fprintf(stderr, MSG_PREFIX "unknown command \"%s\" (see %s --help)\n", argv[1], o.prog);
        return EXIT_USAGE;
    }
    rc = parse(argc - 1, argv + 1, &o);
    if (rc != 0)
        return rc;
    return o.check ? cmd_check(&o) : cmd_verify(&o);
}
