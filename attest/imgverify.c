/* SPDX-License-Identifier: Apache-2.0 */
/* Evaluating the policy's requirements against an image's signatures (policy_eval_*.go). */
#include "attest/imgverify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void img_decision_free(img_decision *d)
{
    for (size_t i = 0; i < d->n_reqs; i++)
        free(d->reqs[i].tries);
    free(d->reqs);
    d->reqs = NULL;
    d->n_reqs = 0;
}

/* Claims of a verified payload against the image: manifest digest, then identity. */
static bool check_claims(const pol_req *req, const img_source *src, const img_ref *identity,
                         const uint8_t *payload, size_t len, const char *type, char *why,
                         size_t why_len)
{
    sig_claims c;
    ward_err e;
    if (sig_claims_parse(payload, len, type, &c, &e) < 0) {
        snprintf(why, why_len, "%s", e.msg);
        return false;
    }
    if (strcmp(c.digest, src->manifest_digest) != 0) {
        snprintf(why, why_len, "signature is for manifest %.80s, the image's manifest is %s",
                 c.digest, src->manifest_digest);
        return false;
    }
    return policy_identity_matches(&req->identity, identity, c.identity, why, why_len);
}

static bool try_sigstore(const pol_req *req, const img_source *src, const img_ref *identity,
                         const img_sig *s, char *detail, size_t len)
{
    char key[512];
    ward_err e;
    if (s->format != SIG_SIGSTORE) {
        snprintf(detail, len, "%s",
                 s->format == SIG_GPG ? "a GPG signature (sigstoreSigned needs "
                                        "a cosign one)"
                                      : s->form_error);
        return false;
    }
    if (strcmp(s->mime, SIG_COSIGN_MIME) != 0) {
        snprintf(detail, len, "payload media type \"%.100s\" is not %s", s->mime, SIG_COSIGN_MIME);
        return false;
    }
    if (sig_cosign_verify(req, s, key, sizeof(key), &e) < 0) {
        snprintf(detail, len, "%s", e.msg);
        return false;
    }
    if (!check_claims(req, src, identity, s->payload, s->payload_len, SIG_COSIGN_TYPE, detail, len))
        return false;
    snprintf(detail, len, "verified with %s", key);
    return true;
}

static bool try_gpg(const pol_req *req, const img_source *src, const img_ref *identity,
                    const img_sig *s, char *detail, size_t len)
{
    uint8_t *payload = NULL;
    size_t plen = 0;
    char fpr[64];
    ward_err e;
    bool ok;
    if (s->format != SIG_GPG) {
        snprintf(detail, len, "%s",
                 s->format == SIG_SIGSTORE ? "a cosign signature (signedBy needs a GPG one)"
                                           : s->form_error);
        return false;
    }
    if (strcmp(req->key_type, "GPGKeys") != 0) {
        snprintf(detail, len, "keyType %s is not implemented", req->key_type);
        return false;
    }
    if (sig_gpg_verify(req, s, &payload, &plen, fpr, sizeof(fpr), &e) < 0) {
        snprintf(detail, len, "%s", e.msg);
        return false;
    }
    ok = check_claims(req, src, identity, payload, plen, SIG_GPG_TYPE, detail, len);
    free(payload);
    if (ok)
        snprintf(detail, len, "verified, signed by key %s", fpr);
    return ok;
}

static int eval_req(const pol_req *req, const img_source *src, const img_ref *identity,
                    req_result *r, ward_err *err)
{
    r->type = req->type;
    switch (req->type) {
    case PR_INSECURE_ACCEPT_ANYTHING:
        r->ok = true;
        snprintf(r->detail, sizeof(r->detail), "accepts anything");
        return 0;
    case PR_REJECT:
        snprintf(r->detail, sizeof(r->detail), "the policy rejects this image");
        return 0;
    case PR_SIGNED_BASE_LAYER:
        snprintf(r->detail, sizeof(r->detail), "signedBaseLayer is not implemented");
        return 0;
    case PR_SIGNED_BY:
    case PR_SIGSTORE_SIGNED:
        break;
    }
    if (src->n_sigs == 0) {
        snprintf(r->detail, sizeof(r->detail), "the image has no signatures");
        return 0;
    }
    r->tries = calloc(src->n_sigs, sizeof(*r->tries));
    if (r->tries == NULL)
        return ward_fail_errno(err, ENOMEM, "decision");
    for (size_t i = 0; i < src->n_sigs; i++) {
        sig_try *t = &r->tries[r->n_tries++];
        snprintf(t->source, sizeof(t->source), "%s", src->sigs[i].source);
        t->ok = req->type == PR_SIGNED_BY
                    ? try_gpg(req, src, identity, &src->sigs[i], t->detail, sizeof(t->detail))
                    : try_sigstore(req, src, identity, &src->sigs[i], t->detail, sizeof(t->detail));
        if (t->ok && !r->ok) {
            r->ok = true;
            snprintf(r->detail, sizeof(r->detail), "%s", t->detail);
        }
    }
    if (!r->ok)
        snprintf(r->detail, sizeof(r->detail), "no signature is accepted (%zu tried)", r->n_tries);
    return 0;
}

int img_verify(const img_policy *pol, const img_source *src, const img_ref *identity,
               img_decision *out, ward_err *err)
{
    const pol_reqs *reqs;
    const char *scope;

    memset(out, 0, sizeof(*out));
    snprintf(out->image, sizeof(out->image), "%s:%s%s%s", src->transport, src->path,
             src->tag[0] ? ":" : "", src->tag);
    snprintf(out->manifest_digest, sizeof(out->manifest_digest), "%s", src->manifest_digest);
    snprintf(out->transport, sizeof(out->transport), "%s", identity ? "docker" : src->transport);
    if (identity)
        img_ref_string(identity, out->identity);
    reqs = policy_select(pol, out->transport, identity, identity ? NULL : src->path, &scope);
    out->default_scope = scope == NULL;
    snprintf(out->scope, sizeof(out->scope), "%s", scope ? scope : "");
    if (identity && identity->digest[0] && strcmp(identity->digest, src->manifest_digest) != 0) {
        snprintf(out->refusal, sizeof(out->refusal),
                 "the identity names manifest %s, the image's manifest is %s", identity->digest,
                 src->manifest_digest);
        return 0;
    }
    if (src->schema_version == 1) {
        snprintf(out->refusal, sizeof(out->refusal),
                 "schema 1 manifests are not supported (their digest is not over the bytes)");
        return 0;
    }
    out->reqs = calloc(reqs->n, sizeof(*out->reqs));
    if (out->reqs == NULL)
        return ward_fail_errno(err, ENOMEM, "decision");
    out->accepted = true;
    for (size_t i = 0; i < reqs->n; i++) {
        if (eval_req(&reqs->items[i], src, identity, &out->reqs[out->n_reqs++], err) < 0) {
            out->accepted = false;
            return -1;
        }
        if (!out->reqs[i].ok)
            out->accepted = false;
    }
    return 0;
}
