/* SPDX-License-Identifier: Apache-2.0 */
/* Typed getters over the jnode tree; every error names the JSON path of the offending value. */
#include "spec/json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/base/cleanup.h"

/* Append text to the path, replacing control characters (the path ends up in log lines). */
static void jp_append(jpath *p, const char *s)
{
    for (; *s != '\0' && p->len + 4 < sizeof(p->buf); s++)
        p->buf[p->len++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
    if (*s != '\0' && p->len + 4 >= sizeof(p->buf) && p->len + 3 < sizeof(p->buf)) {
        memcpy(p->buf + p->len, "...", 3);
        p->len += 3;
    }
    p->buf[p->len] = '\0';
}

void jp_init(jpath *p, const char *prefix)
{
    p->len = 0;
    p->buf[0] = '\0';
    if (prefix != NULL)
        jp_append(p, prefix);
}

size_t jp_key(jpath *p, const char *key)
{
    size_t saved = p->len;
    if (p->len > 0)
        jp_append(p, ".");
    jp_append(p, key);
    return saved;
}

size_t jp_index(jpath *p, size_t i)
{
    char buf[32];
    size_t saved = p->len;
    snprintf(buf, sizeof(buf), "[%zu]", i);
    jp_append(p, buf);
    return saved;
}

int jp_fail(const jpath *p, ward_err *err, const char *fmt, ...)
{
    char msg[WARD_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (p->len == 0)
        return ward_fail(err, "%s", msg);
    return ward_fail(err, "%s: %s", p->buf, msg);
}

int jr_object(const jnode *n, const jpath *p, ward_err *err)
{
    if (n == NULL || n->type != JT_OBJECT)
        return jp_fail(p, err, "must be an object");
    return 0;
}

int jr_string(const jnode *n, const jpath *p, char **out, ward_err *err)
{
    char *s;
    if (n == NULL || n->type != JT_STRING)
        return jp_fail(p, err, "must be a string");
    s = strdup(n->u.s);
    if (s == NULL)
        return jp_fail(p, err, "out of memory");
    free(*out);
    *out = s;
    return 0;
}

int jr_bool(const jnode *n, const jpath *p, bool *out, ward_err *err)
{
    if (n == NULL || n->type != JT_BOOL)
        return jp_fail(p, err, "must be a boolean");
    *out = n->u.b;
    return 0;
}

/* A JSON number written as an integer: no fraction, no exponent. */
static bool is_integer_text(const char *s)
{
    return strpbrk(s, ".eE") == NULL;
}

int jr_uint(const jnode *n, const jpath *p, uint64_t max, uint64_t *out, ward_err *err)
{
    unsigned long long v;
    if (n == NULL || n->type != JT_NUMBER || !is_integer_text(n->u.s) || n->u.s[0] == '-')
        return jp_fail(p, err, "must be an unsigned integer");
    errno = 0;
    v = strtoull(n->u.s, NULL, 10);
    if (errno == ERANGE || v > max)
        return jp_fail(p, err, "%.40s is out of range (0 to %" PRIu64 ")", n->u.s, max);
    *out = v;
    return 0;
}

int jr_int(const jnode *n, const jpath *p, int64_t min, int64_t max, int64_t *out, ward_err *err)
{
    long long v;
    if (n == NULL || n->type != JT_NUMBER || !is_integer_text(n->u.s))
        return jp_fail(p, err, "must be an integer");
    errno = 0;
    v = strtoll(n->u.s, NULL, 10);
    if (errno == ERANGE || v < min || v > max)
        return jp_fail(p, err, "%.40s is out of range (%" PRId64 " to %" PRId64 ")", n->u.s, min,
                       max);
    *out = v;
    return 0;
}

int spec_strv_push(spec_strv *v, const char *s, ward_err *err)
{
    char **items = realloc(v->items, (v->len + 1) * sizeof(char *));
    if (items == NULL)
        return ward_fail_errno(err, ENOMEM, "out of memory");
    v->items = items;
    v->items[v->len] = strdup(s);
    if (v->items[v->len] == NULL)
        return ward_fail_errno(err, ENOMEM, "out of memory");
    v->len++;
    return 0;
}

void spec_strv_free(spec_strv *v)
{
    size_t i;
    for (i = 0; v->items != NULL && i < v->len; i++)
        free(v->items[i]);
    free(v->items);
    v->items = NULL;
    v->len = 0;
}

void spec_kv_free(spec_kv_list *kv)
{
    size_t i;
    for (i = 0; kv->items != NULL && i < kv->len; i++) {
        free(kv->items[i].key);
        free(kv->items[i].value);
    }
    free(kv->items);
    kv->items = NULL;
    kv->len = 0;
}

int jr_strv(const jnode *n, jpath *p, spec_strv *out, ward_err *err)
{
    size_t i;
    if (n == NULL || n->type != JT_ARRAY)
        return jp_fail(p, err, "must be an array of strings");
    spec_strv_free(out);
    out->items = calloc(n->len + 1, sizeof(char *));
    if (out->items == NULL)
        return jp_fail(p, err, "out of memory");
    out->len = n->len;
    for (i = 0; i < n->len; i++) {
        size_t saved = jp_index(p, i);
        if (jr_string(n->u.items[i], p, &out->items[i], err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

int jr_kv(const jnode *n, jpath *p, spec_kv_list *out, ward_err *err)
{
    size_t i;
    if (jr_object(n, p, err) < 0)
        return -1;
    spec_kv_free(out);
    out->items = calloc(n->len + 1, sizeof(spec_kv));
    if (out->items == NULL)
        return jp_fail(p, err, "out of memory");
    out->len = n->len;
    for (i = 0; i < n->len; i++) {
        size_t saved = jp_key(p, n->u.members[i].key);
        if (jr_string(n->u.members[i].val, p, &out->items[i].value, err) < 0)
            return -1;
        jp_pop(p, saved);
        out->items[i].key = strdup(n->u.members[i].key);
        if (out->items[i].key == NULL)
            return jp_fail(p, err, "out of memory");
    }
    return 0;
}

int jr_u32_array(const jnode *n, jpath *p, uint32_t **out, size_t *len, ward_err *err)
{
    size_t i;
    if (n == NULL || n->type != JT_ARRAY)
        return jp_fail(p, err, "must be an array of unsigned integers");
    free(*out);
    *len = 0;
    *out = calloc(n->len + 1, sizeof(uint32_t));
    if (*out == NULL)
        return jp_fail(p, err, "out of memory");
    *len = n->len;
    for (i = 0; i < n->len; i++) {
        uint64_t v;
        size_t saved = jp_index(p, i);
        if (jr_uint(n->u.items[i], p, UINT32_MAX, &v, err) < 0)
            return -1;
        jp_pop(p, saved);
        (*out)[i] = (uint32_t)v;
    }
    return 0;
}

int jr_array(const jnode *n, jpath *p, size_t elem_size, void **items, size_t *len, jr_elem_fn fn,
             ward_err *err)
{
    size_t i;
    if (n == NULL || n->type != JT_ARRAY)
        return jp_fail(p, err, "must be an array");
    *items = calloc(n->len + 1, elem_size);
    if (*items == NULL)
        return jp_fail(p, err, "out of memory");
    *len = n->len;
    for (i = 0; i < n->len; i++) {
        size_t saved = jp_index(p, i);
        if (jr_object(n->u.items[i], p, err) < 0)
            return -1;
        if (fn(n->u.items[i], p, (char *)*items + i * elem_size, err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

static int parse_char(const jnode *v, const jpath *p, const jfield *f, char *out, ward_err *err)
{
    size_t i;
    if (v == NULL || v->type != JT_STRING || v->len != 1 || strchr(f->chars, v->u.s[0]) == NULL) {
        char list[64] = "";
        for (i = 0; f->chars[i] != '\0' && strlen(list) + 8 < sizeof(list); i++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%c\"", i ? ", " : "",
                     f->chars[i]);
        return jp_fail(p, err, "must be one of %s", list);
    }
    *out = v->u.s[0];
    return 0;
}

static int parse_field(const jnode *v, jpath *p, const jfield *f, void *dst, ward_err *err)
{
    uint64_t u;
    int64_t i;
    switch (f->kind) {
    case JK_STR:
        return jr_string(v, p, (char **)dst, err);
    case JK_BOOL:
        return jr_bool(v, p, (bool *)dst, err);
    case JK_STRV:
        return jr_strv(v, p, (spec_strv *)dst, err);
    case JK_CHAR:
        return parse_char(v, p, f, (char *)dst, err);
    case JK_U16:
    case JK_U32:
    case JK_U64:
        if (jr_uint(v, p,
                    f->kind == JK_U16   ? UINT16_MAX
                    : f->kind == JK_U32 ? UINT32_MAX
                                        : UINT64_MAX,
                    &u, err) < 0)
            return -1;
        if (f->kind == JK_U16)
            *(uint16_t *)dst = (uint16_t)u;
        else if (f->kind == JK_U32)
            *(uint32_t *)dst = (uint32_t)u;
        else
            *(uint64_t *)dst = u;
        return 0;
    case JK_I32:
        if (jr_int(v, p, INT32_MIN, INT32_MAX, &i, err) < 0)
            return -1;
        *(int32_t *)dst = (int32_t)i;
        return 0;
    case JK_I64:
        return jr_int(v, p, INT64_MIN, INT64_MAX, (int64_t *)dst, err);
    }
    return jp_fail(p, err, "internal error: unknown field kind");
}

int jf_parse(const jnode *obj, jpath *p, const jfield *t, size_t nt, void *base, ward_err *err)
{
    size_t k;
    if (jr_object(obj, p, err) < 0)
        return -1;
    for (k = 0; k < nt; k++) {
        const jnode *v = json_get(obj, t[k].key);
        size_t saved = jp_key(p, t[k].key);
        if (v == NULL) {
            if (t[k].flags & JF_REQUIRED)
                return jp_fail(p, err, "required");
            jp_pop(p, saved);
            continue;
        }
        if (parse_field(v, p, &t[k], (char *)base + t[k].off, err) < 0)
            return -1;
        if (t[k].has_off >= 0)
            *(bool *)((char *)base + t[k].has_off) = true;
        jp_pop(p, saved);
    }
    return 0;
}

void jf_free(const jfield *t, size_t nt, void *base)
{
    size_t k;
    for (k = 0; k < nt; k++) {
        void *dst = (char *)base + t[k].off;
        if (t[k].kind == JK_STR) {
            free(*(char **)dst);
            *(char **)dst = NULL;
        } else if (t[k].kind == JK_STRV) {
            spec_strv_free((spec_strv *)dst);
        }
    }
}
