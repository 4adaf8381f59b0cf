/* SPDX-License-Identifier: Apache-2.0 */
/* TPM public areas as OpenSSL keys, and PEM in and out (no TPM connection needed). */
#ifndef WARD_ATTEST_PUBKEY_H
#define WARD_ATTEST_PUBKEY_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <tss2/tss2_tpm2_types.h>

#include "spec/base/error.h"

/* ECC (P-256, P-384) and RSA public areas; anything else is an error. */
int ward_pubkey_from_tpm(const TPMT_PUBLIC *pub, EVP_PKEY **out, ward_err *err);

/* SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"); *pem is malloc'ed. */
int ward_pubkey_to_pem(EVP_PKEY *key, char **pem, ward_err *err);
/* A certificate as PEM ("-----BEGIN CERTIFICATE-----"); *pem is malloc'ed. */
int ward_cert_to_pem(X509 *cert, char **pem, ward_err *err);
int ward_pubkey_from_pem(const char *pem, size_t len, EVP_PKEY **out, ward_err *err);
int ward_pubkey_load_pem_file(const char *path, EVP_PKEY **out, ward_err *err);

#endif
