/* SPDX-License-Identifier: Apache-2.0 */
/* libsecp256k1: public keys, recoverable signatures, recovery; encodings of the public key. */
#include "attest/codec.h"
#include "attest/internal.h"
#include "attest/pubkey.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/x509.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

/* A signing context, blinded with fresh randomness (side-channel hardening); destroyed by caller.
 */
static secp256k1_context *sign_ctx(ward_err *err)
{
    uint8_t seed[32];
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (ctx == NULL) {
        ward_fail(err, "secp256k1: cannot create a context");
        return NULL;
    }
    if (getrandom(seed, sizeof(seed), 0) != sizeof(seed) ||
        !secp256k1_context_randomize(ctx, seed)) {
        secp256k1_context_destroy(ctx);
        ward_fail_errno(err, errno ? errno : EIO, "secp256k1: randomise context");
        return NULL;
    }
    explicit_bzero(seed, sizeof(seed));
    return ctx;
}

static int pub_fill(const secp256k1_pubkey *pk, ward_node_pub *pub, ward_err *err)
{
    size_t n = sizeof(pub->compressed);
    const secp256k1_context *c = secp256k1_context_static;
    if (!secp256k1_ec_pubkey_serialize(c, pub->compressed, &n, pk, SECP256K1_EC_COMPRESSED))
        return ward_fail(err, "secp256k1: cannot serialise the public key");
    n = sizeof(pub->uncompressed);
    if (!secp256k1_ec_pubkey_serialize(c, pub->uncompressed, &n, pk, SECP256K1_EC_UNCOMPRESSED))
        return ward_fail(err, "secp256k1: cannot serialise the public key");
    {
        uint8_t h[32];
        ward_keccak256(pub->uncompressed + 1, 64, h);
        memcpy(pub->address, h + 12, 20);
    }
    return ward_sha256(pub->uncompressed, sizeof(pub->uncompressed), pub->fingerprint, err);
}

int ward_secp_public(const uint8_t key[32], ward_node_pub *pub, ward_err *err)
{
    secp256k1_context *ctx = sign_ctx(err);
    secp256k1_pubkey pk;
    int ok;
    if (ctx == NULL)
        return -1;
    ok = secp256k1_ec_pubkey_create(ctx, &pk, key);
    secp256k1_context_destroy(ctx);
    if (!ok)
        return ward_fail(err, "node key: not a valid secp256k1 private key");
    return pub_fill(&pk, pub, err);
}

int ward_secp_sign(const uint8_t key[32], const uint8_t digest[32], ward_sig *sig, ward_err *err)
{
    secp256k1_context *ctx = sign_ctx(err);
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_ecdsa_signature plain;
    int recid = 0, ok;

    if (ctx == NULL)
        return -1;
    /* RFC 6979 deterministic nonce; libsecp256k1 always produces a low-S signature */
    ok = secp256k1_ecdsa_sign_recoverable(ctx, &rs, digest, key, NULL, NULL);
    secp256k1_context_destroy(ctx);
    if (!ok)
        return ward_fail(err, "secp256k1: signing failed");
    secp256k1_ecdsa_recoverable_signature_serialize_compact(secp256k1_context_static, sig->rsv,
                                                            &recid, &rs);
    sig->rsv[64] = (uint8_t)(27 + recid);
    secp256k1_ecdsa_recoverable_signature_convert(secp256k1_context_static, &plain, &rs);
    sig->der_len = sizeof(sig->der);
    if (!secp256k1_ecdsa_signature_serialize_der(secp256k1_context_static, sig->der, &sig->der_len,
                                                 &plain))
        return ward_fail(err, "secp256k1: cannot encode the signature as DER");
    return 0;
}

static int rejected(ward_err *err, const char *msg)
{
    ward_fail(err, "%s", msg);
    err->errnum = EBADMSG;
    return -1;
}

int ward_sig_recover(const uint8_t rsv[WARD_SIG_LEN], const uint8_t digest[32], ward_node_pub *pub,
                     ward_err *err)
{
    const secp256k1_context *c = secp256k1_context_static;
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_ecdsa_signature plain, normal;
    secp256k1_pubkey pk;

    if (rsv[64] != 27 && rsv[64] != 28)
        return rejected(err, "v must be 27 or 28");
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(c, &rs, rsv, rsv[64] - 27))
        return rejected(err, "r or s is not a valid scalar");
    secp256k1_ecdsa_recoverable_signature_convert(c, &plain, &rs);
    if (secp256k1_ecdsa_signature_normalize(c, &normal, &plain))
        return rejected(err, "s is not low (a malleated signature)");
    if (!secp256k1_ecdsa_recover(c, &pk, &rs, digest))
        return rejected(err, "no public key recovers from it");
    if (!secp256k1_ecdsa_verify(c, &plain, digest, &pk))
        return rejected(err, "does not verify with the recovered key");
    return pub_fill(&pk, pub, err);
}

