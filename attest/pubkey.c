/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/pubkey.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#define PEM_MAX (64 * 1024)

static int from_params(const char *type, OSSL_PARAM_BLD *bld, EVP_PKEY **out, ward_err *err)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    int ok = params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
             EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) == 1;
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(ctx);
    return ok ? 0 : ward_fail(err, "%s public key: OpenSSL rejected the key", type);
}

static int ecc_key(const TPMS_ECC_POINT *pt, TPMI_ECC_CURVE curve, EVP_PKEY **out, ward_err *err)
{
    const char *group;
    size_t clen;
    uint8_t point[1 + 2 * 66];
    OSSL_PARAM_BLD *bld;
    int r;

    if (curve == TPM2_ECC_NIST_P256) {
        group = "prime256v1";
        clen = 32;
    } else if (curve == TPM2_ECC_NIST_P384) {
        group = "secp384r1";
        clen = 48;
    } else {
        return ward_fail(err, "ECC public key: unsupported curve 0x%x", curve);
    }
    if (pt->x.size > clen || pt->y.size > clen || pt->x.size == 0 || pt->y.size == 0)
        return ward_fail(err, "ECC public key: bad point size");
    /* uncompressed point 04 || X || Y, coordinates left-padded */
    memset(point, 0, sizeof(point));
    point[0] = 0x04;
    memcpy(point + 1 + clen - pt->x.size, pt->x.buffer, pt->x.size);
    memcpy(point + 1 + 2 * clen - pt->y.size, pt->y.buffer, pt->y.size);
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * clen)) {
        OSSL_PARAM_BLD_free(bld);
        return ward_fail(err, "ECC public key: out of memory");
    }
    r = from_params("EC", bld, out, err);
    OSSL_PARAM_BLD_free(bld);
    return r;
}

static int rsa_key(const TPM2B_PUBLIC_KEY_RSA *n, uint32_t exponent, EVP_PKEY **out, ward_err *err)
{
    BIGNUM *bn_n = BN_bin2bn(n->buffer, n->size, NULL);
    BIGNUM *bn_e = BN_new();
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    int r = -1;

    if (bn_n && bn_e && bld && BN_set_word(bn_e, exponent ? exponent : 65537) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e))
        r = from_params("RSA", bld, out, err);
    else
        ward_fail(err, "RSA public key: out of memory");
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    return r;
}

int ward_pubkey_from_tpm(const TPMT_PUBLIC *pub, EVP_PKEY **out, ward_err *err)
{
    if (pub->type == TPM2_ALG_ECC)
        return ecc_key(&pub->unique.ecc, pub->parameters.eccDetail.curveID, out, err);
    if (pub->type == TPM2_ALG_RSA)
        return rsa_key(&pub->unique.rsa, pub->parameters.rsaDetail.exponent, out, err);
    return ward_fail(err, "public key: unsupported TPM key type 0x%x", pub->type);
}

/* The text a PEM_write_bio_* call (ok: it succeeded) left in a memory BIO, malloc'ed; frees bio. */
static int bio_text(BIO *bio, bool ok, const char *what, char **out, ward_err *err)
{
    char *data;
    long len;
    *out = NULL;
    if (bio == NULL || !ok) {
        BIO_free(bio);
        return ward_fail(err, "%s: cannot write PEM", what);
    }
    len = BIO_get_mem_data(bio, &data);
    *out = strndup(data, (size_t)len);
    BIO_free(bio);
    return *out ? 0 : ward_fail_errno(err, ENOMEM, "%s PEM", what);
}

int ward_pubkey_to_pem(EVP_PKEY *key, char **pem, ward_err *err)
{
    BIO *bio = BIO_new(BIO_s_mem());
    return bio_text(bio, bio && PEM_write_bio_PUBKEY(bio, key) == 1, "public key", pem, err);
}

int ward_cert_to_pem(X509 *cert, char **pem, ward_err *err)
{
    BIO *bio = BIO_new(BIO_s_mem());
    return bio_text(bio, bio && PEM_write_bio_X509(bio, cert) == 1, "EK certificate", pem, err);
}

int ward_pubkey_from_pem(const char *pem, size_t len, EVP_PKEY **out, ward_err *err)
{
    BIO *bio;
    if (len > PEM_MAX)
        return ward_fail(err, "public key PEM: larger than %d bytes", PEM_MAX);
    bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL)
        return ward_fail_errno(err, ENOMEM, "public key PEM");
    *out = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (*out == NULL)
        return ward_fail(err, "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");
    return 0;
}

int ward_pubkey_load_pem_file(const char *path, EVP_PKEY **out, ward_err *err)
{
    cleanup_free char *text = NULL;
    size_t len;
    if (spec_read_file(path, PEM_MAX, &text, &len, err) < 0)
        return -1;
    if (ward_pubkey_from_pem(text, len, out, err) < 0)
        return ward_err_prefix(err, "%s", path);
    return 0;
}
