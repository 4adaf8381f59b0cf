/* SPDX-License-Identifier: Apache-2.0 */
/* What attest/'s files share and nobody else uses. */
#ifndef WARD_ATTEST_INTERNAL_H
#define WARD_ATTEST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "attest/nodekey.h"

/* secp.c: the libsecp256k1 calls, on a secret the caller holds in locked memory. */
int ward_secp_public(const uint8_t key[32], ward_node_pub *pub, ward_err *err);
int ward_secp_sign(const uint8_t key[32], const uint8_t digest[32], ward_sig *sig, ward_err *err);

/* evlog_file.c: mkdir -p, parents with mode parents, the directory itself with mode last. */
int ward_mkdir_p(const char *dir, mode_t parents, mode_t last, ward_err *err);

/* keccak.c: Keccak-256 (the pre-SHA-3 padding Ethereum uses). */
void ward_keccak256(const uint8_t *in, size_t len, uint8_t out[32]);

#endif
