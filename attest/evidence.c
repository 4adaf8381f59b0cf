/* SPDX-License-Identifier: Apache-2.0 */
/* Writing evidence JSON. */
#include "attest/evidence.h"
#include "attest/codec.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define GEN(call)                                                                                  \
    do {                                                                                           \
        if ((call) != yajl_gen_status_ok)                                                          \
            return ward_fail(err, "evidence: cannot serialise (%s)", #call);                       \
    } while (0)

static int kv(yajl_gen g, const char *k, const char *v, ward_err *err)
{
    GEN(yajl_gen_string(g, (const unsigned char *)k, strlen(k)));
    GEN(yajl_gen_string(g, (const unsigned char *)v, strlen(v)));
    return 0;
}

static int kv_bin(yajl_gen g, const char *k, const uint8_t *buf, size_t len, bool b64,
                  ward_err *err)
{
    cleanup_free char *s = NULL;
    if ((b64 ? ward_b64_encode(buf, len, &s, err) : ward_hex_encode(buf, len, &s, err)) < 0)
        return -1;
    return kv(g, k, s, err);
}

static int gen_pcrs(yajl_gen g, const ward_quote *q, ward_err *err)
{
    GEN(yajl_gen_string(g, (const unsigned char *)"pcrs", 4));
    GEN(yajl_gen_map_open(g));
    for (unsigned i = 0; i < WARD_PCR_COUNT; i++) {
        char name[4];
        if (!(q->pcr_mask & (1u << i)))
            continue;
        snprintf(name, sizeof(name), "%u", i);
        if (kv_bin(g, name, q->pcrs[i], 32, false, err) < 0)
            return -1;
    }
    GEN(yajl_gen_map_close(g));
    return 0;
}

static int gen_log(yajl_gen g, const ward_evidence *e, ward_err *err)
{
    GEN(yajl_gen_string(g, (const unsigned char *)"event_log", 9));
    GEN(yajl_gen_array_open(g));
    for (size_t i = e->log_from; e->log && i < e->log->n; i++)
        if (ward_event_gen(g, &e->log->ev[i], err) < 0)
            return -1;
    GEN(yajl_gen_array_close(g));
    return 0;
}

static int gen_evidence(yajl_gen g, const ward_evidence *e, ward_err *err)
{
    GEN(yajl_gen_map_open(g));
    GEN(yajl_gen_string(g, (const unsigned char *)"version", 7));
    GEN(yajl_gen_integer(g, 1));
    if (kv(g, "node_class", ward_node_class_name(e->node_class), err) < 0)
        return -1;
    GEN(yajl_gen_string(g, (const unsigned char *)"weak", 4));
    GEN(yajl_gen_bool(g, ward_node_class_weak(e->node_class)));
    if (kv(g, "tcti", e->tcti, err) < 0 ||
        kv_bin(g, "nonce", e->nonce, e->nonce_len, false, err) < 0 ||
        kv(g, "pcr_bank", "sha256", err) < 0 || gen_pcrs(g, e->quote, err) < 0 ||
        kv_bin(g, "attest", e->quote->attest, e->quote->attest_len, true, err) < 0 ||
        kv_bin(g, "signature", e->quote->sig, e->quote->sig_len, true, err) < 0 ||
        kv(g, "ak_pem", e->ak_pem, err) < 0)
        return -1;
    if (e->ek_cert_pem && kv(g, "ek_cert_pem", e->ek_cert_pem, err) < 0)
        return -1;
    if (gen_log(g, e, err) < 0)
        return -1;
    GEN(yajl_gen_map_close(g));
    return 0;
}

int ward_evidence_to_json(const ward_evidence *e, char **json, size_t *len, ward_err *err)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t n;
    int r = -1;

    if (g == NULL)
        return ward_fail_errno(err, ENOMEM, "evidence");
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    if (gen_evidence(g, e, err) == 0 && yajl_gen_get_buf(g, &buf, &n) == yajl_gen_status_ok) {
        /* yajl's beautifier already ends the document with a newline */
        *json = strndup((const char *)buf, n);
        *len = n;
        r = *json ? 0 : ward_fail_errno(err, ENOMEM, "evidence");
    }
    yajl_gen_free(g);
    return r;
}
