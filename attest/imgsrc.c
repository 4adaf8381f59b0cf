/* SPDX-License-Identifier: Apache-2.0 */
/* Reading an image's manifest and signatures from an OCI layout or a dir: copy. */
#include "attest/codec.h"
#include "attest/imgsrc.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"
#include "spec/parse.h"
#include "spec/base/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REF_NAME "org.opencontainers.image.ref.name"

void imgsrc_free(img_source *src)
{
    free(src->manifest);
    for (size_t i = 0; i < src->n_sigs; i++)
        imgsig_free(&src->sigs[i]);
    free(src->sigs);
    memset(src, 0, sizeof(*src));
}

static void digest_of(const uint8_t *buf, size_t len, char out[IMG_DIGEST_MAX + 1])
{
    uint8_t sum[WARD_SHA256_LEN];
    ward_err ignored;
    size_t o = 7;
    memcpy(out, "sha256:", 7);
    ward_sha256(buf, len, sum, &ignored);
    for (size_t i = 0; i < sizeof(sum); i++, o += 2)
        snprintf(out + o, 3, "%02x", sum[i]);
}

int imgsrc_read_blob(const char *layout, const char *digest, int64_t size, size_t max,
                     uint8_t **out, ward_err *err)
{
    char path[PATH_MAX + 128], got[IMG_DIGEST_MAX + 1];
    cleanup_free char *buf = NULL;
    size_t len;
    if (!img_digest_valid(digest))
        return ward_fail(err, "blob digest \"%.80s\" is not sha256:<64 hex>", digest);
    if (size < 0 || (uint64_t)size > max)
        return ward_fail(err, "blob %s: size %lld out of range (at most %zu)", digest,
                         (long long)size, max);
    snprintf(path, sizeof(path), "%s/blobs/sha256/%s", layout, digest + 7);
    if (spec_read_file(path, max, &buf, &len, err) < 0)
        return -1;
    if (len != (size_t)size)
        return ward_fail(err, "blob %s: %zu bytes, the descriptor says %lld", digest, len,
                         (long long)size);
    digest_of((const uint8_t *)buf, len, got);
    if (strcmp(got, digest) != 0)
        return ward_fail(err, "blob %s: content digest is %s", digest, got);
    *out = (uint8_t *)steal_ptr(buf);
    return 0;
}

/* A descriptor's digest and size. */
static int descriptor(const jnode *d, const char **digest, int64_t *size, ward_err *err)
{
    const jnode *dg = json_get(d, "digest"), *sz = json_get(d, "size");
    char *end;
    if (d->type != JT_OBJECT || dg == NULL || dg->type != JT_STRING || sz == NULL ||
        sz->type != JT_NUMBER)
        return ward_fail(err, "descriptor without a digest and a size");
    *digest = dg->u.s;
    errno = 0;
    *size = strtoll(sz->u.s, &end, 10);
    if (errno || *end != '\0' || *size < 0)
        return ward_fail(err, "descriptor size %.32s is not a byte count", sz->u.s);
    return 0;
}

static const char *ref_name(const jnode *desc)
{
    const jnode *ann = json_get(desc, "annotations"), *n;
    if (ann == NULL || ann->type != JT_OBJECT || (n = json_get(ann, REF_NAME)) == NULL ||
        n->type != JT_STRING)
        return NULL;
    return n->u.s;
}

static bool is_sig_tag(const char *tag)
{
    size_t len = tag ? strlen(tag) : 0;
    return len == 7 + 64 + 4 && strncmp(tag, "sha256-", 7) == 0 && strcmp(tag + 71, ".sig") == 0;
}

static int read_index(const char *layout, jnode **out, ward_err *err)
{
    char path[PATH_MAX + 16];
    cleanup_free char *text = NULL;
    size_t len;
    snprintf(path, sizeof(path), "%s/index.json", layout);
    if (spec_read_file(path, IMG_MANIFEST_MAX, &text, &len, err) < 0 ||
        json_parse(text, len, out, err) < 0)
        return ward_err_prefix(err, "OCI layout %s", layout);
    if ((*out)->type != JT_OBJECT || json_get(*out, "manifests") == NULL ||
        json_get(*out, "manifests")->type != JT_ARRAY)
        return ward_fail(err, "OCI layout %s: index.json has no manifests array", layout);
    return 0;
}

