/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's secp256k1 key: 32 raw bytes at /var/lib/ward/keys/node.key (attest.node_key in
 * ward.conf), created from getrandom on first use (file 0600, directory 0700, both root-owned,
 * written atomically). A key file with a wrong mode, owner, size or an invalid scalar is refused,
 * never used or replaced. The secret is read into mlock'ed memory and wiped with explicit_bzero
 * after each use: every call below loads, uses and wipes.
 *
 * Signatures are recoverable ECDSA over a SHA-256 digest (RFC 6979 nonces, low-S), as 65 bytes
 * r||s||v with v = 27 + recovery id (what Ethereum's ecrecover takes), and the same (r, s) in DER.
 * The fingerprint is SHA-256 of the uncompressed SEC1 public key (0x04||X||Y).
 */
#ifndef WARD_ATTEST_NODEKEY_H
#define WARD_ATTEST_NODEKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/base/error.h"

#define WARD_DEFAULT_NODE_KEY "/var/lib/ward/keys/node.key"
#define WARD_SIG_LEN          65
#define WARD_DER_MAX          72

typedef struct ward_node_pub {
    uint8_t compressed[33];
    uint8_t uncompressed[65];
    uint8_t fingerprint[32];
    uint8_t address[20]; /* Ethereum address: last 20 bytes of Keccak-256(X||Y) */
} ward_node_pub;

typedef struct ward_sig {
    uint8_t rsv[WARD_SIG_LEN];
    uint8_t der[WARD_DER_MAX];
    size_t der_len;
} ward_sig;

/* The public key of the node key at path; create: make the key when the file does not exist. */
int ward_nodekey_public(const char *path, bool create, ward_node_pub *pub, ward_err *err);

/* Sign a SHA-256 digest with the node key; *pub (may be NULL) gets the signer's public key. */
int ward_nodekey_sign(const char *path, bool create, const uint8_t digest[32], ward_sig *sig,
                      ward_node_pub *pub, ward_err *err);

/* --- no secret involved (secp.c) --- */

/*
 * Recover the signer of digest from r||s||v and check the signature with it: v must be 27 or 28,
 * s must be low (a high-S twin is refused). errnum EBADMSG when it does not check out.
 */
int ward_sig_recover(const uint8_t rsv[WARD_SIG_LEN], const uint8_t digest[32], ward_node_pub *pub,
                     ward_err *err);

/* Whether der (strict DER) verifies over digest with pub (low-S only). */
bool ward_sig_der_verifies(const uint8_t *der, size_t der_len, const uint8_t digest[32],
                           const ward_node_pub *pub);

/* Whether der is the DER form of the (r, s) in rsv (strict DER). */
bool ward_sig_der_matches(const uint8_t rsv[WARD_SIG_LEN], const uint8_t *der, size_t der_len);

/* A public key given as 33 (compressed) or 65 (uncompressed) bytes of hex. */
int ward_node_pub_from_hex(const char *hex, ward_node_pub *pub, ward_err *err);

/* "0x" and 40 hex digits, case-insensitive. */
int ward_address_parse(const char *s, uint8_t out[20], ward_err *err);
/* "0x" and the EIP-55 mixed-case checksum form; out has room for 43 bytes. */
void ward_address_format(const uint8_t addr[20], char out[43]);

/* SubjectPublicKeyInfo PEM (id-ecPublicKey, secp256k1, uncompressed point); *pem is malloc'ed. */
int ward_node_pub_pem(const ward_node_pub *pub, char **pem, ward_err *err);

#endif
