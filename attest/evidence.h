/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Evidence: a quote as a JSON document a verifier can check offline.
 *   {"version":1, "node_class":"vtpm", "weak":true, "tcti":"...", "nonce":"<hex>",
 *    "pcr_bank":"sha256", "pcrs":{"23":"<hex>"}, "attest":"<base64 TPMS_ATTEST>",
 *    "signature":"<base64 TPMT_SIGNATURE>", "ak_pem":"-----BEGIN PUBLIC KEY-----...",
 *    "ek_cert_pem":"..." (only when the TPM has one), "event_log":[<events since TPM reset>]}
 * Only attest is signed; everything else is checked against it by ward_evidence_verify.
 */
#ifndef WARD_ATTEST_EVIDENCE_H
#define WARD_ATTEST_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "attest/ek.h"
#include "attest/evlog.h"
#include "attest/quote.h"

#define WARD_EVIDENCE_MAX (16u << 20)

typedef struct ward_evidence {
    const ward_quote *quote;
    const uint8_t *nonce;
    size_t nonce_len;
    const char *ak_pem;
    const char *tcti;
    ward_node_class node_class;
    const char *ek_cert_pem; /* NULL when the TPM has no EK certificate */
    const ward_evlog *log;   /* the slice log->ev[log_from..n) goes into the evidence */
    size_t log_from;
} ward_evidence;

/* *json is malloc'ed, NUL-terminated, pretty-printed, ends with a newline. */
int ward_evidence_to_json(const ward_evidence *e, char **json, size_t *len, ward_err *err);

typedef struct ward_verified {
    ward_node_class claimed;    /* what the node said */
    ward_node_class node_class; /* what the verifier could prove (never more than claimed):
                                   tpm only with an EK certificate chaining to ca_dir and an
                                   AK given by the verifier */
    bool ak_from_evidence;      /* no key given: the AK in the evidence was trusted as is */
    ward_quote_info info;
    uint8_t pcrs[WARD_PCR_COUNT][32];
    size_t n_events;
} ward_verified;

/*
 * Check evidence text (NUL-terminated) against the verifier's nonce. ak: the attestation key
 * the verifier trusts, or NULL to use ak_pem from the evidence (then ak_from_evidence is set).
 * ca_dir (may be NULL): CA certificates an EK certificate must chain to for class "tpm".
 * A rejected evidence fails with errnum EBADMSG and a message naming the failed check; a nonce
 * out of range (empty, say) is refused first, errnum EINVAL, whatever the evidence holds.
 */
int ward_evidence_verify(const char *json, const uint8_t *nonce, size_t nonce_len, EVP_PKEY *ak,
                         const char *ca_dir, ward_verified *out, ward_err *err);

#endif
