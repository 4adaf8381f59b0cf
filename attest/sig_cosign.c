/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cosign key signatures with OpenSSL: the signature algorithm is not recorded, the key decides
 * (as in containers/image and cosign): ECDSA and RSA (PKCS#1 v1.5) over SHA-256, Ed25519 over the
 * payload itself.
 */
#include "attest/imgsig.h"
#include "attest/pubkey.h"

#include <openssl/evp.h>
#include <stdio.h>

static int load_key(const pol_req *req, EVP_PKEY **key, char *name, size_t name_len, ward_err *err)
{
    if (req->n_key_paths > 0) {
        snprintf(name, name_len, "%s", req->key_paths[0]);
        return ward_pubkey_load_pem_file(req->key_paths[0], key, err);
    }
    snprintf(name, name_len, "keyData");
    if (ward_pubkey_from_pem((const char *)req->key_data, req->key_data_len, key, err) < 0)
        return ward_err_prefix(err, "keyData");
    return 0;
}

int sig_cosign_verify(const pol_req *req, const img_sig *s, char *key_used, size_t key_len,
                      ward_err *err)
{
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *md = NULL;
    const EVP_MD *digest;
    int base, rc = -1;

    if (load_key(req, &key, key_used, key_len, err) < 0)
        return -1;
    base = EVP_PKEY_get_base_id(key);
    if (base == EVP_PKEY_EC || base == EVP_PKEY_RSA)
        digest = EVP_sha256();
    else if (base == EVP_PKEY_ED25519)
        digest = NULL; /* Ed25519 signs the message, not a digest */
    else {
        ward_fail(err, "%s: key type %s is not used for cosign signatures", key_used,
                  EVP_PKEY_get0_type_name(key));
        goto out;
    }
    md = EVP_MD_CTX_new();
    if (md == NULL || EVP_DigestVerifyInit(md, NULL, digest, NULL, key) != 1) {
        ward_fail(err, "%s: cannot set up verification", key_used);
        goto out;
    }
    if (EVP_DigestVerify(md, s->sig, s->sig_len, s->payload, s->payload_len) != 1) {
        ward_fail(err, "cryptographic signature does not verify with %s", key_used);
        goto out;
    }
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    return rc;
}
