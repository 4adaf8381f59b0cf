/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/ek.h"
#include "attest/ak.h"
#include "attest/pubkey.h"
#include "spec/base/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#define NV_CHUNK      512
#define EK_CERT_MAX   4096
#define EK_RSA_INDEX  0x01c00002u
#define EK_ECC_INDEX  0x01c0000au
#define EK_RSA_HANDLE 0x81010001u
#define EK_ECC_HANDLE 0x81010002u

/* TCG EK Credential Profile 2.0: PolicySecret(TPM_RH_ENDORSEMENT) */
static const uint8_t EK_POLICY[32] = {
    0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5, 0xd7, 0x24,
    0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa};

ward_node_class ward_node_classify(const ward_node_facts *f)
{
    if (f->kind == WARD_TCTI_NONE)
        return WARD_NODE_NONE;
    if (f->kind == WARD_TCTI_DEVICE && f->ek_cert_present && f->ek_cert_chains &&
        f->ek_cert_matches_ek)
        return WARD_NODE_TPM;
    return WARD_NODE_VTPM;
}

const char *ward_node_class_name(ward_node_class c)
{
    return c == WARD_NODE_TPM ? "tpm" : c == WARD_NODE_VTPM ? "vtpm" : "none";
}

bool ward_node_class_weak(ward_node_class c)
{
    return c != WARD_NODE_TPM;
}

int ward_node_class_parse(const char *s, ward_node_class *c)
{
    if (strcmp(s, "tpm") == 0)
        *c = WARD_NODE_TPM;
    else if (strcmp(s, "vtpm") == 0)
        *c = WARD_NODE_VTPM;
    else if (strcmp(s, "none") == 0)
        *c = WARD_NODE_NONE;
    else
        return -1;
    return 0;
}

static void ek_template(bool rsa, TPM2B_PUBLIC *t)
{
    TPMT_PUBLIC *p = &t->publicArea;
    memset(t, 0, sizeof(*t));
    p->nameAlg = TPM2_ALG_SHA256;
    p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                          TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_ADMINWITHPOLICY |
                          TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT;
    p->authPolicy.size = 32;
    memcpy(p->authPolicy.buffer, EK_POLICY, 32);
    if (rsa) {
        p->type = TPM2_ALG_RSA;
        p->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_AES;
        p->parameters.rsaDetail.symmetric.keyBits.aes = 128;
        p->parameters.rsaDetail.symmetric.mode.aes = TPM2_ALG_CFB;
        p->parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
        p->parameters.rsaDetail.keyBits = 2048;
        p->unique.rsa.size = 256;
    } else {
        p->type = TPM2_ALG_ECC;
        p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_AES;
        p->parameters.eccDetail.symmetric.keyBits.aes = 128;
        p->parameters.eccDetail.symmetric.mode.aes = TPM2_ALG_CFB;
        p->parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
        p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
        p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
        p->unique.ecc.x.size = 32;
        p->unique.ecc.y.size = 32;
    }
}

int ward_ek_public(ward_tpm *tpm, bool rsa, EVP_PKEY **out, ward_err *err)
{
    TPM2B_SENSITIVE_CREATE sensitive = {0};
    TPM2B_DATA outside = {0};
    TPML_PCR_SELECTION pcrs = {0};
    TPM2B_PUBLIC tmpl, *pub = NULL;
    ESYS_TR ek = ESYS_TR_NONE;
    TSS2_RC rc;
    int r;

    ek_template(rsa, &tmpl);
    rc = Esys_CreatePrimary(ward_tpm_esys(tpm), ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD,
                            ESYS_TR_NONE, ESYS_TR_NONE, &sensitive, &tmpl, &outside, &pcrs, &ek,
                            &pub, NULL, NULL, NULL);
    if (rc != TSS2_RC_SUCCESS)
        return ward_tss_fail(err, rc, "endorsement key: TPM2_CreatePrimary");
    ward_tpm_flush(tpm, &ek);
    r = ward_pubkey_from_tpm(&pub->publicArea, out, err);
    Esys_Free(pub);
    return r;
}

