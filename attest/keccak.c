/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keccak-256 as Ethereum uses it (padding 0x01, not SHA-3's 0x06), only for the node's address:
 * OpenSSL 3.0 has SHA3-256 but not this variant. Checked against known vectors in the tests.
 */
#include "attest/internal.h"

#include <string.h>

#define ROL(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

static const uint64_t RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
static const int ROT[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                            25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

static void keccak_f(uint64_t a[25])
{
    for (int round = 0; round < 24; round++) {
        uint64_t c[5], d, b[25];
        for (int x = 0; x < 5; x++)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++) {
            d = c[(x + 4) % 5] ^ ROL(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5)
                a[y + x] ^= d;
        }
        /* rho and pi: b[y, 2x+3y] = rot(a[x, y]) */
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++) {
                int r = ROT[x + 5 * y];
                uint64_t v = a[x + 5 * y];
                b[y + 5 * ((2 * x + 3 * y) % 5)] = r ? ROL(v, r) : v;
            }
        for (int y = 0; y < 25; y += 5)
            for (int x = 0; x < 5; x++)
                a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
        a[0] ^= RC[round];
    }
}

void ward_keccak256(const uint8_t *in, size_t len, uint8_t out[32])
{
    enum { RATE = 136 };
    uint64_t a[25] = {0};
    uint8_t block[RATE];

    for (;;) {
        size_t n = len < RATE ? len : RATE;
        memset(block, 0, sizeof(block));
        memcpy(block, in, n);
        if (n < RATE) {
            block[n] ^= 0x01;
            block[RATE - 1] ^= 0x80;
        }
        for (int i = 0; i < RATE / 8; i++) {
            uint64_t lane = 0;
            for (int j = 0; j < 8; j++)
                lane |= (uint64_t)block[8 * i + j] << (8 * j);
            a[i] ^= lane;
        }
        keccak_f(a);
        if (n < RATE)
            break;
        in += n;
        len -= n;
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            out[8 * i + j] = (uint8_t)(a[i] >> (8 * j));
}
