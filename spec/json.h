/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec/'s private JSON layer: a small immutable tree built with yajl's stream parser (which gives
 * the byte offset of an error, so messages say "line L, column C"), typed getters that name the
 * JSON path of what was wrong, and the model's parts of the writer (spec/json_write.h, which every
 * module uses). Not used outside spec/ except by tests.
 */
#ifndef WARD_SPEC_JSON_H
#define WARD_SPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/config.h"
#include "spec/json_write.h"

/* Hard limits on untrusted JSON: nesting, input size and number of values. */
#define JSON_MAX_DEPTH  64
#define JSON_MAX_BYTES  ((size_t)16 << 20)
#define JSON_MAX_VALUES 1000000

typedef enum jtype { JT_NULL, JT_BOOL, JT_NUMBER, JT_STRING, JT_OBJECT, JT_ARRAY } jtype;

typedef struct jnode jnode;
typedef struct jmember {
    char *key;
    jnode *val;
} jmember;

struct jnode {
    jtype type;
    size_t len; /* string length, or number of members / items */
    size_t cap;
    union {
        bool b;
        char *s; /* JT_STRING (no NUL inside) or the number's text as written (JT_NUMBER) */
        jnode **items;
        jmember *members;
    } u;
};

/*
 * Parse a whole document. Rejects malformed JSON ("line L, column C: ..."), nesting deeper than
 * JSON_MAX_DEPTH, more than JSON_MAX_BYTES, more than JSON_MAX_VALUES values, duplicate keys and
 * strings holding a NUL character.
 */
int json_parse(const char *text, size_t len, jnode **out, ward_err *err);

/*
 * The raw text of a string between its quotes, checked as RFC 8259 says: well-formed UTF-8 (no
 * overlong forms, surrogates or code points above U+10FFFF), valid escapes, UTF-16 surrogates
 * only in pairs, and no \u0000. On failure, returns -1 and why says what ("contains ...").
 */
int json_check_string(const char *raw, size_t len, char *why, size_t why_len);
void json_free(jnode *n);
static inline void json_freep(jnode **n)
{
    json_free(*n);
    *n = NULL;
}
#define cleanup_json __attribute__((cleanup(json_freep)))

/* Member of an object; NULL when absent or null (JSON null means "not given"). */
const jnode *json_get(const jnode *obj, const char *key);

/* ---- reading with a path for messages ---- */

typedef struct jpath {
    char buf[512];
    size_t len;
} jpath;

void jp_init(jpath *p, const char *prefix);
/* Append ".key" ("key" at the start) or "[i]"; return the length to restore with jp_pop(). */
size_t jp_key(jpath *p, const char *key);
size_t jp_index(jpath *p, size_t i);
static inline void jp_pop(jpath *p, size_t saved)
{
    p->len = saved;
    p->buf[saved] = '\0';
}
/* "<path>: <message>" (just the message when the path is empty); returns -1. */
int jp_fail(const jpath *p, ward_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int jr_object(const jnode *n, const jpath *p, ward_err *err);
int jr_string(const jnode *n, const jpath *p, char **out, ward_err *err);
int jr_bool(const jnode *n, const jpath *p, bool *out, ward_err *err);
int jr_uint(const jnode *n, const jpath *p, uint64_t max, uint64_t *out, ward_err *err);
int jr_int(const jnode *n, const jpath *p, int64_t min, int64_t max, int64_t *out, ward_err *err);
int jr_strv(const jnode *n, jpath *p, spec_strv *out, ward_err *err);
/* An object whose values are all strings, kept in document order. */
int jr_kv(const jnode *n, jpath *p, spec_kv_list *out, ward_err *err);
int jr_u32_array(const jnode *n, jpath *p, uint32_t **out, size_t *len, ward_err *err);

/*
 * An array of structs: *items gets a zeroed array of the full length before the elements are
 * parsed, so the owner's free function releases a half-parsed array too.
 */
typedef int (*jr_elem_fn)(const jnode *n, jpath *p, void *elem, ward_err *err);
int jr_array(const jnode *n, jpath *p, size_t elem_size, void **items, size_t *len, jr_elem_fn fn,
             ward_err *err);

/*
 * Run `call` when member key of object node n is present; inside it, `child` is the member and the
 * path p points at it. Returns -1 from the enclosing function when call fails.
 */
#define JR_CHILD(n, p, key, call)                                                                  \
    do {                                                                                           \
        const jnode *child = json_get(n, key);                                                     \
        if (child != NULL) {                                                                       \
            size_t saved_ = jp_key(p, key);                                                        \
            if ((call) < 0)                                                                        \
                return -1;                                                                         \
            jp_pop(p, saved_);                                                                     \
        }                                                                                          \
    } while (0)

/* ---- table-driven structs: one description serves parse, emit and free ---- */

typedef enum jkind {
    JK_STR,
    JK_BOOL,
    JK_U16,
    JK_U32,
    JK_U64,
    JK_I32,
    JK_I64,
    JK_STRV,
    JK_CHAR, /* a one-character string stored in a char, 0 = absent */
} jkind;

enum {
    JF_REQUIRED = 1, /* parse: must be present; emit: always written */
    JF_OMITZERO = 2, /* emit: skip a number that is 0 (no has_ flag in the model) */
};

typedef struct jfield {
    const char *key;
    jkind kind;
    unsigned flags;
    size_t off;
    long has_off;      /* offset of the bool has_<field>, or -1 */
    const char *chars; /* JK_CHAR: the allowed characters */
} jfield;

#define JF(type, key, kind, member, flags)                                                         \
    {                                                                                              \
        key, kind, flags, offsetof(type, member), -1, NULL                                         \
    }
#define JFH(type, key, kind, member, has, flags)                                                   \
    {                                                                                              \
        key, kind, flags, offsetof(type, member), (long)offsetof(type, has), NULL                  \
    }
#define JFC(type, key, member, flags, chars)                                                       \
    {                                                                                              \
        key, JK_CHAR, flags, offsetof(type, member), -1, chars                                     \
    }
#define JF_COUNT(t) (sizeof(t) / sizeof((t)[0]))

int jf_parse(const jnode *obj, jpath *p, const jfield *t, size_t nt, void *base, ward_err *err);
void jf_emit(jwriter *w, const jfield *t, size_t nt, const void *base);
/* "key": [{fields of each element}, ...], nothing when n is 0. */
void jf_emit_array(jwriter *w, const char *key, const jfield *t, size_t nt, const void *items,
                   size_t n, size_t elem_size);
void jf_free(const jfield *t, size_t nt, void *base);

/* ---- writing the model's types (the writer itself: spec/json_write.h) ---- */

void jw_strv(jwriter *w, const spec_strv *v);
void jw_kstrv(jwriter *w, const char *key, const spec_strv *v); /* skipped when empty */
void jw_kv(jwriter *w, const spec_kv_list *kv);                 /* an object of strings */
/* Write a parsed tree as it is. */
void jw_node(jwriter *w, const jnode *n);

/* Append a copy of s. */
int spec_strv_push(spec_strv *v, const char *s, ward_err *err);
void spec_strv_free(spec_strv *v);
void spec_kv_free(spec_kv_list *kv);

#endif
