/* SPDX-License-Identifier: Apache-2.0 */
/* Checking evidence JSON: the quote, then the event log against the quoted PCRs. */
#include "attest/codec.h"
#include "attest/evidence.h"
#include "attest/internal.h"
#include "attest/pubkey.h"
#include "spec/base/cleanup.h"
#include "spec/parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

static const char *const FIELDS[] = {"version",   "node_class", "weak",        "tcti",
                                     "nonce",     "pcr_bank",   "pcrs",        "attest",
                                     "signature", "ak_pem",     "ek_cert_pem", "event_log"};
#define N_FIELDS (sizeof(FIELDS) / sizeof(FIELDS[0]))
enum {
    F_VERSION,
    F_CLASS,
    F_WEAK,
    F_TCTI,
    F_NONCE,
    F_BANK,
    F_PCRS,
    F_ATTEST,
    F_SIG,
    F_AK,
    F_EK,
    F_LOG
};

static int fields_of(yajl_val root, yajl_val f[N_FIELDS], ward_err *err)
{
    if (attest_fields(root, FIELDS, N_FIELDS, f, err) < 0) {
        ward_err_prefix(err, "evidence");
        return attest_rejected(err);
    }
    if (!YAJL_IS_INTEGER(f[F_VERSION]) || YAJL_GET_INTEGER(f[F_VERSION]) != 1)
        return attest_reject(err, "evidence: version: must be 1");
    if (!YAJL_IS_STRING(f[F_ATTEST]) || !YAJL_IS_STRING(f[F_SIG]))
        return attest_reject(err, "evidence: attest and signature: must be base64 strings");
    if (!YAJL_IS_OBJECT(f[F_PCRS]))
        return attest_reject(err, "evidence: pcrs: must be an object of PCR number to hex value");
    if (!YAJL_IS_ARRAY(f[F_LOG]))
        return attest_reject(err, "evidence: event_log: must be an array");
    if (f[F_BANK] && !(YAJL_IS_STRING(f[F_BANK]) && strcmp(f[F_BANK]->u.string, "sha256") == 0))
        return attest_reject(err, "evidence: pcr_bank: only sha256 is supported");
    if (f[F_CLASS] && !YAJL_IS_STRING(f[F_CLASS]))
        return attest_reject(err, "evidence: node_class: must be a string");
    return 0;
}

static int decode_b64(yajl_val v, const char *name, uint8_t **out, size_t *len, ward_err *err)
{
    if (ward_b64_decode(YAJL_GET_STRING(v), out, len, err) < 0) {
        ward_err_prefix(err, "evidence: %s", name);
        return attest_rejected(err);
    }
    return 0;
}

static int pcrs_of(yajl_val obj, ward_quote *q, ward_err *err)
{
    q->pcr_mask = 0;
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const char *k = obj->u.object.keys[i], *v = YAJL_GET_STRING(obj->u.object.values[i]);
        uint32_t bit;
        if (ward_pcr_mask_parse(k, &bit, err) < 0 || (bit & (bit - 1)) != 0)
            return attest_reject(err, "evidence: pcrs: \"%s\" is not a PCR number", k);
        if (q->pcr_mask & bit)
            return attest_reject(err, "evidence: pcrs: PCR %s given twice", k);
        if (v == NULL || ward_hex_decode_exact(v, q->pcrs[__builtin_ctz(bit)], 32, err) < 0)
            return attest_reject(err, "evidence: pcrs.%s: must be 64 hex digits", k);
        q->pcr_mask |= bit;
    }
    if (q->pcr_mask == 0)
        return attest_reject(err, "evidence: pcrs: empty");
    return 0;
}

static int key_of(yajl_val pem, EVP_PKEY **key, ward_err *err)
{
    const char *s = YAJL_GET_STRING(pem);
    if (s == NULL)
        return attest_reject(err, "evidence: ak_pem: missing (give the attestation key with --ak)");
    if (ward_pubkey_from_pem(s, strlen(s), key, err) < 0) {
        ward_err_prefix(err, "evidence: ak_pem");
        return attest_rejected(err);
    }
    return 0;
}

static int events_of(yajl_val arr, ward_evlog *log, ward_err *err)
{
    size_t n = arr->u.array.len;
    log->n = 0;
    log->ev = calloc(n ? n : 1, sizeof(*log->ev));
    if (log->ev == NULL)
        return ward_fail_errno(err, ENOMEM, "evidence");
    for (size_t i = 0; i < n; i++) {
        if (ward_event_from_tree(arr->u.array.values[i], &log->ev[i], err) < 0) {
            ward_err_prefix(err, "evidence: event_log entry %zu", i + 1);
            return attest_rejected(err);
        }
        log->n++;
    }
    if (ward_evlog_check_order(log, "evidence: event_log entry", err) < 0)
        return attest_rejected(err);
    return 0;
}