static int nv_read_all(ward_tpm *tpm, uint32_t index, uint8_t **out, size_t *len, ward_err *err)
{
    ESYS_CONTEXT *esys = ward_tpm_esys(tpm);
    TPM2B_NV_PUBLIC *pub = NULL;
    ESYS_TR nv = ESYS_TR_NONE;
    cleanup_free uint8_t *buf = NULL;
    uint16_t size, done = 0;
    TSS2_RC rc;

    rc = Esys_TR_FromTPMPublic(esys, index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &nv);
    if (rc == TSS2_RC_SUCCESS)
        rc = Esys_NV_ReadPublic(esys, nv, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL);
    if (rc != TSS2_RC_SUCCESS) {
        Esys_TR_Close(esys, &nv);
        return ward_tss_fail(err, rc, "EK certificate: TPM2_NV_ReadPublic");
    }
    size = pub->nvPublic.dataSize;
    Esys_Free(pub);
    if (size == 0 || size > EK_CERT_MAX || (buf = malloc(size)) == NULL) {
        Esys_TR_Close(esys, &nv);
        return ward_fail(err, "EK certificate: NV index 0x%08x has a bad size %u", index, size);
    }
    while (done < size) {
        TPM2B_MAX_NV_BUFFER *chunk = NULL;
        uint16_t want = size - done > NV_CHUNK ? NV_CHUNK : size - done;
        rc = Esys_NV_Read(esys, nv, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, want, done,
                          &chunk);
        if (rc != TSS2_RC_SUCCESS) {
            Esys_TR_Close(esys, &nv);
            return ward_tss_fail(err, rc, "EK certificate: TPM2_NV_Read");
        }
        memcpy(buf + done, chunk->buffer, chunk->size < want ? chunk->size : want);
        done += want;
        Esys_Free(chunk);
    }
    Esys_TR_Close(esys, &nv);
    *out = steal_ptr(buf);
    *len = size;
    return 0;
}

int ward_ek_cert_read(ward_tpm *tpm, X509 **cert, uint32_t *nv_index, ward_err *err)
{
    static const uint32_t indices[] = {EK_ECC_INDEX, EK_RSA_INDEX};
    *cert = NULL;
    for (size_t i = 0; i < sizeof(indices) / sizeof(indices[0]); i++) {
        cleanup_free uint8_t *der = NULL;
        const unsigned char *p;
        bool exists;
        size_t len = 0;
        if (ward_tpm_handle_exists(tpm, indices[i], &exists, err) < 0)
            return -1;
        if (!exists)
            continue;
        if (nv_read_all(tpm, indices[i], &der, &len, err) < 0)
            return -1;
        p = der;
        /* certificates in NV may be zero-padded: d2i stops at the end of the DER */
        *cert = d2i_X509(NULL, &p, (long)len);
        if (*cert == NULL)
            return ward_fail(err, "EK certificate at NV 0x%08x: not a DER X.509 certificate",
                             indices[i]);
        *nv_index = indices[i];
        return 0;
    }
    return 0;
}

static bool cert_file(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && (strcmp(name + n - 4, ".pem") == 0 || strcmp(name + n - 4, ".crt") == 0 ||
                     strcmp(name + n - 4, ".cer") == 0);
}

static int load_dir(X509_STORE *store, const char *dir, ward_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (d == NULL)
        return ward_fail_errno(err, errno, "tpm.ca_dir %s", dir);
    while ((e = readdir(d)) != NULL) {
        X509_LOOKUP *lk;
        char path[4096];
        if (!cert_file(e->d_name))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        lk = X509_STORE_add_lookup(store, X509_LOOKUP_file());
        /* a file that is not a certificate is skipped, not trusted */
        if (lk == NULL || X509_load_cert_file(lk, path, X509_FILETYPE_PEM) <= 0)
            ERR_clear_error();
    }
    closedir(d);
    return 0;
}

