/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TPM2_Quote over sha256 PCRs with a caller's nonce, and the checks on a quote that need no TPM:
 * TPMS_ATTEST structure, signature (OpenSSL), nonce, PCR digest against PCR values.
 */
#ifndef WARD_ATTEST_QUOTE_H
#define WARD_ATTEST_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "attest/ak.h"
#include "attest/tpm.h"

/* A caller's nonce: long enough that a quote cannot be made ahead of time, short enough to fit. */
#define WARD_NONCE_MIN 8
#define WARD_NONCE_MAX 64

/* "nonce: must be 8 to 64 bytes, got N" (errnum EINVAL) unless len is in range. */
int ward_nonce_check(size_t len, ward_err *err);

typedef struct ward_quote {
    uint8_t *attest; /* marshalled TPMS_ATTEST (what the signature covers) */
    size_t attest_len;
    uint8_t *sig; /* marshalled TPMT_SIGNATURE */
    size_t sig_len;
    uint32_t pcr_mask;
    uint8_t pcrs[WARD_PCR_COUNT][32]; /* sha256 values of the PCRs in pcr_mask */
} ward_quote;

/* Quote the PCRs in mask and read their values (consistent with the quoted digest). */
int ward_quote_make(ward_tpm *tpm, const ward_ak *ak, uint32_t mask, const uint8_t *nonce,
                    size_t nonce_len, ward_quote *q, ward_err *err);
void ward_quote_free(ward_quote *q);

/* What a checked quote says. */
typedef struct ward_quote_info {
    uint32_t pcr_mask;
    uint32_t reset_count;
    uint32_t restart_count;
    uint64_t clock;
    uint8_t safe;
    uint64_t firmware_version;
} ward_quote_info;

/*
 * Check q against key and nonce: structure (a TPM-generated quote, nothing trailing), signature
 * over the attest bytes (ECDSA or RSASSA with SHA-256), nonce == extraData, the selection is the
 * sha256 bank of q->pcr_mask, and SHA-256 of the PCR values == pcrDigest. Errors say which check
 * failed; errnum is EBADMSG for a rejected quote, EINVAL for a nonce out of range
 * (ward_nonce_check).
 */
int ward_quote_check(const ward_quote *q, EVP_PKEY *key, const uint8_t *nonce, size_t nonce_len,
                     ward_quote_info *info, ward_err *err);

/* "16,23" -> mask; "" or bad numbers are errors. */
int ward_pcr_mask_parse(const char *list, uint32_t *mask, ward_err *err);

#endif