static int replay(const ward_evlog *log, const ward_quote *q, const ward_quote_info *info,
                  ward_err *err)
{
    for (size_t i = 0; i < log->n; i++) {
        if (log->ev[i].reset_count != info->reset_count)
            return attest_reject(
                err,
                "evidence: event_log entry %zu: measured at TPM reset %u, the quote is "
                "from reset %u",
                i + 1, log->ev[i].reset_count, info->reset_count);
        if (!(q->pcr_mask & (1u << log->ev[i].pcr)))
            return attest_reject(err, "evidence: event_log entry %zu: PCR %u is not in the quote",
                                 i + 1, log->ev[i].pcr);
    }
    for (unsigned p = 0; p < WARD_PCR_COUNT; p++) {
        uint8_t value[32];
        size_t count;
        if (!(q->pcr_mask & (1u << p)))
            continue;
        if (ward_evlog_replay(log, 0, p, value, &count, err) < 0)
            return -1;
        if (memcmp(value, q->pcrs[p], 32) != 0)
            return attest_reject(err,
                                 "event log replay does not reproduce PCR %u (%zu events replayed: "
                                 "events missing or extra, or the PCR was extended outside ward)",
                                 p, count);
    }
    return 0;
}

static void classify(yajl_val cls, yajl_val ek_pem, const char *ca_dir, ward_verified *out)
{
    const char *s = YAJL_GET_STRING(cls);
    out->claimed = WARD_NODE_VTPM;
    if (s == NULL || ward_node_class_parse(s, &out->claimed) < 0 || out->claimed == WARD_NODE_NONE)
        out->claimed = WARD_NODE_VTPM; /* a valid quote came from some TPM */
    out->node_class = WARD_NODE_VTPM;
    /*
     * tpm needs an EK certificate that chains to the verifier's CA dir, and an AK the verifier
     * trusts already (--ak, e.g. from enrolment): the evidence alone does not bind its AK to
     * that EK (no credential activation here), so an AK taken from the evidence stays vtpm.
     */
    if (out->claimed == WARD_NODE_TPM && !out->ak_from_evidence && ca_dir &&
        YAJL_GET_STRING(ek_pem)) {
        const char *pem = YAJL_GET_STRING(ek_pem);
        BIO *bio = BIO_new_mem_buf(pem, (int)strlen(pem));
        X509 *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        bool chains = false;
        char why[256];
        ward_err ignored;
        if (cert &&
            ward_cert_chains_to_dir(cert, ca_dir, &chains, why, sizeof(why), &ignored) == 0 &&
            chains)
            out->node_class = WARD_NODE_TPM;
        X509_free(cert);
        BIO_free(bio);
    }
}

static int verify_tree(yajl_val root, const uint8_t *nonce, size_t nonce_len, EVP_PKEY *ak,
                       const char *ca_dir, ward_verified *out, ward_quote *q, ward_evlog *log,
                       ward_err *err)
{
    yajl_val f[N_FIELDS];
    EVP_PKEY *key = ak;
    int r;

    if (fields_of(root, f, err) < 0 ||
        decode_b64(f[F_ATTEST], "attest", &q->attest, &q->attest_len, err) < 0 ||
        decode_b64(f[F_SIG], "signature", &q->sig, &q->sig_len, err) < 0 ||
        pcrs_of(f[F_PCRS], q, err) < 0)
        return -1;
    if (key == NULL && key_of(f[F_AK], &key, err) < 0)
        return -1;
    out->ak_from_evidence = ak == NULL;
    r = ward_quote_check(q, key, nonce, nonce_len, &out->info, err);
    if (key != ak)
        EVP_PKEY_free(key);
    if (r < 0 || events_of(f[F_LOG], log, err) < 0 || replay(log, q, &out->info, err) < 0)
        return -1;
    memcpy(out->pcrs, q->pcrs, sizeof(out->pcrs));
    out->n_events = log->n;
    classify(f[F_CLASS], f[F_EK], ca_dir, out);
    return 0;
}

int ward_evidence_verify(const char *json, const uint8_t *nonce, size_t nonce_len, EVP_PKEY *ak,
                         const char *ca_dir, ward_verified *out, ward_err *err)
{
    char ebuf[256] = "";
    yajl_val root;
    ward_quote q;
    ward_evlog log = {0};
    int r;

    memset(out, 0, sizeof(*out));
    memset(&q, 0, sizeof(q));
    /* the verifier's own nonce, checked before the evidence: without one, any old quote passes */
    if (ward_nonce_check(nonce_len, err) < 0)
        return -1;
    if (strlen(json) > WARD_EVIDENCE_MAX)
        return attest_reject(err, "evidence: larger than %u bytes", WARD_EVIDENCE_MAX);
    if (spec_json_check(json, strlen(json), err) < 0) {
        err->errnum = EBADMSG; /* what attest_reject() gives every malformed evidence */
        return ward_err_prefix(err, "evidence");
    }
    root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
    if (root == NULL) {
        ebuf[strcspn(ebuf, "\n")] = '\0';
        return attest_reject(err, "evidence: not valid JSON: %s", ebuf);
    }
    r = verify_tree(root, nonce, nonce_len, ak, ca_dir, out, &q, &log, err);
    yajl_tree_free(root);
    ward_quote_free(&q);
    ward_evlog_free(&log);
    return r;
}
