/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DSSE envelopes (github.com/secure-systems-lab/dsse): the signature covers the
 * pre-authentication encoding PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 * (LEN in ASCII decimal), i.e. the exact payload bytes: nothing is canonicalised.
 * ward's envelope:
 *   {"payloadType":"application/vnd.in-toto+json","payload":"<base64>",
 *    "signatures":[{"keyid":"<fingerprint hex>","sig":"<r||s||v hex>","der":"<DER hex>"}]}
 */
#ifndef WARD_ATTEST_DSSE_H
#define WARD_ATTEST_DSSE_H

#include <stddef.h>
#include <stdint.h>

#include "attest/nodekey.h"

#define WARD_DSSE_INTOTO  "application/vnd.in-toto+json"
#define WARD_MANIFEST_MAX ((size_t)64 << 20)

/* PAE of (type, body); *out is malloc'ed. */
int ward_dsse_pae(const char *type, const uint8_t *body, size_t len, uint8_t **out, size_t *out_len,
                  ward_err *err);

/* Sign payload with the node key at key_path and write the envelope JSON (ends with "\n"). */
int ward_dsse_sign(const char *key_path, const uint8_t *payload, size_t len, char **json,
                   size_t *json_len, ward_err *err);

/* An envelope as read back; strings point into the parsed copy the struct owns. */
typedef struct ward_dsse {
    char *payload_type;
    uint8_t *payload;
    size_t payload_len;
    char *keyid;
    ward_sig sig;
} ward_dsse;

/* Parse an envelope: exactly one signature, every field of the right form. errnum EBADMSG. */
int ward_dsse_parse(const char *json, size_t len, ward_dsse *e, ward_err *err);
void ward_dsse_free(ward_dsse *e);

#endif
