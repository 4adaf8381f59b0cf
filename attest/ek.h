/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The endorsement key and its certificate, and the node class they prove:
 *   tpm   a device TPM whose EK certificate (from NV) chains to tpm.ca_dir and certifies the
 *         TPM's own EK;
 *   vtpm  any other TPM (swtpm, or a device without such a certificate): weak;
 *   none  no TPM: weak.
 * Never reported stronger than proved.
 */
#ifndef WARD_ATTEST_EK_H
#define WARD_ATTEST_EK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "attest/tpm.h"

typedef enum ward_node_class {
    WARD_NODE_NONE,
    WARD_NODE_VTPM,
    WARD_NODE_TPM,
} ward_node_class;

typedef struct ward_node_facts {
    ward_tcti_kind kind;
    bool ek_cert_present;
    bool ek_cert_chains;     /* to a CA in tpm.ca_dir */
    bool ek_cert_matches_ek; /* the certificate's key is the TPM's EK */
} ward_node_facts;

ward_node_class ward_node_classify(const ward_node_facts *f);
const char *ward_node_class_name(ward_node_class c);
bool ward_node_class_weak(ward_node_class c);
int ward_node_class_parse(const char *s, ward_node_class *c);

/* The EK certificate from NV (RSA 2048 0x01c00002 or ECC P-256 0x01c0000a); *cert NULL if none. */
int ward_ek_cert_read(ward_tpm *tpm, X509 **cert, uint32_t *nv_index, ward_err *err);

/* The EK public key made from the TCG default template (RSA 2048 or ECC P-256), flushed again. */
int ward_ek_public(ward_tpm *tpm, bool rsa, EVP_PKEY **out, ward_err *err);

/* Does cert chain to a CA certificate in dir (every *.pem / *.crt / *.cer file there)? */
int ward_cert_chains_to_dir(X509 *cert, const char *dir, bool *chains, char *why, size_t why_len,
                            ward_err *err);

/* Everything above, for this TPM (tpm NULL: class none). ca_dir may be NULL. */
int ward_node_facts_get(ward_tpm *tpm, const char *ca_dir, ward_node_facts *f, X509 **cert,
                        ward_err *err);

#endif
