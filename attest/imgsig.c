/* SPDX-License-Identifier: Apache-2.0 */
/* Signature blobs by form (containers/image's internal/signature FromBlob) and payload claims. */
#include "attest/codec.h"
#include "attest/imgsig.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SIGSTORE_PREFIX[] = "\0sigstore-json\n"; /* 15 bytes */
static const char SIMPLE_PREFIX[] = "\0simple-signing\n";  /* 16 bytes */

void imgsig_free(img_sig *s)
{
    free(s->gpg);
    free(s->mime);
    free(s->payload);
    free(s->sig);
    memset(s, 0, sizeof(*s));
}

static int take_gpg(const uint8_t *msg, size_t len, img_sig *out, ward_err *err)
{
    /* Every OpenPGP packet header has its top bit set (RFC 4880 4.2). */
    if (len == 0 || (msg[0] & 0x80) == 0) {
        snprintf(out->form_error, sizeof(out->form_error),
                 "not an OpenPGP message (first byte 0x%02x)", len ? msg[0] : 0);
        return 0;
    }
    out->gpg = malloc(len);
    if (out->gpg == NULL)
        return ward_fail_errno(err, ENOMEM, "signature");
    memcpy(out->gpg, msg, len);
    out->gpg_len = len;
    out->format = SIG_GPG;
    return 0;
}

int imgsig_from_cosign(const char *source, const char *mime, const uint8_t *payload, size_t len,
                       const char *b64sig, img_sig *out, ward_err *err)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->source, sizeof(out->source), "%s", source);
    out->format = SIG_SIGSTORE;
    out->mime = strdup(mime ? mime : "");
    out->payload = malloc(len ? len : 1);
    if (out->mime == NULL || out->payload == NULL)
        return ward_fail_errno(err, ENOMEM, "signature");
    memcpy(out->payload, payload, len);
    out->payload_len = len;
    if (b64sig == NULL) {
        out->format = SIG_UNKNOWN;
        snprintf(out->form_error, sizeof(out->form_error), "no %s annotation", SIG_COSIGN_ANNOT);
    } else if (ward_b64_decode(b64sig, &out->sig, &out->sig_len, err) < 0) {
        out->format = SIG_UNKNOWN;
        snprintf(out->form_error, sizeof(out->form_error), "%s annotation: %s", SIG_COSIGN_ANNOT,
                 err->msg);
    }
    return 0;
}

/* "\0sigstore-json\n" {"mimeType":..., "payload": b64, "annotations": {...}} */
static int take_sigstore(const char *source, const uint8_t *json, size_t len, img_sig *out,
                         ward_err *err)
{
    cleanup_json jnode *root = NULL;
    cleanup_free uint8_t *payload = NULL;
    const jnode *mime, *pl, *ann, *sig = NULL;
    size_t plen;
    ward_err e;

    if (json_parse((const char *)json, len, &root, &e) < 0 || root->type != JT_OBJECT) {
        snprintf(out->form_error, sizeof(out->form_error), "sigstore-json: %s",
                 root ? "not an object" : e.msg);
        return 0;
    }
    for (size_t i = 0; i < root->len; i++) {
        const char *k = root->u.members[i].key;
        if (strcmp(k, "mimeType") && strcmp(k, "payload") && strcmp(k, "annotations")) {
            snprintf(out->form_error, sizeof(out->form_error), "sigstore-json: unknown field %.64s",
                     k);
            return 0;
        }
    }
    mime = json_get(root, "mimeType");
    pl = json_get(root, "payload");
    ann = json_get(root, "annotations");
    if (mime == NULL || mime->type != JT_STRING || pl == NULL || pl->type != JT_STRING ||
        (ann != NULL && ann->type != JT_OBJECT)) {
        snprintf(out->form_error, sizeof(out->form_error),
                 "sigstore-json: mimeType and payload must be strings, annotations an object");
        return 0;
    }
    if (ann != NULL) {
        sig = json_get(ann, SIG_COSIGN_ANNOT);
        if (sig != NULL && sig->type != JT_STRING)
            sig = NULL;
    }
    if (ward_b64_decode(pl->u.s, &payload, &plen, &e) < 0) {
        snprintf(out->form_error, sizeof(out->form_error), "sigstore-json payload: %s", e.msg);
        return 0;
    }
    return imgsig_from_cosign(source, mime->u.s, payload, plen, sig ? sig->u.s : NULL, out, err);
}

