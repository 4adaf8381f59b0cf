/* SPDX-License-Identifier: Apache-2.0 */
/* JSON output through yajl_gen (which does the escaping); one sticky error flag per writer. */
#include "spec/json_write.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(jwriter *w, yajl_gen_status st)
{
    if (st != yajl_gen_status_ok)
        w->failed = true;
}

int jw_init(jwriter *w, bool pretty, ward_err *err)
{
    return jw_init_indent(w, pretty ? "\t" : NULL, err);
}

int jw_init_indent(jwriter *w, const char *indent, ward_err *err)
{
    w->failed = false;
    w->g = yajl_gen_alloc(NULL);
    if (w->g == NULL)
        return ward_fail(err, "out of memory");
    if (indent != NULL) {
        yajl_gen_config(w->g, yajl_gen_beautify, 1);
        yajl_gen_config(w->g, yajl_gen_indent_string, indent);
    }
    /* Output is always valid UTF-8: strings come from validated input or from ward itself. */
    yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
    return 0;
}

void jw_abandon(jwriter *w)
{
    if (w->g != NULL)
        yajl_gen_free(w->g);
    w->g = NULL;
}

int jw_finish(jwriter *w, char **out, size_t *len, ward_err *err)
{
    const unsigned char *buf;
    size_t n;
    char *s;
    if (w->failed || yajl_gen_get_buf(w->g, &buf, &n) != yajl_gen_status_ok) {
        jw_abandon(w);
        return ward_fail(err, "cannot generate JSON (invalid string or structure)");
    }
    s = malloc(n + 1);
    if (s == NULL) {
        jw_abandon(w);
        return ward_fail(err, "out of memory");
    }
    memcpy(s, buf, n);
    s[n] = '\0';
    jw_abandon(w);
    *out = s;
    if (len != NULL)
        *len = n;
    return 0;
}

void jw_open(jwriter *w)
{
    check(w, yajl_gen_map_open(w->g));
}

void jw_close(jwriter *w)
{
    check(w, yajl_gen_map_close(w->g));
}

void jw_open_array(jwriter *w)
{
    check(w, yajl_gen_array_open(w->g));
}

void jw_close_array(jwriter *w)
{
    check(w, yajl_gen_array_close(w->g));
}

void jw_strn(jwriter *w, const char *s, size_t len)
{
    check(w, yajl_gen_string(w->g, (const unsigned char *)s, len));
}

void jw_str(jwriter *w, const char *s)
{
    jw_strn(w, s, strlen(s));
}

void jw_key(jwriter *w, const char *key)
{
    jw_str(w, key);
}

void jw_kstr(jwriter *w, const char *key, const char *s)
{
    if (s == NULL)
        return;
    jw_key(w, key);
    jw_str(w, s);
}

void jw_null(jwriter *w)
{
    check(w, yajl_gen_null(w->g));
}

void jw_bool(jwriter *w, bool b)
{
    check(w, yajl_gen_bool(w->g, b));
}

void jw_kbool(jwriter *w, const char *key, bool b)
{
    jw_key(w, key);
    jw_bool(w, b);
}

/* Numbers go through yajl_gen_number so that uint64 values above INT64_MAX stay exact. */
void jw_u64(jwriter *w, uint64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
    check(w, yajl_gen_number(w->g, buf, (size_t)n));
}

void jw_i64(jwriter *w, int64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRId64, v);
    check(w, yajl_gen_number(w->g, buf, (size_t)n));
}

void jw_ku64(jwriter *w, const char *key, uint64_t v)
{
    jw_key(w, key);
    jw_u64(w, v);
}

void jw_ki64(jwriter *w, const char *key, int64_t v)
{
    jw_key(w, key);
    jw_i64(w, v);
}

void jw_strv(jwriter *w, const spec_strv *v)
{
    size_t i;
    jw_open_array(w);
    for (i = 0; i < v->len; i++)
        jw_str(w, v->items[i]);
    jw_close_array(w);
}

void jw_kstrv(jwriter *w, const char *key, const spec_strv *v)
{
    if (v->len == 0)
        return;
    jw_key(w, key);
    jw_strv(w, v);
}