/* The index entry for tag (NULL: the one image that is not a signature). */
static const jnode *find_entry(const jnode *index, const char *tag, const char *layout,
                               ward_err *err)
{
    const jnode *ms = json_get(index, "manifests"), *found = NULL;
    for (size_t i = 0; i < ms->len; i++) {
        const char *name = ref_name(ms->u.items[i]);
        if (tag[0] ? (name == NULL || strcmp(name, tag) != 0) : is_sig_tag(name))
            continue;
        if (found != NULL) {
            ward_fail(err, "OCI layout %s: %s", layout,
                      tag[0] ? "the tag names more than one manifest"
                             : "more than one image: name one with oci:DIR:TAG");
            return NULL;
        }
        found = ms->u.items[i];
    }
    if (found == NULL)
        ward_fail(err, "OCI layout %s: no image %s%s", layout, tag[0] ? "tagged " : "", tag);
    return found;
}

static int open_oci(img_source *src, ward_err *err)
{
    cleanup_json jnode *index = NULL;
    const jnode *entry, *mt;
    const char *digest;
    int64_t size;
    if (read_index(src->path, &index, err) < 0 ||
        (entry = find_entry(index, src->tag, src->path, err)) == NULL ||
        descriptor(entry, &digest, &size, err) < 0)
        return -1;
    mt = json_get(entry, "mediaType");
    if (mt != NULL && mt->type == JT_STRING && strstr(mt->u.s, "index") != NULL)
        return ward_fail(err, "OCI layout %s: %s is an image index; name a platform's manifest",
                         src->path, digest);
    if (imgsrc_read_blob(src->path, digest, size, IMG_MANIFEST_MAX, &src->manifest, err) < 0)
        return ward_err_prefix(err, "OCI layout %s: manifest", src->path);
    src->manifest_len = (size_t)size;
    return 0;
}

static int open_dir(img_source *src, ward_err *err)
{
    char path[PATH_MAX + 16];
    cleanup_free char *text = NULL;
    snprintf(path, sizeof(path), "%s/manifest.json", src->path);
    if (spec_read_file(path, IMG_MANIFEST_MAX, &text, &src->manifest_len, err) < 0)
        return -1;
    src->manifest = (uint8_t *)steal_ptr(text);
    return 0;
}

int imgsrc_open(const char *image, img_source *out, ward_err *err)
{
    char dir[PATH_MAX];
    cleanup_json jnode *m = NULL;
    const char *rest;
    ward_err ignored;
    int rc;

    memset(out, 0, sizeof(*out));
    if (strncmp(image, "oci:", 4) == 0 || strncmp(image, "dir:", 4) == 0) {
        memcpy(out->transport, image, 3);
        rest = image + 4;
    } else
        return ward_fail_errno(err, EINVAL, "image \"%.200s\": expected oci:DIR[:TAG] or dir:DIR",
                               image);
    if (snprintf(dir, sizeof(dir), "%s", rest) >= (int)sizeof(dir) || dir[0] == '\0')
        return ward_fail_errno(err, EINVAL, "image \"%.200s\": bad path", image);
    if (out->transport[0] == 'o') {
        char *colon = strchr(dir, ':');
        if (colon != NULL) {
            *colon = '\0';
            if (strlen(colon + 1) > IMG_TAG_MAX || colon[1] == '\0')
                return ward_fail_errno(err, EINVAL, "image \"%.200s\": bad tag", image);
            snprintf(out->tag, sizeof(out->tag), "%s", colon + 1);
        }
    }
    if (realpath(dir, out->path) == NULL)
        return ward_fail_errno(err, errno, "image %s", dir);
    rc = out->transport[0] == 'o' ? open_oci(out, err) : open_dir(out, err);
    if (rc < 0) {
        imgsrc_free(out);
        return -1;
    }
    digest_of(out->manifest, out->manifest_len, out->manifest_digest);
    out->schema_version = 2;
    if (json_parse((const char *)out->manifest, out->manifest_len, &m, &ignored) == 0) {
        const jnode *v = json_get(m, "schemaVersion");
        if (v && v->type == JT_NUMBER && strcmp(v->u.s, "1") == 0)
            out->schema_version = 1;
    }
    return 0;
}