int imgsig_from_blob(const char *source, const uint8_t *blob, size_t len, img_sig *out,
                     ward_err *err)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->source, sizeof(out->source), "%s", source);
    if (len >= 15 && memcmp(blob, SIGSTORE_PREFIX, 15) == 0)
        return take_sigstore(source, blob + 15, len - 15, out, err);
    if (len >= 16 && memcmp(blob, SIMPLE_PREFIX, 16) == 0)
        return take_gpg(blob + 16, len - 16, out, err);
    if (len > 0 && blob[0] == 0) {
        snprintf(out->form_error, sizeof(out->form_error),
                 "unrecognised signature format (starts with 0x00 but no known prefix)");
        return 0;
    }
    return take_gpg(blob, len, out, err);
}

/* An object with exactly these members, each a string, copied into outs. */
static int exact_strings(const jnode *n, const char *what, const char *key, char *out,
                         size_t out_len, ward_err *err)
{
    const jnode *v;
    if (n == NULL || n->type != JT_OBJECT || n->len != 1 || (v = json_get(n, key)) == NULL ||
        v->type != JT_STRING)
        return ward_fail(err, "payload: %s must be an object holding only the string %s", what,
                         key);
    if (strlen(v->u.s) >= out_len)
        return ward_fail(err, "payload: %s.%s is too long", what, key);
    snprintf(out, out_len, "%s", v->u.s);
    return 0;
}

int sig_claims_parse(const uint8_t *payload, size_t len, const char *want_type, sig_claims *out,
                     ward_err *err)
{
    cleanup_json jnode *root = NULL;
    const jnode *crit, *opt, *type;
    if (json_parse((const char *)payload, len, &root, err) < 0)
        return ward_err_prefix(err, "payload");
    if (root->type != JT_OBJECT || root->len != 2 || (crit = json_get(root, "critical")) == NULL)
        return ward_fail(err, "payload: must hold exactly critical and optional");
    opt = NULL;
    for (size_t i = 0; i < root->len; i++)
        if (strcmp(root->u.members[i].key, "optional") == 0)
            opt = root->u.members[i].val;
        else if (strcmp(root->u.members[i].key, "critical") != 0)
            return ward_fail(err, "payload: must hold exactly critical and optional");
    if (opt == NULL)
        return ward_fail(err, "payload: must hold exactly critical and optional");
    if (opt->type != JT_NULL && opt->type != JT_OBJECT)
        return ward_fail(err, "payload: optional must be null or an object");
    if (opt->type == JT_OBJECT) {
        const jnode *c = json_get(opt, "creator"), *t = json_get(opt, "timestamp");
        if ((c && c->type != JT_STRING) || (t && t->type != JT_NUMBER))
            return ward_fail(err, "payload: optional.creator must be a string, "
                                  "optional.timestamp a number");
    }
    if (crit->type != JT_OBJECT || crit->len != 3 || (type = json_get(crit, "type")) == NULL ||
        type->type != JT_STRING || json_get(crit, "image") == NULL ||
        json_get(crit, "identity") == NULL)
        return ward_fail(err, "payload: critical must hold exactly type, image and identity");
    if (strcmp(type->u.s, want_type) != 0)
        return ward_fail(err, "payload: type \"%.64s\" is not \"%s\"", type->u.s, want_type);
    if (exact_strings(json_get(crit, "image"), "critical.image", "docker-manifest-digest",
                      out->digest, sizeof(out->digest), err) < 0 ||
        exact_strings(json_get(crit, "identity"), "critical.identity", "docker-reference",
                      out->identity, sizeof(out->identity), err) < 0)
        return -1;
    return 0;
}
