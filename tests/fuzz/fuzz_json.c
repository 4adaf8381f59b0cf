/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON layer under every parser above (spec/json_parse.c on yajl): any document. Properties:
 * every string and key of an accepted document is valid UTF-8 without a NUL (checked here by an
 * independent decoder, not json_string.c); the tree written back (jw_node) parses again and
 * writes the same bytes (round trip); and spec_json_check agrees with json_parse.
 */
#include "spec/base/cleanup.h"
#include "spec/json.h"
#include "spec/parse.h"
#include "tests/fuzz/fuzz.h"

/* Decode every code point; minimal encoding, no surrogates, at most U+10FFFF, no NUL. */
static int utf8_ok(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i], cp, n, min;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xe0) == 0xc0)
            n = 2, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            n = 3, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            n = 4, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        if (i + n > len)
            return 0;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += n;
    }
    return 1;
}

static void check_strings(const jnode *n)
{
    if (n->type == JT_STRING)
        FUZZ_ASSERT(utf8_ok((const unsigned char *)n->u.s, n->len) && strlen(n->u.s) == n->len,
                    "string \"%s\"", n->u.s);
    else if (n->type == JT_ARRAY)
        for (size_t i = 0; i < n->len; i++)
            check_strings(n->u.items[i]);
    else if (n->type == JT_OBJECT)
        for (size_t i = 0; i < n->len; i++) {
            const char *k = n->u.members[i].key;
            FUZZ_ASSERT(utf8_ok((const unsigned char *)k, strlen(k)), "key \"%s\"", k);
            check_strings(n->u.members[i].val);
        }
}

static char *write_tree(const jnode *n, size_t *len)
{
    jwriter w = fuzz_writer();
    jw_node(&w, n);
    return fuzz_written(&w, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cleanup_json jnode *root = NULL;
    cleanup_json jnode *root2 = NULL;
    cleanup_free char *j1 = NULL;
    cleanup_free char *j2 = NULL;
    ward_err err = {0}, err2 = {0};
    size_t l1, l2;
    int ok = json_parse((const char *)data, size, &root, &err);

    FUZZ_ASSERT((spec_json_check((const char *)data, size, &err2) == 0) == (ok == 0),
                "spec_json_check and json_parse disagree");
    if (ok < 0)
        return 0;
    check_strings(root);
    j1 = write_tree(root, &l1);
    FUZZ_ASSERT(json_parse(j1, l1, &root2, &err) == 0, "%s in %s", err.msg, j1);
    j2 = write_tree(root2, &l2);
    FUZZ_ASSERT(l1 == l2 && memcmp(j1, j2, l1) == 0, "%s\n!=\n%s", j1, j2);
    return 0;
}
