/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/ak.h"
#include "attest/pubkey.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define AK_ATTRS                                                                                   \
    (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN |            \
     TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT)

void ward_ak_template(TPM2B_PUBLIC *tmpl)
{
    memset(tmpl, 0, sizeof(*tmpl));
    tmpl->publicArea.type = TPM2_ALG_ECC;
    tmpl->publicArea.nameAlg = TPM2_ALG_SHA256;
    tmpl->publicArea.objectAttributes = AK_ATTRS;
    tmpl->publicArea.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
    tmpl->publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
    tmpl->publicArea.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
    tmpl->publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
    tmpl->publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
}

int ward_tpm_handle_exists(ward_tpm *tpm, uint32_t handle, bool *exists, ward_err *err)
{
    TPMS_CAPABILITY_DATA *cap = NULL;
    TSS2_RC rc = Esys_GetCapability(ward_tpm_esys(tpm), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                    TPM2_CAP_HANDLES, handle, 1, NULL, &cap);
    if (rc != TSS2_RC_SUCCESS)
        return ward_tss_fail(err, rc, "TPM2_GetCapability(handles)");
    *exists = cap->data.handles.count == 1 && cap->data.handles.handle[0] == handle;
    Esys_Free(cap);
    return 0;
}

static int create_primary(ward_tpm *tpm, ESYS_TR *handle, TPM2B_PUBLIC **pub, ward_err *err)
{
    TPM2B_SENSITIVE_CREATE sensitive = {0};
    TPM2B_PUBLIC tmpl;
    TPM2B_DATA outside = {0};
    TPML_PCR_SELECTION creation_pcr = {0};
    TSS2_RC rc;

    ward_ak_template(&tmpl);
    rc = Esys_CreatePrimary(ward_tpm_esys(tpm), ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD,
                            ESYS_TR_NONE, ESYS_TR_NONE, &sensitive, &tmpl, &outside, &creation_pcr,
                            handle, pub, NULL, NULL, NULL);
    if (rc != TSS2_RC_SUCCESS)
        return ward_tss_fail(err, rc, "attestation key: TPM2_CreatePrimary");
    return 0;
}

static bool is_ak(const TPMT_PUBLIC *p)
{
    return p->type == TPM2_ALG_ECC && (p->objectAttributes & AK_ATTRS) == AK_ATTRS &&
           !(p->objectAttributes & TPMA_OBJECT_DECRYPT) &&
           p->parameters.eccDetail.scheme.scheme == TPM2_ALG_ECDSA &&
           p->parameters.eccDetail.scheme.details.ecdsa.hashAlg == TPM2_ALG_SHA256 &&
           p->parameters.eccDetail.curveID == TPM2_ECC_NIST_P256;
}

static int load_persistent(ward_tpm *tpm, uint32_t h, ward_ak *ak, ward_err *err)
{
    ESYS_CONTEXT *esys = ward_tpm_esys(tpm);
    TSS2_RC rc =
        Esys_TR_FromTPMPublic(esys, h, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &ak->handle);
    if (rc != TSS2_RC_SUCCESS)
        return ward_tss_fail(err, rc, "attestation key: Esys_TR_FromTPMPublic");
    rc = Esys_ReadPublic(esys, ak->handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &ak->pub, NULL,
                         NULL);
    if (rc != TSS2_RC_SUCCESS)
        return ward_tss_fail(err, rc, "attestation key: TPM2_ReadPublic");
    if (!is_ak(&ak->pub->publicArea))
        return ward_fail(err,
                         "attestation key at 0x%08x: not a restricted ECC P-256 ECDSA "
                         "signing key",
                         h);
    return 0;
}

static int persist(ward_tpm *tpm, uint32_t h, ward_ak *ak, ward_err *err)
{
    ESYS_TR transient = ESYS_TR_NONE, persistent = ESYS_TR_NONE;
    TSS2_RC rc;

    if (create_primary(tpm, &transient, &ak->pub, err) < 0)
        return -1;
    rc = Esys_EvictControl(ward_tpm_esys(tpm), ESYS_TR_RH_OWNER, transient, ESYS_TR_PASSWORD,
                           ESYS_TR_NONE, ESYS_TR_NONE, h, &persistent);
    ward_tpm_flush(tpm, &transient);
    if (rc != TSS2_RC_SUCCESS)
        return ward_tss_fail(err, rc, "attestation key: TPM2_EvictControl");
    ak->handle = persistent;
    return 0;
}

int ward_ak_load(ward_tpm *tpm, uint32_t persistent_handle, ward_ak **out, ward_err *err)
{
    ward_ak *ak = calloc(1, sizeof(*ak));
    bool exists = false;
    int r;

    if (ak == NULL)
        return ward_fail_errno(err, ENOMEM, "attestation key");
    ak->handle = ESYS_TR_NONE;
    if (persistent_handle == 0) {
        ak->transient = true;
        r = create_primary(tpm, &ak->handle, &ak->pub, err);
    } else if ((persistent_handle & 0xff000000u) != TPM2_PERSISTENT_FIRST) {
        r = ward_fail(err, "attestation key handle 0x%08x: not a persistent handle",
                      persistent_handle);
    } else {
        r = ward_tpm_handle_exists(tpm, persistent_handle, &exists, err);
        if (r == 0)
            r = exists ? load_persistent(tpm, persistent_handle, ak, err)
                       : persist(tpm, persistent_handle, ak, err);
    }
    if (r < 0) {
        ward_ak_free(tpm, ak);
        return -1;
    }
    *out = ak;
    return 0;
}

void ward_ak_free(ward_tpm *tpm, ward_ak *ak)
{
    if (ak == NULL)
        return;
    if (ak->transient)
        ward_tpm_flush(tpm, &ak->handle);
    else if (ak->handle != ESYS_TR_NONE)
        Esys_TR_Close(ward_tpm_esys(tpm), &ak->handle);
    Esys_Free(ak->pub);
    free(ak);
}

int ward_ak_pubkey(const ward_ak *ak, EVP_PKEY **out, ward_err *err)
{
    return ward_pubkey_from_tpm(&ak->pub->publicArea, out, err);
}

int ward_ak_pem(const ward_ak *ak, char **pem, ward_err *err)
{
    EVP_PKEY *key = NULL;
    int r;
    if (ward_ak_pubkey(ak, &key, err) < 0)
        return -1;
    r = ward_pubkey_to_pem(key, pem, err);
    EVP_PKEY_free(key);
    return r;
}
