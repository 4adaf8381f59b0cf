/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RFC 8259's rules for the text of a JSON string, checked on the raw bytes between the quotes.
 * yajl's own check is looser: its UTF-8 test looks only at the bit patterns, so it passes overlong
 * forms (C0 80 is a disguised NUL), UTF-16 surrogates encoded in UTF-8 and code points above
 * U+10FFFF; and its decoder turns an unpaired \ud800 into '?' and a high surrogate followed by a
 * non-surrogate escape into an unrelated character. Two readers of one config would then see two
 * different strings, so ward refuses all of these, and \u0000, which would cut a C string short.
 */
#include "spec/json.h"

#include <stdio.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (RFC 3629, section 4), 0 if there is none. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0; /* a continuation byte, an overlong lead (C0, C1) or beyond U+10FFFF (F5..FF) */
    if (c == 0xe0)
        lo = 0xa0; /* overlong */
    else if (c == 0xed)
        hi = 0x9f; /* UTF-16 surrogates */
    else if (c == 0xf0)
        lo = 0x90; /* overlong */
    else if (c == 0xf4)
        hi = 0x8f; /* above U+10FFFF */
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

static int hex4(const unsigned char *s, size_t avail, unsigned *out)
{
    unsigned v = 0;
    if (avail < 4)
        return -1;
    for (size_t i = 0; i < 4; i++) {
        unsigned char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* The escape at s (just after the backslash); its length past the backslash, 0 if refused. */
static size_t check_escape(const unsigned char *s, size_t avail, char *why, size_t why_len)
{
    unsigned cp, lo;
    if (avail == 0)
        goto bad;
    if (s[0] != 'u')
        return strchr("\"\\/bfnrt", s[0]) != NULL && s[0] != '\0' ? 1 : 0;
    if (hex4(s + 1, avail - 1, &cp) < 0)
        goto bad;
    if (cp == 0) {
        snprintf(why, why_len, "contains a NUL character (\\u0000)");
        return 0;
    }
    if (cp >= 0xdc00 && cp <= 0xdfff) {
        snprintf(why, why_len, "contains an unpaired UTF-16 surrogate (\\u%04x)", cp);
        return 0;
    }
    if (cp < 0xd800 || cp > 0xdbff)
        return 5;
    /* a high surrogate: a low one must follow */
    if (avail < 11 || s[5] != '\\' || s[6] != 'u' || hex4(s + 7, avail - 7, &lo) < 0 ||
        lo < 0xdc00 || lo > 0xdfff) {
        snprintf(why, why_len, "contains an unpaired UTF-16 surrogate (\\u%04x)", cp);
        return 0;
    }
    return 11;
bad:
    snprintf(why, why_len, "contains an invalid escape");
    return 0;
}

int json_check_string(const char *raw, size_t len, char *why, size_t why_len)
{
    const unsigned char *s = (const unsigned char *)raw;
    size_t i = 0, n;
    while (i < len) {
        if (s[i] == '\\') {
            n = check_escape(s + i + 1, len - i - 1, why, why_len);
            if (n == 0)
                return -1;
            i += 1 + n;
            continue;
        }
        if (s[i] < 0x20) {
            snprintf(why, why_len, "contains an unescaped control character (0x%02x)", s[i]);
            return -1;
        }
        n = utf8_seq_len(s + i, len - i);
        if (n == 0) {
            snprintf(why, why_len, "is not valid UTF-8 (byte 0x%02x at offset %zu)", s[i], i);
            return -1;
        }
        i += n;
    }
    return 0;
}
