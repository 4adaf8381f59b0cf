/* SPDX-License-Identifier: Apache-2.0 */
/* Hex, base64 and SHA-256 for attest/, all done by OpenSSL (nothing hand-written). */
#ifndef WARD_ATTEST_CODEC_H
#define WARD_ATTEST_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "spec/base/error.h"

#define WARD_SHA256_LEN 32

/* Lower-case hex of len bytes; *out is malloc'ed and NUL-terminated. */
int ward_hex_encode(const uint8_t *buf, size_t len, char **out, ward_err *err);

/* Strict hex (even length, [0-9a-fA-F] only, no separators); *out is malloc'ed. */
int ward_hex_decode(const char *hex, uint8_t **out, size_t *len, ward_err *err);

/* Decode hex that must be exactly want bytes into buf. */
int ward_hex_decode_exact(const char *hex, uint8_t *buf, size_t want, ward_err *err);

/* Standard base64 with padding, no newlines; *out is malloc'ed and NUL-terminated. */
int ward_b64_encode(const uint8_t *buf, size_t len, char **out, ward_err *err);

/* Strict base64 (padding required, no whitespace); *out is malloc'ed. */
int ward_b64_decode(const char *b64, uint8_t **out, size_t *len, ward_err *err);

int ward_sha256(const void *buf, size_t len, uint8_t out[WARD_SHA256_LEN], ward_err *err);

#endif
