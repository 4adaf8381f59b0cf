/* SPDX-License-Identifier: Apache-2.0 */
/* Checking a quote with OpenSSL 3: no TPM needed, every failure named. */
#include "attest/codec.h"
#include "attest/internal.h"
#include "attest/quote.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <tss2/tss2_mu.h>

static int parse_attest(const ward_quote *q, TPMS_ATTEST *a, ward_err *err)
{
    size_t off = 0;
    if (Tss2_MU_TPMS_ATTEST_Unmarshal(q->attest, q->attest_len, &off, a) != TSS2_RC_SUCCESS)
        return attest_reject(err, "attest: not a TPMS_ATTEST structure (truncated or malformed)");
    if (off != q->attest_len)
        return attest_reject(err, "attest: trailing bytes after the TPMS_ATTEST structure");
    if (a->magic != TPM2_GENERATED_VALUE)
        return attest_reject(err, "attest: magic is not TPM_GENERATED_VALUE (not made by a TPM)");
    if (a->type != TPM2_ST_ATTEST_QUOTE)
        return attest_reject(err, "attest: not a quote (wrong TPMS_ATTEST type)");
    return 0;
}

/* The signature as OpenSSL wants it: DER ECDSA-Sig-Value, or the raw RSA PKCS#1 v1.5 bytes. */
static int sig_bytes(const TPMT_SIGNATURE *s, EVP_PKEY *key, uint8_t **out, size_t *len,
                     ward_err *err)
{
    if (s->sigAlg == TPM2_ALG_ECDSA && s->signature.ecdsa.hash == TPM2_ALG_SHA256) {
        const TPMS_SIGNATURE_ECC *e = &s->signature.ecdsa;
        ECDSA_SIG *sig = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(e->signatureR.buffer, e->signatureR.size, NULL);
        BIGNUM *sv = BN_bin2bn(e->signatureS.buffer, e->signatureS.size, NULL);
        unsigned char *der = NULL;
        int n;
        if (!EVP_PKEY_is_a(key, "EC")) {
            ECDSA_SIG_free(sig), BN_free(r), BN_free(sv);
            return attest_reject(err,
                                 "signature: ECDSA signature but the attestation key is not ECC");
        }
        if (sig == NULL || r == NULL || sv == NULL || ECDSA_SIG_set0(sig, r, sv) != 1) {
            ECDSA_SIG_free(sig), BN_free(r), BN_free(sv);
            return ward_fail(err, "signature: out of memory");
        }
        n = i2d_ECDSA_SIG(sig, &der);
        ECDSA_SIG_free(sig);
        if (n <= 0)
            return attest_reject(err, "signature: bad ECDSA values");
        *out = der;
        *len = (size_t)n;
        return 0;
    }
    if (s->sigAlg == TPM2_ALG_RSASSA && s->signature.rsassa.hash == TPM2_ALG_SHA256) {
        if (!EVP_PKEY_is_a(key, "RSA"))
            return attest_reject(err,
                                 "signature: RSASSA signature but the attestation key is not RSA");
        *out = OPENSSL_memdup(s->signature.rsassa.sig.buffer, s->signature.rsassa.sig.size);
        *len = s->signature.rsassa.sig.size;
        return *out ? 0 : ward_fail(err, "signature: out of memory");
    }
    return attest_reject(err, "signature: unsupported scheme (ECDSA or RSASSA with SHA-256 only)");
}

static int check_signature(const ward_quote *q, EVP_PKEY *key, ward_err *err)
{
    TPMT_SIGNATURE s;
    size_t off = 0;
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    EVP_MD_CTX *md;
    int ok;

    if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(q->sig, q->sig_len, &off, &s) != TSS2_RC_SUCCESS ||
        off != q->sig_len)
        return attest_reject(err,
                             "signature: not a TPMT_SIGNATURE structure (truncated or malformed)");
    if (sig_bytes(&s, key, &raw, &raw_len, err) < 0)
        return -1;
    md = EVP_MD_CTX_new();
    ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
         EVP_DigestVerify(md, raw, raw_len, q->attest, q->attest_len) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(raw);
    if (!ok)
        return attest_reject(err,
                             "quote signature does not verify with the attestation key (attest "
                             "or signature altered, or signed by another key)");
    return 0;
}

static int check_selection(const TPML_PCR_SELECTION *sel, uint32_t mask, ward_err *err)
{
    TPML_PCR_SELECTION want;
    const TPMS_PCR_SELECTION *s = &sel->pcrSelections[0];
    ward_pcr_selection(mask, &want);
    if (sel->count != 1 || s->hash != TPM2_ALG_SHA256 || s->sizeofSelect < 3 ||
        memcmp(s->pcrSelect, want.pcrSelections[0].pcrSelect, 3) != 0)
        return attest_reject(err, "quoted PCR selection is not the sha256 PCRs reported with it");
    for (unsigned i = 3; i < s->sizeofSelect; i++)
        if (s->pcrSelect[i] != 0)
            return attest_reject(err,
                                 "quoted PCR selection is not the sha256 PCRs reported with it");
    return 0;
}

int ward_quote_check(const ward_quote *q, EVP_PKEY *key, const uint8_t *nonce, size_t nonce_len,
                     ward_quote_info *info, ward_err *err)
{
    TPMS_ATTEST a;
    uint8_t buf[WARD_PCR_COUNT * 32], digest[32];
    size_t n = 0;

    /* an empty nonce would accept a quote made without one, at any time: a replay */
    if (ward_nonce_check(nonce_len, err) < 0 || parse_attest(q, &a, err) < 0 ||
        check_signature(q, key, err) < 0)
        return -1;
    if (a.extraData.size != nonce_len || memcmp(a.extraData.buffer, nonce, nonce_len) != 0)
        return attest_reject(
            err, "quote nonce does not match (quote made for another nonce: replayed?)");
    if (check_selection(&a.attested.quote.pcrSelect, q->pcr_mask, err) < 0)
        return -1;
    for (unsigned i = 0; i < WARD_PCR_COUNT; i++)
        if (q->pcr_mask & (1u << i))
            memcpy(buf + 32 * n++, q->pcrs[i], 32);
    if (ward_sha256(buf, n * 32, digest, err) < 0)
        return -1;
    if (a.attested.quote.pcrDigest.size != 32 ||
        memcmp(a.attested.quote.pcrDigest.buffer, digest, 32) != 0)
        return attest_reject(err,
                             "PCR values do not match the quoted PCR digest (PCR values altered)");
    info->pcr_mask = q->pcr_mask;
    info->reset_count = a.clockInfo.resetCount;
    info->restart_count = a.clockInfo.restartCount;
    info->clock = a.clockInfo.clock;
    info->safe = a.clockInfo.safe;
    info->firmware_version = a.firmwareVersion;
    return 0;
}
