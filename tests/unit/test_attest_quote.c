/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward_quote_check against quotes made in software (OpenSSL signs a TPMS_ATTEST marshalled by
 * tpm2-tss), so that every check can be hit without a TPM: good quote, wrong nonce, PCR values,
 * selection, tampered attest and signature, wrong key type; and ward_evidence_verify's own refusal
 * of an empty nonce.
 */
#include "attest/codec.h"
#include "attest/evidence.h"
#include "attest/quote.h"
#include "tests/unit/tap.h"

#include <stdlib.h>
#include <string.h>

#include <errno.h>

#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/evp.h>
#include <tss2/tss2_mu.h>

static const uint8_t NONCE[32] = "0123456789abcdef0123456789abcdef";

static void make_attest(ward_quote *q, const uint8_t *nonce, size_t nonce_len)
{
    TPMS_ATTEST a;
    uint8_t buf[sizeof(TPMS_ATTEST)], vals[2 * 32];
    size_t off = 0;
    ward_err err;

    memset(&a, 0, sizeof(a));
    a.magic = TPM2_GENERATED_VALUE;
    a.type = TPM2_ST_ATTEST_QUOTE;
    a.extraData.size = (UINT16)nonce_len;
    memcpy(a.extraData.buffer, nonce, nonce_len);
    a.clockInfo.resetCount = 3;
    ward_pcr_selection(q->pcr_mask, &a.attested.quote.pcrSelect);
    memcpy(vals, q->pcrs[16], 32);
    memcpy(vals + 32, q->pcrs[23], 32);
    a.attested.quote.pcrDigest.size = 32;
    ward_sha256(vals, sizeof(vals), a.attested.quote.pcrDigest.buffer, &err);
    Tss2_MU_TPMS_ATTEST_Marshal(&a, buf, sizeof(buf), &off);
    q->attest = malloc(off);
    memcpy(q->attest, buf, off);
    q->attest_len = off;
}

static void sign(ward_quote *q, EVP_PKEY *key)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t der[128], out[sizeof(TPMT_SIGNATURE)];
    const unsigned char *p = der;
    size_t der_len = sizeof(der), off = 0;
    TPMT_SIGNATURE s = {.sigAlg = TPM2_ALG_ECDSA};
    ECDSA_SIG *sig;

    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key);
    EVP_DigestSign(md, der, &der_len, q->attest, q->attest_len);
    EVP_MD_CTX_free(md);
    sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    s.signature.ecdsa.hash = TPM2_ALG_SHA256;
    s.signature.ecdsa.signatureR.size = 32;
    s.signature.ecdsa.signatureS.size = 32;
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), s.signature.ecdsa.signatureR.buffer, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), s.signature.ecdsa.signatureS.buffer, 32);
    ECDSA_SIG_free(sig);
    Tss2_MU_TPMT_SIGNATURE_Marshal(&s, out, sizeof(out), &off);
    q->sig = malloc(off);
    memcpy(q->sig, out, off);
    q->sig_len = off;
}

static void make_quote(ward_quote *q, EVP_PKEY *key)
{
    memset(q, 0, sizeof(*q));
    q->pcr_mask = (1u << 16) | (1u << 23);
    memset(q->pcrs[16], 0x16, 32);
    memset(q->pcrs[23], 0x23, 32);
    make_attest(q, NONCE, sizeof(NONCE));
    sign(q, key);
}

static int check(ward_quote *q, EVP_PKEY *key, const char *want, const char *name)
{
    ward_quote_info info;
    ward_err err = {0};
    int r = ward_quote_check(q, key, NONCE, sizeof(NONCE), &info, &err);
    if (want == NULL)
        return tap_ok(r == 0 && info.reset_count == 3, "%s %s", name, err.msg);
    return tap_ok(r < 0 && err.errnum == EBADMSG && strstr(err.msg, want) != NULL, "%s: %s", name,
                  err.msg);
}

