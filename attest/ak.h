/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attestation key: an ECC P-256 restricted signing key (ECDSA/SHA-256), a primary key of the
 * endorsement hierarchy made from a fixed template (so the same TPM always gives the same key), or
 * that key persisted at a handle (tpm.ak_handle) and reused from there.
 */
#ifndef WARD_ATTEST_AK_H
#define WARD_ATTEST_AK_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "attest/tpm.h"

typedef struct ward_ak {
    ESYS_TR handle;    /* loaded key (transient or persistent) */
    bool transient;    /* flushed by ward_ak_free */
    TPM2B_PUBLIC *pub; /* Esys-allocated */
} ward_ak;

/*
 * persistent_handle 0: create the primary (a transient object, flushed by ward_ak_free).
 * Otherwise use the key at that handle, creating and persisting it there first if the handle is
 * empty; an object there that is not a restricted ECDSA signing key is an error.
 */
int ward_ak_load(ward_tpm *tpm, uint32_t persistent_handle, ward_ak **out, ward_err *err);
void ward_ak_free(ward_tpm *tpm, ward_ak *ak);

/* The AK public key (EVP_PKEY_free it) and as PEM (free it). */
int ward_ak_pubkey(const ward_ak *ak, EVP_PKEY **out, ward_err *err);
int ward_ak_pem(const ward_ak *ak, char **pem, ward_err *err);

/* The AK template (exposed for tests). */
void ward_ak_template(TPM2B_PUBLIC *tmpl);

/* Is there an object at this persistent handle? */
int ward_tpm_handle_exists(ward_tpm *tpm, uint32_t handle, bool *exists, ward_err *err);

#endif