static int add_sig(img_source *src, img_sig *s, ward_err *err)
{
    img_sig *grown;
    if (src->n_sigs == SIG_MAX_PER_IMAGE) {
        imgsig_free(s);
        return ward_fail(err, "more than %d signatures", SIG_MAX_PER_IMAGE);
    }
    grown = realloc(src->sigs, (src->n_sigs + 1) * sizeof(*grown));
    if (grown == NULL) {
        imgsig_free(s);
        return ward_fail_errno(err, ENOMEM, "signatures");
    }
    src->sigs = grown;
    src->sigs[src->n_sigs++] = *s;
    return 0;
}

/* <dir>/signature-1, -2, ... up to the first that does not exist. */
static int read_numbered(img_source *src, const char *dir, ward_err *err)
{
    for (int n = 1;; n++) {
        char path[PATH_MAX + 64];
        cleanup_free char *blob = NULL;
        size_t len;
        img_sig s;
        snprintf(path, sizeof(path), "%s/signature-%d", dir, n);
        if (spec_read_file(path, SIG_MAX_BYTES, &blob, &len, err) < 0) {
            if (err->errnum == ENOENT)
                return 0;
            return -1;
        }
        if (imgsig_from_blob(path, (const uint8_t *)blob, len, &s, err) < 0 ||
            add_sig(src, &s, err) < 0)
            return -1;
    }
}

/* The cosign .sig manifest: one layer per signature, payload blob + signature annotation. */
static int read_cosign(img_source *src, ward_err *err)
{
    cleanup_json jnode *index = NULL, *m = NULL;
    cleanup_free uint8_t *mbytes = NULL;
    char tag[80];
    const jnode *entry, *layers;
    const char *digest;
    int64_t size;
    ward_err ignored;

    snprintf(tag, sizeof(tag), "sha256-%s.sig", src->manifest_digest + 7);
    if (read_index(src->path, &index, err) < 0)
        return -1;
    entry = find_entry(index, tag, src->path, &ignored);
    if (entry == NULL)
        return 0; /* no cosign signatures */
    if (descriptor(entry, &digest, &size, err) < 0 ||
        imgsrc_read_blob(src->path, digest, size, IMG_MANIFEST_MAX, &mbytes, err) < 0 ||
        json_parse((const char *)mbytes, (size_t)size, &m, err) < 0)
        return ward_err_prefix(err, "cosign signature manifest %s", tag);
    layers = json_get(m, "layers");
    if (layers == NULL || layers->type != JT_ARRAY)
        return ward_fail(err, "cosign signature manifest %s: no layers", tag);
    for (size_t i = 0; i < layers->len; i++) {
        const jnode *l = layers->u.items[i], *mt = json_get(l, "mediaType");
        const jnode *ann = json_get(l, "annotations"), *sig = NULL;
        cleanup_free uint8_t *payload = NULL;
        char source[PATH_MAX + 128];
        img_sig s;
        if (descriptor(l, &digest, &size, err) < 0 ||
            imgsrc_read_blob(src->path, digest, size, SIG_MAX_BYTES, &payload, err) < 0)
            return ward_err_prefix(err, "cosign signature manifest %s, layer %zu", tag, i);
        if (ann != NULL && ann->type == JT_OBJECT)
            sig = json_get(ann, SIG_COSIGN_ANNOT);
        snprintf(source, sizeof(source), "%s:%s layer %zu", src->path, tag, i);
        if (imgsig_from_cosign(source, mt && mt->type == JT_STRING ? mt->u.s : NULL, payload,
                               (size_t)size, sig && sig->type == JT_STRING ? sig->u.s : NULL, &s,
                               err) < 0 ||
            add_sig(src, &s, err) < 0)
            return -1;
    }
    return 0;
}

int imgsrc_signatures(img_source *src, const char *lookaside, const img_ref *identity,
                      ward_err *err)
{
    if (src->transport[0] == 'd' ? read_numbered(src, src->path, err) < 0
                                 : read_cosign(src, err) < 0)
        return -1;
    if (lookaside != NULL) {
        char dir[PATH_MAX + IMG_NAME_MAX + 80];
        const char *repo;
        if (identity == NULL)
            return ward_fail_errno(err, EINVAL,
                                   "a lookaside directory needs the image's identity (--identity)");
        repo = strchr(identity->name, '/') + 1; /* the repository path without the host */
        snprintf(dir, sizeof(dir), "%s/%s@sha256=%s", lookaside, repo, src->manifest_digest + 7);
        if (read_numbered(src, dir, err) < 0)
            return -1;
    }
    return 0;
}