/* Evidence around a quote made for nonce (PCRs 16 and 23 zero: what an empty event log replays). */
static char *evidence_for(EVP_PKEY *key, const uint8_t *nonce, size_t nonce_len)
{
    ward_quote q;
    ward_evidence e = {.quote = &q,
                       .nonce = nonce,
                       .nonce_len = nonce_len,
                       .ak_pem = "",
                       .tcti = "swtpm:host=127.0.0.1,port=2321",
                       .node_class = WARD_NODE_VTPM};
    ward_err err = {0};
    char *json = NULL;
    size_t len;

    memset(&q, 0, sizeof(q));
    q.pcr_mask = (1u << 16) | (1u << 23);
    make_attest(&q, nonce, nonce_len);
    sign(&q, key);
    if (ward_evidence_to_json(&e, &json, &len, &err) < 0)
        printf("# evidence: %s\n", err.msg);
    ward_quote_free(&q);
    return json;
}

/*
 * A quote made without a nonce (tpm2_quote without -q, or one replayed from anywhere) must not
 * verify because the verifier passed no nonce: the library refuses it, whatever its caller checks.
 */
static void evidence_needs_a_nonce(EVP_PKEY *key)
{
    char *with = evidence_for(key, NONCE, sizeof(NONCE));
    char *without = evidence_for(key, NONCE, 0);
    ward_verified v;
    ward_err err = {0};
    int r;

    r = with ? ward_evidence_verify(with, NONCE, sizeof(NONCE), key, NULL, &v, &err) : -1;
    tap_ok(r == 0, "control: evidence for a 32-byte nonce verifies with it %s", err.msg);
    r = without ? ward_evidence_verify(without, NONCE, 0, key, NULL, &v, &err) : 0;
    tap_ok(r < 0 && err.errnum == EINVAL &&
               strcmp(err.msg, "nonce: must be 8 to 64 bytes, got 0") == 0,
           "evidence quoted without a nonce is refused for an empty nonce: %s", err.msg);
    r = without ? ward_evidence_verify(without, NULL, 0, key, NULL, &v, &err) : 0;
    tap_ok(r < 0 && err.errnum == EINVAL, "and for no nonce at all: %s", err.msg);
    r = with ? ward_evidence_verify(with, NONCE, 7, key, NULL, &v, &err) : 0;
    tap_ok(r < 0 && err.errnum == EINVAL && strstr(err.msg, "got 7") != NULL,
           "a nonce shorter than 8 bytes is refused: %s", err.msg);
    free(with);
    free(without);
}

int main(void)
{
    EVP_PKEY *key = EVP_EC_gen("P-256"), *other = EVP_EC_gen("P-256");
    EVP_PKEY *rsa = EVP_RSA_gen(2048);
    ward_quote q;

    make_quote(&q, key);
    check(&q, key, NULL, "good quote verifies");
    check(&q, other, "signature does not verify", "another key");
    check(&q, rsa, "attestation key is not ECC", "RSA key for an ECDSA signature");

    q.pcrs[23][5] ^= 1;
    check(&q, key, "PCR values do not match the quoted PCR digest", "changed PCR value");
    q.pcrs[23][5] ^= 1;

    q.pcr_mask = 1u << 23;
    check(&q, key, "quoted PCR selection is not the sha256 PCRs", "fewer PCRs reported");
    q.pcr_mask = (1u << 16) | (1u << 23);

    q.attest[q.attest_len - 1] ^= 1;
    check(&q, key, "signature does not verify", "tampered pcrDigest byte");
    q.attest[q.attest_len - 1] ^= 1;
    q.attest[0] ^= 0xff;
    check(&q, key, "magic is not TPM_GENERATED_VALUE", "tampered magic");
    q.attest[0] ^= 0xff;
    q.attest_len--;
    check(&q, key, "not a TPMS_ATTEST structure", "truncated attest");
    q.attest_len++;

    q.sig[q.sig_len - 1] ^= 1;
    check(&q, key, "signature does not verify", "tampered signature");
    q.sig[q.sig_len - 1] ^= 1;
    q.sig[1] = 0x14; /* RSASSA */
    check(&q, key, "not a TPMT_SIGNATURE structure", "signature algorithm changed");
    q.sig[1] = 0x18;
    check(&q, key, NULL, "restored quote verifies again");
    ward_quote_free(&q);

    /* signed properly but for another nonce */
    memset(&q, 0, sizeof(q));
    q.pcr_mask = (1u << 16) | (1u << 23);
    make_attest(&q, (const uint8_t *)"another nonce, 32 bytes long....", 32);
    sign(&q, key);
    check(&q, key, "quote nonce does not match", "other nonce");
    ward_quote_free(&q);

    evidence_needs_a_nonce(key);

    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
    EVP_PKEY_free(rsa);
    return tap_done();
}
