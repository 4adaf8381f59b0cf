/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/image_check.h"
#include "attest/imgverify.h"
#include "attest/unpack.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"
#include "spec/parse.h"
#include "spec/base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECORD_MAX (64 * 1024)

static int refuse(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return 0;
}

/* Only insecureAcceptAnything in the default: an image-less container is fine. */
static bool default_accepts_anything(const img_policy *pol)
{
    for (size_t i = 0; i < pol->def.n; i++)
        if (pol->def.items[i].type != PR_INSECURE_ACCEPT_ANYTHING)
            return false;
    return true;
}

static const char *record_string(const jnode *rec, const char *key)
{
    const jnode *v = json_get(rec, key);
    return v && v->type == JT_STRING ? v->u.s : NULL;
}

/* Re-run the policy on the recorded image for the claimed reference. */
static int reverify(const img_policy *pol, const char *image, const char *ref, const char *digest,
                    const char *lookaside, char *why, size_t len, ward_err *err)
{
    img_source src;
    img_decision d;
    img_ref r;
    int rc;
    if (ref != NULL && img_ref_parse_image(ref, &r, err) < 0)
        return refuse(why, len, "image reference annotation: %s", err->msg);
    if (imgsrc_open(image, &src, err) < 0)
        return refuse(why, len, "the recorded image is not readable: %s", err->msg);
    if (imgsrc_signatures(&src, ref ? lookaside : NULL, ref ? &r : NULL, err) < 0 ||
        img_verify(pol, &src, ref ? &r : NULL, &d, err) < 0) {
        imgsrc_free(&src);
        return -1;
    }
    if (strcmp(src.manifest_digest, digest) != 0)
        rc = refuse(why, len, "the recorded image now has manifest %s, not %s", src.manifest_digest,
                    digest);
    else if (!d.accepted)
        rc = refuse(why, len, "the policy refuses %s%s%s (ward image verify says why)", image,
                    ref ? " as " : "", ref ? ref : "");
    else
        rc = 1;
    img_decision_free(&d);
    imgsrc_free(&src);
    return rc;
}

int img_check_bundle(const img_policy *pol, const char *records, const char *lookaside,
                     const char *bundle, char *why, size_t why_len, ward_err *err)
{
    char path[PATH_MAX], rootfs[PATH_MAX], got[IMG_DIGEST_MAX + 1];
    spec_config *c = NULL;
    cleanup_json jnode *rec = NULL;
    cleanup_free char *text = NULL;
    cleanup_close int rootfd = -1;
    const char *digest, *ref, *verified, *want_rootfs, *image;
    size_t len;
    int rc = -1;

    snprintf(path, sizeof(path), "%s/config.json", bundle);
    if (spec_config_load(path, &c, err) < 0)
        return -1;
    digest = spec_annotation(c, ANN_IMAGE_DIGEST);
    ref = spec_annotation(c, ANN_IMAGE_REF);
    if (ref == NULL)
        ref = spec_annotation(c, ANN_CRI_IMAGE_NAME);
    verified = spec_annotation(c, ANN_IMAGE_VERIFIED);
    if (digest == NULL) {
        rc = default_accepts_anything(pol)
                 ? 1
                 : refuse(why, why_len,
                          "the container names no image (annotation %s) and the policy's "
                          "default does not accept anything",
                          ANN_IMAGE_DIGEST);
        goto out;
    }
    if (!img_digest_valid(digest)) {
        rc = refuse(why, why_len, "annotation %s is not sha256:<64 hex>", ANN_IMAGE_DIGEST);
        goto out;
    }
    {
        struct stat st;
        /* the records are the proof: only root may have written them */
        if (stat(records, &st) == 0 && (st.st_uid != 0 || (st.st_mode & 022) != 0)) {
            rc = refuse(why, why_len,
                        "records directory %s is writable by others than root (mode %o, "
                        "owner %u)",
                        records, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
            goto out;
        }
    }
    snprintf(path, sizeof(path), "%s/%s.json", records, digest + 7);
    if (spec_read_file(path, RECORD_MAX, &text, &len, err) < 0) {
        rc = err->errnum == ENOENT
                 ? refuse(why, why_len, "no record of a verified unpack of %s in %s", digest,
                          records)
                 : -1;
        goto out;
    }
    if (json_parse(text, len, &rec, err) < 0 || rec->type != JT_OBJECT ||
        (image = record_string(rec, "image")) == NULL ||
        (want_rootfs = record_string(rec, "rootfsDigest")) == NULL) {
        rc = refuse(why, why_len, "record %s is damaged", path);
        goto out;
    }
    if (verified != NULL && record_string(rec, "decisionDigest") != NULL &&
        strcmp(verified, record_string(rec, "decisionDigest")) != 0) {
        rc = refuse(why, why_len, "annotation %s does not match the record of the unpack",
                    ANN_IMAGE_VERIFIED);
        goto out;
    }
    if ((rc = reverify(pol, image, ref, digest, lookaside, why, why_len, err)) != 1)
        goto out;
    if (!c->has_root || c->root.path == NULL) {
        rc = refuse(why, why_len, "config.json has no root.path");
        goto out;
    }
    snprintf(rootfs, sizeof(rootfs), "%s%s%s", c->root.path[0] == '/' ? "" : bundle,
             c->root.path[0] == '/' ? "" : "/", c->root.path);
    rootfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (rootfd < 0) {
        rc = ward_fail_errno(err, errno, "rootfs %s", rootfs);
        goto out;
    }
    if (img_rootfs_digest(rootfd, got, err) < 0) {
        rc = -1;
        goto out;
    }
    rc = strcmp(got, want_rootfs) == 0
             ? 1
             : refuse(why, why_len,
                      "the rootfs changed since ward image unpack (digest %s, "
                      "recorded %s)",
                      got, want_rootfs);
out:
    spec_config_free(c);
    return rc;
}