void jw_kv(jwriter *w, const spec_kv_list *kv)
{
    size_t i;
    jw_open(w);
    for (i = 0; i < kv->len; i++) {
        jw_key(w, kv->items[i].key);
        jw_str(w, kv->items[i].value);
    }
    jw_close(w);
}

void jw_node(jwriter *w, const jnode *n)
{
    size_t i;
    switch (n->type) {
    case JT_NULL:
        jw_null(w);
        break;
    case JT_BOOL:
        jw_bool(w, n->u.b);
        break;
    case JT_NUMBER:
        check(w, yajl_gen_number(w->g, n->u.s, n->len));
        break;
    case JT_STRING:
        jw_strn(w, n->u.s, n->len);
        break;
    case JT_ARRAY:
        jw_open_array(w);
        for (i = 0; i < n->len; i++)
            jw_node(w, n->u.items[i]);
        jw_close_array(w);
        break;
    case JT_OBJECT:
        jw_open(w);
        for (i = 0; i < n->len; i++) {
            jw_key(w, n->u.members[i].key);
            jw_node(w, n->u.members[i].val);
        }
        jw_close(w);
        break;
    }
}

static int json_text(jwriter *w, const char *text, bool object, ward_err *err)
{
    cleanup_json jnode *n = NULL;
    if (json_parse(text, strlen(text), &n, err) < 0 ||
        (object && n->type != JT_OBJECT && ward_fail(err, "must be a JSON object") < 0)) {
        w->failed = true;
        return -1;
    }
    jw_node(w, n);
    return 0;
}

int jw_json(jwriter *w, const char *text, ward_err *err)
{
    return json_text(w, text, false, err);
}

int jw_json_object(jwriter *w, const char *text, ward_err *err)
{
    return json_text(w, text, true, err);
}

/* forced: the field is required or its has_ flag is set, so it is written even when empty. */
static void emit_field(jwriter *w, const jfield *f, const void *src, bool forced)
{
    switch (f->kind) {
    case JK_STR:
        jw_kstr(w, f->key, *(char *const *)src);
        return;
    case JK_STRV:
        if (forced || ((const spec_strv *)src)->len > 0) {
            jw_key(w, f->key);
            jw_strv(w, src);
        }
        return;
    case JK_CHAR: {
        char s[2] = {*(const char *)src, '\0'};
        if (s[0] != '\0')
            jw_kstr(w, f->key, s);
        return;
    }
    case JK_BOOL:
        if (forced || *(const bool *)src)
            jw_kbool(w, f->key, *(const bool *)src);
        return;
    default:
        break;
    }
    int64_t sv = 0;
    uint64_t uv = 0;
    bool is_signed = f->kind == JK_I32 || f->kind == JK_I64;
    if (f->kind == JK_U16)
        uv = *(const uint16_t *)src;
    else if (f->kind == JK_U32)
        uv = *(const uint32_t *)src;
    else if (f->kind == JK_U64)
        uv = *(const uint64_t *)src;
    else if (f->kind == JK_I32)
        sv = *(const int32_t *)src;
    else
        sv = *(const int64_t *)src;
    if (!forced && (f->flags & JF_OMITZERO) && sv == 0 && uv == 0)
        return;
    if (is_signed)
        jw_ki64(w, f->key, sv);
    else
        jw_ku64(w, f->key, uv);
}

void jf_emit(jwriter *w, const jfield *t, size_t nt, const void *base)
{
    size_t k;
    for (k = 0; k < nt; k++) {
        if (t[k].has_off >= 0 && !*(const bool *)((const char *)base + t[k].has_off))
            continue;
        emit_field(w, &t[k], (const char *)base + t[k].off,
                   (t[k].flags & JF_REQUIRED) || t[k].has_off >= 0);
    }
}

void jf_emit_array(jwriter *w, const char *key, const jfield *t, size_t nt, const void *items,
                   size_t n, size_t elem_size)
{
    size_t i;
    if (n == 0)
        return;
    jw_key(w, key);
    jw_open_array(w);
    for (i = 0; i < n; i++) {
        jw_open(w);
        jf_emit(w, t, nt, (const char *)items + i * elem_size);
        jw_close(w);
    }
    jw_close_array(w);
}
