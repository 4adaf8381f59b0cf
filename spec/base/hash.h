/* SPDX-License-Identifier: Apache-2.0 */
/* FNV-1a 64: a fast non-cryptographic hash for cache keys and short stable names. */
#ifndef WARD_SPEC_BASE_HASH_H
#define WARD_SPEC_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define WARD_FNV1A64_SEED 0xcbf29ce484222325ULL

/* Continue the hash h (start from WARD_FNV1A64_SEED) over len bytes of data. */
static inline uint64_t ward_fnv1a64(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

#endif
