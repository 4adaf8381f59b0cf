/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/quote.h"
#include "attest/codec.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>

int ward_pcr_mask_parse(const char *list, uint32_t *mask, ward_err *err)
{
    const char *p = list;
    *mask = 0;
    if (*p == '\0')
        return ward_fail(err, "PCR list: empty");
    for (;;) {
        char *end;
        unsigned long n;
        if (*p < '0' || *p > '9')
            return ward_fail(err, "PCR list \"%s\": expected numbers 0-23 separated by commas",
                             list);
        errno = 0;
        n = strtoul(p, &end, 10);
        if (errno != 0 || n >= WARD_PCR_COUNT || end - p > 2)
            return ward_fail(err, "PCR list \"%s\": PCR numbers are 0-23", list);
        *mask |= 1u << n;
        if (*end == '\0')
            return 0;
        if (*end != ',')
            return ward_fail(err, "PCR list \"%s\": expected numbers 0-23 separated by commas",
                             list);
        p = end + 1;
    }
}

void ward_quote_free(ward_quote *q)
{
    free(q->attest);
    free(q->sig);
    memset(q, 0, sizeof(*q));
}

/* SHA-256 over the selected PCR values, ascending (the order TPM2_Quote hashes them). */
static int pcr_digest(const ward_quote *q, uint8_t out[32], ward_err *err)
{
    uint8_t buf[WARD_PCR_COUNT * 32];
    size_t n = 0;
    for (unsigned i = 0; i < WARD_PCR_COUNT; i++)
        if (q->pcr_mask & (1u << i))
            memcpy(buf + 32 * n++, q->pcrs[i], 32);
    return ward_sha256(buf, n * 32, out, err);
}

static int take_outputs(ward_quote *q, const TPM2B_ATTEST *quoted, const TPMT_SIGNATURE *sig,
                        ward_err *err)
{
    uint8_t sigbuf[sizeof(TPMT_SIGNATURE)];
    size_t off = 0;
    TSS2_RC rc = Tss2_MU_TPMT_SIGNATURE_Marshal(sig, sigbuf, sizeof(sigbuf), &off);
    if (rc != TSS2_RC_SUCCESS)
        return ward_tss_fail(err, rc, "quote: marshal signature");
    q->attest = malloc(quoted->size);
    q->sig = malloc(off);
    if (q->attest == NULL || q->sig == NULL)
        return ward_fail_errno(err, ENOMEM, "quote");
    memcpy(q->attest, quoted->attestationData, quoted->size);
    q->attest_len = quoted->size;
    memcpy(q->sig, sigbuf, off);
    q->sig_len = off;
    return 0;
}

/* The quoted pcrDigest, to check that the PCR values read afterwards are the quoted ones. */
static int quoted_digest(const ward_quote *q, TPM2B_DIGEST *d, ward_err *err)
{
    TPMS_ATTEST a;
    size_t off = 0;
    TSS2_RC rc = Tss2_MU_TPMS_ATTEST_Unmarshal(q->attest, q->attest_len, &off, &a);
    if (rc != TSS2_RC_SUCCESS)
        return ward_tss_fail(err, rc, "quote: unmarshal TPMS_ATTEST");
    *d = a.attested.quote.pcrDigest;
    return 0;
}

static int quote_once(ward_tpm *tpm, const ward_ak *ak, const TPM2B_DATA *qual,
                      const TPML_PCR_SELECTION *sel, ward_quote *q, ward_err *err)
{
    TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_NULL};
    TPM2B_ATTEST *quoted = NULL;
    TPMT_SIGNATURE *sig = NULL;
    TSS2_RC rc;
    int r;

    rc = Esys_Quote(ward_tpm_esys(tpm), ak->handle, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                    qual, &scheme, sel, &quoted, &sig);
    if (rc != TSS2_RC_SUCCESS)
        return ward_tss_fail(err, rc, "TPM2_Quote");
    r = take_outputs(q, quoted, sig, err);
    Esys_Free(quoted);
    Esys_Free(sig);
    if (r < 0)
        return -1;
    return ward_tpm_pcr_read(tpm, q->pcr_mask, q->pcrs, err);
}

int ward_nonce_check(size_t len, ward_err *err)
{
    if (len < WARD_NONCE_MIN || len > WARD_NONCE_MAX)
        return ward_fail_code(err, EINVAL, "nonce: must be %d to %d bytes, got %zu", WARD_NONCE_MIN,
                              WARD_NONCE_MAX, len);
    return 0;
}

int ward_quote_make(ward_tpm *tpm, const ward_ak *ak, uint32_t mask, const uint8_t *nonce,
                    size_t nonce_len, ward_quote *q, ward_err *err)
{
    TPML_PCR_SELECTION sel;
    TPM2B_DATA qual = {0};

    memset(q, 0, sizeof(*q));
    if (ward_nonce_check(nonce_len, err) < 0)
        return -1;
    if (mask == 0 || (mask & ~WARD_PCR_ALL_MASK))
        return ward_fail(err, "quote: PCR selection must name PCRs 0-23");
    qual.size = (UINT16)nonce_len;
    memcpy(qual.buffer, nonce, nonce_len);
    ward_pcr_selection(mask, &sel);
    /* a PCR extended between the quote and the read: quote again */
    for (int attempt = 0; attempt < 3; attempt++) {
        TPM2B_DIGEST want;
        uint8_t got[32];
        q->pcr_mask = mask;
        if (quote_once(tpm, ak, &qual, &sel, q, err) < 0 || quoted_digest(q, &want, err) < 0 ||
            pcr_digest(q, got, err) < 0) {
            ward_quote_free(q);
            return -1;
        }
        if (want.size == 32 && memcmp(want.buffer, got, 32) == 0)
            return 0;
        ward_quote_free(q);
    }
    return ward_fail(err, "quote: the PCRs kept changing while quoting");
}