bool ward_sig_der_matches(const uint8_t rsv[WARD_SIG_LEN], const uint8_t *der, size_t der_len)
{
    const secp256k1_context *c = secp256k1_context_static;
    secp256k1_ecdsa_signature s;
    uint8_t compact[64], redone[WARD_DER_MAX];
    size_t n = sizeof(redone);

    if (!secp256k1_ecdsa_signature_parse_der(c, &s, der, der_len) ||
        !secp256k1_ecdsa_signature_serialize_compact(c, compact, &s) ||
        !secp256k1_ecdsa_signature_serialize_der(c, redone, &n, &s))
        return false;
    /* strict: the bytes must be the canonical DER encoding, not a lax one that parses */
    return n == der_len && memcmp(redone, der, n) == 0 && memcmp(compact, rsv, 64) == 0;
}

bool ward_sig_der_verifies(const uint8_t *der, size_t der_len, const uint8_t digest[32],
                           const ward_node_pub *pub)
{
    const secp256k1_context *c = secp256k1_context_static;
    secp256k1_ecdsa_signature s;
    secp256k1_pubkey pk;
    return secp256k1_ecdsa_signature_parse_der(c, &s, der, der_len) &&
           secp256k1_ec_pubkey_parse(c, &pk, pub->uncompressed, 65) &&
           secp256k1_ecdsa_verify(c, &s, digest, &pk);
}

int ward_node_pub_from_hex(const char *hex, ward_node_pub *pub, ward_err *err)
{
    cleanup_free uint8_t *buf = NULL;
    secp256k1_pubkey pk;
    size_t len;
    if (ward_hex_decode(hex, &buf, &len, err) < 0)
        return ward_err_prefix(err, "public key");
    if (len != 33 && len != 65)
        return ward_fail(err, "public key: %zu bytes, must be 33 (compressed) or 65", len);
    if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, buf, len))
        return ward_fail(err, "public key: not a point on secp256k1");
    return pub_fill(&pk, pub, err);
}

int ward_address_parse(const char *s, uint8_t out[20], ward_err *err)
{
    if (strncmp(s, "0x", 2) != 0 && strncmp(s, "0X", 2) != 0)
        return ward_fail(err, "address: must start with 0x");
    if (strlen(s + 2) != 40 || ward_hex_decode_exact(s + 2, out, 20, err) < 0)
        return ward_fail(err, "address: must be 0x and 40 hex digits");
    return 0;
}

void ward_address_format(const uint8_t addr[20], char out[43])
{
    static const char digits[] = "0123456789abcdef";
    char lower[41];
    uint8_t h[32];
    for (int i = 0; i < 20; i++) {
        lower[2 * i] = digits[addr[i] >> 4];
        lower[2 * i + 1] = digits[addr[i] & 15];
    }
    lower[40] = '\0';
    /* EIP-55: a letter is upper case when its nibble of Keccak-256(lower-case hex) is >= 8 */
    ward_keccak256((const uint8_t *)lower, 40, h);
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 40; i++) {
        int nib = (i % 2 == 0) ? h[i / 2] >> 4 : h[i / 2] & 15;
        char ch = lower[i];
        out[2 + i] = (ch >= 'a' && nib >= 8) ? (char)(ch - 'a' + 'A') : ch;
    }
    out[42] = '\0';
}

int ward_node_pub_pem(const ward_node_pub *pub, char **pem, ward_err *err)
{
    /* SEQUENCE { SEQUENCE { id-ecPublicKey, secp256k1 }, BIT STRING { 0x04 || X || Y } } */
    static const uint8_t prefix[] = {0x30, 0x56, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86,
                                     0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
                                     0x81, 0x04, 0x00, 0x0a, 0x03, 0x42, 0x00};
    uint8_t der[sizeof(prefix) + 65];
    const uint8_t *p = der;
    EVP_PKEY *key;
    int r;

    memcpy(der, prefix, sizeof(prefix));
    memcpy(der + sizeof(prefix), pub->uncompressed, 65);
    key = d2i_PUBKEY(NULL, &p, sizeof(der));
    if (key == NULL)
        return ward_fail(err, "public key: OpenSSL cannot read the secp256k1 key");
    r = ward_pubkey_to_pem(key, pem, err);
    EVP_PKEY_free(key);
    return r;
}
