/* SPDX-License-Identifier: Apache-2.0 */
/* Writing evidence JSON. */
#include "attest/evidence.h"
#include "attest/codec.h"
#include "spec/base/cleanup.h"

#include <stdio.h>

static int kv_bin(jwriter *w, const char *k, const uint8_t *buf, size_t len, bool b64,
                  ward_err *err)
{
    cleanup_free char *s = NULL;
    if ((b64 ? ward_b64_encode(buf, len, &s, err) : ward_hex_encode(buf, len, &s, err)) < 0)
        return -1;
    jw_kstr(w, k, s);
    return 0;
}

static int emit_pcrs(jwriter *w, const ward_quote *q, ward_err *err)
{
    jw_key(w, "pcrs");
    jw_open(w);
    for (unsigned i = 0; i < WARD_PCR_COUNT; i++) {
        char name[4];
        if (!(q->pcr_mask & (1u << i)))
            continue;
        snprintf(name, sizeof(name), "%u", i);
        if (kv_bin(w, name, q->pcrs[i], 32, false, err) < 0)
            return -1;
    }
    jw_close(w);
    return 0;
}

static int emit_log(jwriter *w, const ward_evidence *e, ward_err *err)
{
    jw_key(w, "event_log");
    jw_open_array(w);
    for (size_t i = e->log_from; e->log && i < e->log->n; i++)
        if (ward_event_emit(w, &e->log->ev[i], err) < 0)
            return -1;
    jw_close_array(w);
    return 0;
}

static int emit_evidence(jwriter *w, const ward_evidence *e, ward_err *err)
{
    jw_open(w);
    jw_ku64(w, "version", 1);
    jw_kstr(w, "node_class", ward_node_class_name(e->node_class));
    jw_kbool(w, "weak", ward_node_class_weak(e->node_class));
    jw_kstr(w, "tcti", e->tcti);
    if (kv_bin(w, "nonce", e->nonce, e->nonce_len, false, err) < 0)
        return -1;
    jw_kstr(w, "pcr_bank", "sha256");
    if (emit_pcrs(w, e->quote, err) < 0 ||
        kv_bin(w, "attest", e->quote->attest, e->quote->attest_len, true, err) < 0 ||
        kv_bin(w, "signature", e->quote->sig, e->quote->sig_len, true, err) < 0)
        return -1;
    jw_kstr(w, "ak_pem", e->ak_pem);
    jw_kstr(w, "ek_cert_pem", e->ek_cert_pem); /* only when the TPM has one */
    if (emit_log(w, e, err) < 0)
        return -1;
    jw_close(w);
    return 0;
}

int ward_evidence_to_json(const ward_evidence *e, char **json, size_t *len, ward_err *err)
{
    cleanup_jwriter jwriter w = {0};
    /* pretty, four spaces: yajl's beautifier also ends the document with a newline */
    if (jw_init_indent(&w, "    ", err) < 0 || emit_evidence(&w, e, err) < 0 ||
        jw_finish(&w, json, len, err) < 0)
        return ward_err_prefix(err, "evidence");
    return 0;
}
