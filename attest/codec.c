/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/codec.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

int ward_hex_encode(const uint8_t *buf, size_t len, char **out, ward_err *err)
{
    cleanup_free char *s = malloc(len * 2 + 1);
    if (s == NULL)
        return ward_fail_errno(err, ENOMEM, "hex");
    if (OPENSSL_buf2hexstr_ex(s, len * 2 + 1, NULL, buf, (long)len, '\0') != 1)
        return ward_fail(err, "hex: cannot encode %zu bytes", len);
    for (char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p - 'A' + 'a');
    *out = steal_ptr(s);
    return 0;
}

int ward_hex_decode(const char *hex, uint8_t **out, size_t *len, ward_err *err)
{
    size_t n = strlen(hex);
    cleanup_free uint8_t *buf = NULL;
    size_t got = 0;

    if (n == 0 || n % 2 != 0)
        return ward_fail(err, "not a hex string of whole bytes");
    if (strspn(hex, "0123456789abcdefABCDEF") != n)
        return ward_fail(err, "not a hex string (bad character)");
    buf = malloc(n / 2);
    if (buf == NULL)
        return ward_fail_errno(err, ENOMEM, "hex");
    if (OPENSSL_hexstr2buf_ex(buf, n / 2, &got, hex, '\0') != 1 || got != n / 2)
        return ward_fail(err, "not a hex string");
    *out = steal_ptr(buf);
    *len = got;
    return 0;
}

int ward_hex_decode_exact(const char *hex, uint8_t *buf, size_t want, ward_err *err)
{
    cleanup_free uint8_t *tmp = NULL;
    size_t len;
    if (ward_hex_decode(hex, &tmp, &len, err) < 0)
        return -1;
    if (len != want)
        return ward_fail(err, "must be %zu bytes of hex, got %zu", want, len);
    memcpy(buf, tmp, len);
    return 0;
}

int ward_b64_encode(const uint8_t *buf, size_t len, char **out, ward_err *err)
{
    cleanup_free char *s = NULL;
    if (len > INT_MAX / 2)
        return ward_fail(err, "base64: input too large");
    s = malloc(4 * ((len + 2) / 3) + 1);
    if (s == NULL)
        return ward_fail_errno(err, ENOMEM, "base64");
    EVP_EncodeBlock((unsigned char *)s, buf, (int)len);
    *out = steal_ptr(s);
    return 0;
}

int ward_b64_decode(const char *b64, uint8_t **out, size_t *len, ward_err *err)
{
    size_t n = strlen(b64), pad = 0;
    cleanup_free uint8_t *buf = NULL;
    int got;

    if (n == 0 || n % 4 != 0 || n > INT_MAX / 2)
        return ward_fail(err, "not base64 (length must be a non-zero multiple of 4)");
    if (strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != n)
        return ward_fail(err, "not base64 (bad character)");
    /* '=' only as the last one or two characters */
    if (b64[n - 1] == '=')
        pad = b64[n - 2] == '=' ? 2 : 1;
    if (strchr(b64, '=') != NULL && (size_t)(strchr(b64, '=') - b64) != n - pad)
        return ward_fail(err, "not base64 (misplaced padding)");
    buf = malloc(n / 4 * 3);
    if (buf == NULL)
        return ward_fail_errno(err, ENOMEM, "base64");
    /* EVP_DecodeBlock counts padding as zero bytes: subtract them */
    got = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)n);
    if (got < 0 || (size_t)got < pad)
        return ward_fail(err, "not base64");
    *out = steal_ptr(buf);
    *len = (size_t)got - pad;
    return 0;
}

int ward_sha256(const void *buf, size_t len, uint8_t out[WARD_SHA256_LEN], ward_err *err)
{
    unsigned int n = 0;
    if (EVP_Digest(buf, len, out, &n, EVP_sha256(), NULL) != 1 || n != WARD_SHA256_LEN)
        return ward_fail(err, "sha256 failed");
    return 0;
}
