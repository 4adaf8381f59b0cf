/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image signatures: a blob recognised by its form (an OpenPGP message is GPG simple signing,
 * "\0simple-signing\n" + message the same, "\0sigstore-json\n" + JSON a cosign key signature;
 * anything else is a named failure), the claims inside a signed payload, and the two checks that
 * turn a blob into verified claims: GPG (gpgme, a private temporary GNUPGHOME per check) and
 * cosign (OpenSSL: ECDSA P-256, RSA PKCS#1 v1.5 with SHA-256, Ed25519).
 */
#ifndef WARD_ATTEST_IMGSIG_H
#define WARD_ATTEST_IMGSIG_H

#include <stddef.h>
#include <stdint.h>

#include "attest/imgref.h"
#include "attest/policy.h"
#include "spec/base/error.h"

#define SIG_GPG_TYPE      "atomic container signature"
#define SIG_COSIGN_TYPE   "cosign container image signature"
#define SIG_COSIGN_MIME   "application/vnd.dev.cosign.simplesigning.v1+json"
#define SIG_COSIGN_ANNOT  "dev.cosignproject.cosign/signature"
#define SIG_MAX_BYTES     ((size_t)4 << 20)
#define SIG_MAX_PER_IMAGE 64

typedef enum sig_format { SIG_UNKNOWN, SIG_GPG, SIG_SIGSTORE } sig_format;

typedef struct img_sig {
    char source[512]; /* where it came from, for the decision */
    sig_format format;
    char form_error[256]; /* SIG_UNKNOWN: why the blob is not a signature */
    uint8_t *gpg;         /* SIG_GPG: the OpenPGP message */
    size_t gpg_len;
    char *mime; /* SIG_SIGSTORE: the payload's media type, its bytes and the DER signature */
    uint8_t *payload;
    size_t payload_len;
    uint8_t *sig;
    size_t sig_len;
} img_sig;

/* Recognise blob (copied). A blob in no known form still yields a signature with form_error. */
int imgsig_from_blob(const char *source, const uint8_t *blob, size_t len, img_sig *out,
                     ward_err *err);
/* A cosign layer: the payload blob and the base64 annotation (NULL when missing). */
int imgsig_from_cosign(const char *source, const char *mime, const uint8_t *payload, size_t len,
                       const char *b64sig, img_sig *out, ward_err *err);
void imgsig_free(img_sig *s);

/* What a signed payload claims. */
typedef struct sig_claims {
    char digest[80];                /* critical.image.docker-manifest-digest */
    char identity[IMG_REF_MAX + 1]; /* critical.identity.docker-reference */
} sig_claims;

/* containers/image's strict form: critical exactly {type,image,identity}, optional null or an
 * object; critical.type must be want_type. */
int sig_claims_parse(const uint8_t *payload, size_t len, const char *want_type, sig_claims *out,
                     ward_err *err);

/*
 * cosign: the DER signature over payload with one of the requirement's keys (PEM, from keyPath or
 * keyData). 0 when it verifies; *key_used names the key.
 */
int sig_cosign_verify(const pol_req *req, const img_sig *s, char *key_used, size_t key_len,
                      ward_err *err);

/*
 * GPG: verify the OpenPGP message with only the requirement's keys in a fresh GNUPGHOME; the
 * status must be clean and the signer one of those keys before the payload is handed out.
 */
int sig_gpg_verify(const pol_req *req, const img_sig *s, uint8_t **payload, size_t *payload_len,
                   char *fpr, size_t fpr_len, ward_err *err);

#endif