int ward_cert_chains_to_dir(X509 *cert, const char *dir, bool *chains, char *why, size_t why_len,
                            ward_err *err)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int r = -1;

    *chains = false;
    if (store == NULL || ctx == NULL) {
        ward_fail(err, "EK certificate: out of memory");
        goto out;
    }
    if (load_dir(store, dir, err) < 0)
        goto out;
    if (X509_STORE_CTX_init(ctx, store, cert, NULL) != 1) {
        ward_fail(err, "EK certificate: cannot set up verification");
        goto out;
    }
    *chains = X509_verify_cert(ctx) == 1;
    if (!*chains)
        snprintf(why, why_len, "%s", X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    r = 0;
out:
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return r;
}

/* The key at a persistent handle, if there is one (no error when the handle is empty). */
static int persistent_key(ward_tpm *tpm, uint32_t h, EVP_PKEY **out, ward_err *err)
{
    ESYS_CONTEXT *esys = ward_tpm_esys(tpm);
    TPM2B_PUBLIC *pub = NULL;
    ESYS_TR tr = ESYS_TR_NONE;
    bool exists;
    int r = 0;

    *out = NULL;
    if (ward_tpm_handle_exists(tpm, h, &exists, err) < 0 || !exists)
        return exists ? -1 : 0;
    if (Esys_TR_FromTPMPublic(esys, h, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &tr) ==
            TSS2_RC_SUCCESS &&
        Esys_ReadPublic(esys, tr, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL, NULL) ==
            TSS2_RC_SUCCESS)
        r = ward_pubkey_from_tpm(&pub->publicArea, out, err);
    Esys_Free(pub);
    if (tr != ESYS_TR_NONE)
        Esys_TR_Close(esys, &tr);
    return r;
}

/*
 * Does the certificate certify this TPM's EK? The provisioned EK at its TCG handle (RSA
 * 0x81010001, ECC 0x81010002) is checked first: recreating an RSA EK can take seconds on a
 * hardware TPM. Otherwise the EK is made from the default template.
 */
static int cert_matches_ek(ward_tpm *tpm, X509 *cert, bool *match, ward_err *err)
{
    EVP_PKEY *ek = NULL, *certkey = X509_get0_pubkey(cert);
    bool rsa;
    *match = false;
    if (certkey == NULL)
        return 0;
    rsa = EVP_PKEY_is_a(certkey, "RSA");
    if (persistent_key(tpm, rsa ? EK_RSA_HANDLE : EK_ECC_HANDLE, &ek, err) < 0)
        return -1;
    if (ek != NULL && EVP_PKEY_eq(ek, certkey) == 1) {
        *match = true;
        EVP_PKEY_free(ek);
        return 0;
    }
    EVP_PKEY_free(ek);
    ek = NULL;
    if (ward_ek_public(tpm, rsa, &ek, err) < 0)
        return -1;
    *match = EVP_PKEY_eq(ek, certkey) == 1;
    EVP_PKEY_free(ek);
    return 0;
}

int ward_node_facts_get(ward_tpm *tpm, const char *ca_dir, ward_node_facts *f, X509 **cert,
                        ward_err *err)
{
    uint32_t index;
    char why[256] = "";

    memset(f, 0, sizeof(*f));
    *cert = NULL;
    if (tpm == NULL) {
        f->kind = WARD_TCTI_NONE;
        return 0;
    }
    f->kind = ward_tpm_kind(tpm);
    if (ward_ek_cert_read(tpm, cert, &index, err) < 0)
        return -1;
    f->ek_cert_present = *cert != NULL;
    if (*cert == NULL || ca_dir == NULL)
        return 0;
    if (ward_cert_chains_to_dir(*cert, ca_dir, &f->ek_cert_chains, why, sizeof(why), err) < 0)
        return -1;
    if (f->ek_cert_chains && cert_matches_ek(tpm, *cert, &f->ek_cert_matches_ek, err) < 0)
        return -1;
    return 0;
}
