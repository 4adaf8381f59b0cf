/* SPDX-License-Identifier: Apache-2.0 */
/* What attest/'s files share and no other folder uses. */
#ifndef WARD_ATTEST_INTERNAL_H
#define WARD_ATTEST_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_tree.h>

#include "attest/nodekey.h"
#include "spec/base/error.h"

/*
 * Input that fails a check (evidence, a quote): errnum EBADMSG tells callers that the input was
 * rejected, not that the system failed. Returns -1.
 */
#define attest_reject(err, ...) ward_fail_code((err), EBADMSG, __VA_ARGS__)

/* The same for an error a callee already filled in (its message kept): returns -1. */
static inline int attest_rejected(ward_err *err)
{
    err->errnum = EBADMSG;
    return -1;
}

/*
 * The members of object obj by name: vals[i] gets the one called names[i], NULL when absent. Not
 * an object, a member not in names, or one given twice is an error ("unknown field \"x\"").
 */
int attest_fields(yajl_val obj, const char *const *names, size_t n, yajl_val *vals, ward_err *err);

/* secp.c: the libsecp256k1 calls, on a secret the caller holds in locked memory. */
int ward_secp_public(const uint8_t key[32], ward_node_pub *pub, ward_err *err);
int ward_secp_sign(const uint8_t key[32], const uint8_t digest[32], ward_sig *sig, ward_err *err);

/* evlog_file.c: mkdir -p, parents with mode parents, the directory itself with mode last. */
int ward_mkdir_p(const char *dir, mode_t parents, mode_t last, ward_err *err);

/* keccak.c: Keccak-256 (the pre-SHA-3 padding Ethereum uses). */
void ward_keccak256(const uint8_t *in, size_t len, uint8_t out[32]);

#endif
