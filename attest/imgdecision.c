/* SPDX-License-Identifier: Apache-2.0 */
/* The decision record, for a person (text) and for programs (JSON through spec's writer). */
#include "attest/imgverify.h"
#include "spec/json.h"

static const char *scope_text(const img_decision *d)
{
    return d->default_scope ? "the policy's default"
           : d->scope[0]    ? d->scope
                            : "\"\" (the "
                              "transport's "
                              "default)";
}

void img_decision_print(FILE *f, const img_decision *d)
{
    fprintf(f, "%s: %s\n", d->image, d->accepted ? "ACCEPTED" : "REFUSED");
    fprintf(f, "  manifest  %s\n", d->manifest_digest);
    if (d->identity[0])
        fprintf(f, "  identity  %s\n", d->identity);
    fprintf(f, "  scope     %s %s\n", d->transport, scope_text(d));
    if (d->refusal[0])
        fprintf(f, "  refused   %s\n", d->refusal);
    for (size_t i = 0; i < d->n_reqs; i++) {
        const req_result *r = &d->reqs[i];
        fprintf(f, "  [%zu] %s: %s: %s\n", i, policy_req_name(r->type), r->ok ? "pass" : "FAIL",
                r->detail);
        for (size_t j = 0; j < r->n_tries; j++)
            fprintf(f, "      %s %s: %s\n", r->tries[j].ok ? "ok " : "no ", r->tries[j].source,
                    r->tries[j].detail);
    }
}

int img_decision_json(const img_decision *d, char **out, size_t *len, ward_err *err)
{
    jwriter w;
    if (jw_init(&w, true, err) < 0)
        return -1;
    jw_open(&w);
    jw_kstr(&w, "image", d->image);
    jw_kstr(&w, "decision", d->accepted ? "accepted" : "refused");
    jw_kstr(&w, "manifestDigest", d->manifest_digest);
    jw_kstr(&w, "identity", d->identity[0] ? d->identity : NULL);
    jw_kstr(&w, "transport", d->transport);
    jw_kstr(&w, "scope", d->default_scope ? NULL : d->scope);
    jw_kbool(&w, "defaultPolicy", d->default_scope);
    jw_kstr(&w, "refusal", d->refusal[0] ? d->refusal : NULL);
    jw_key(&w, "requirements");
    jw_open_array(&w);
    for (size_t i = 0; i < d->n_reqs; i++) {
        const req_result *r = &d->reqs[i];
        jw_open(&w);
        jw_kstr(&w, "type", policy_req_name(r->type));
        jw_kbool(&w, "passed", r->ok);
        jw_kstr(&w, "detail", r->detail);
        jw_key(&w, "signatures");
        jw_open_array(&w);
        for (size_t j = 0; j < r->n_tries; j++) {
            jw_open(&w);
            jw_kstr(&w, "source", r->tries[j].source);
            jw_kbool(&w, "accepted", r->tries[j].ok);
            jw_kstr(&w, r->tries[j].ok ? "verified" : "reason", r->tries[j].detail);
            jw_close(&w);
        }
        jw_close_array(&w);
        jw_close(&w);
    }
    jw_close_array(&w);
    jw_close(&w);
    return jw_finish(&w, out, len, err);
}
