/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build a jnode tree with yajl's stream parser. yajl_tree_parse would do the building, but it
 * neither reports where an error is nor limits nesting; the callbacks here do both, and also refuse
 * duplicate keys (two parsers reading one document differently is a classic confusion attack) and
 * strings that are not RFC 8259's (see json_string.c): invalid UTF-8, unpaired surrogates, and a
 * NUL, which would silently truncate a C string such as a path. Those errors name the JSON path.
 */
#include "spec/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "spec/base/cleanup.h"
#include "spec/parse.h"

typedef struct builder {
    yajl_handle h;
    const char *text; /* the whole document, to check the raw text of each string */
    size_t len;
    jnode *root;
    jnode *stack[JSON_MAX_DEPTH + 1];
    size_t depth;
    char *pending_key; /* key read, value not yet */
    size_t values;
    char msg[256]; /* why a callback cancelled the parse */
} builder;

void json_free(jnode *n)
{
    size_t i;
    if (n == NULL)
        return;
    if (n->type == JT_STRING || n->type == JT_NUMBER)
        free(n->u.s);
    else if (n->type == JT_ARRAY) {
        for (i = 0; i < n->len; i++)
            json_free(n->u.items[i]);
        free(n->u.items);
    } else if (n->type == JT_OBJECT) {
        for (i = 0; i < n->len; i++) {
            free(n->u.members[i].key);
            json_free(n->u.members[i].val);
        }
        free(n->u.members);
    }
    free(n);
}

static int cancel(builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cancel(builder *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->msg, sizeof(b->msg), fmt, ap);
    va_end(ap);
    return 0; /* tells yajl to stop */
}

static int grow(void **arr, size_t *cap, size_t len, size_t elem)
{
    size_t ncap;
    void *p;
    if (len < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 4;
    p = realloc(*arr, ncap * elem);
    if (p == NULL)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

/* Attach a new value to the container on top of the stack (or make it the root). */
static int add_value(builder *b, jnode *v)
{
    jnode *top;
    if (++b->values > JSON_MAX_VALUES) {
        json_free(v);
        return cancel(b, "more than %d JSON values", JSON_MAX_VALUES);
    }
    if (b->depth == 0) {
        b->root = v;
        return 1;
    }
    top = b->stack[b->depth - 1];
    if (top->type == JT_ARRAY) {
        if (grow((void **)&top->u.items, &top->cap, top->len, sizeof(jnode *)) < 0) {
            json_free(v);
            return cancel(b, "out of memory");
        }
        top->u.items[top->len++] = v;
        return 1;
    }
    if (grow((void **)&top->u.members, &top->cap, top->len, sizeof(jmember)) < 0) {
        json_free(v);
        return cancel(b, "out of memory");
    }
    top->u.members[top->len].key = b->pending_key;
    top->u.members[top->len].val = v;
    top->len++;
    b->pending_key = NULL;
    return 1;
}

static jnode *new_node(jtype t)
{
    jnode *n = calloc(1, sizeof(*n));
    if (n != NULL)
        n->type = t;
    return n;
}

static int on_null(void *ctx)
{
    jnode *n = new_node(JT_NULL);
    return n ? add_value(ctx, n) : cancel(ctx, "out of memory");
}

static int on_bool(void *ctx, int v)
{
    jnode *n = new_node(JT_BOOL);
    if (n == NULL)
        return cancel(ctx, "out of memory");
    n->u.b = v != 0;
    return add_value(ctx, n);
}

/*
 * The JSON path of the value being added (or, for a key, of its object), from the stack: each
 * open container's last member or item leads to the next one.
 */
static void builder_path(const builder *b, bool for_key, jpath *p)
{
    jp_init(p, NULL);
    for (size_t i = 0; i < b->depth; i++) {
        const jnode *c = b->stack[i];
        bool top = i + 1 == b->depth;
        if (top && for_key)
            break;
        if (c->type == JT_ARRAY)
            jp_index(p, top ? c->len : c->len - 1);
        else if (top)
            jp_key(p, b->pending_key ? b->pending_key : "?");
        else
            jp_key(p, c->u.members[c->len - 1].key);
    }
}

/*
 * Check the raw text of the string token yajl just read (it ends where yajl stopped reading, at
 * the closing quote; it starts at the first quote found going back that no backslash escapes:
 * outside a string JSON has no backslashes). yajl hands callbacks decoded text, which hides what
 * RFC 8259 forbids, so the raw bytes are what is checked.
 */
static int check_raw_string(builder *b, bool is_key)
{
    size_t end = yajl_get_bytes_consumed(b->h), start;
    char why[96];
    jpath p;

    if (end < 2 || end > b->len || b->text[end - 1] != '"')
        return cancel(b, "internal error: cannot find the string yajl read");
    for (start = end - 1; start-- > 0;) {
        size_t bs = 0;
        if (b->text[start] != '"')
            continue;
        while (bs < start && b->text[start - 1 - bs] == '\\')
            bs++;
        if (bs % 2 == 0)
            break;
    }
    if (start == (size_t)-1)
        return cancel(b, "internal error: cannot find the string yajl read");
    if (json_check_string(b->text + start + 1, end - start - 2, why, sizeof(why)) == 0)
        return 1;
    builder_path(b, is_key, &p);
    if (is_key)
        return p.len ? cancel(b, "%s: an object key %s", p.buf, why)
                     : cancel(b, "an object key %s", why);
    return p.len ? cancel(b, "%s: %s", p.buf, why) : cancel(b, "string %s", why);
}

static int add_text(builder *b, jtype t, const unsigned char *s, size_t len)
{
    jnode *n;
    if (t == JT_STRING && !check_raw_string(b, false))
        return 0;
    if (memchr(s, '\0', len) != NULL) /* cannot happen after the check above */
        return cancel(b, "string contains a NUL character");
    n = new_node(t);
    if (n == NULL || (n->u.s = strndup((const char *)s, len)) == NULL) {
        free(n);
        return cancel(b, "out of memory");
    }
    n->len = len;
    return add_value(b, n);
}

static int on_number(void *ctx, const char *s, size_t len)
{
    return add_text(ctx, JT_NUMBER, (const unsigned char *)s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    return add_text(ctx, JT_STRING, s, len);
}

static int open_container(builder *b, jtype t)
{
    jnode *n;
    if (b->depth >= JSON_MAX_DEPTH)
        return cancel(b, "nested deeper than %d levels", JSON_MAX_DEPTH);
    n = new_node(t);
    if (n == NULL)
        return cancel(b, "out of memory");
    if (!add_value(b, n))
        return 0;
    b->stack[b->depth++] = n;
    return 1;
}

static int on_start_map(void *ctx)
{
    return open_container(ctx, JT_OBJECT);
}

static int on_start_array(void *ctx)
{
    return open_container(ctx, JT_ARRAY);
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
    builder *b = ctx;
    if (!check_raw_string(b, true))
        return 0;
    if (memchr(s, '\0', len) != NULL) /* cannot happen after the check above */
        return cancel(b, "object key contains a NUL character");
    b->pending_key = strndup((const char *)s, len);
    return b->pending_key ? 1 : cancel(b, "out of memory");
}

static int cmp_member_key(const void *a, const void *b)
{
    return strcmp((*(const jmember *const *)a)->key, (*(const jmember *const *)b)->key);
}

/* Duplicate keys are found by sorting pointers to the members: O(n log n) even for huge objects. */
static int check_duplicates(builder *b, const jnode *obj)
{
    cleanup_free const jmember **sorted = NULL;
    size_t i;
    if (obj->len < 2)
        return 1;
    sorted = malloc(obj->len * sizeof(*sorted));
    if (sorted == NULL)
        return cancel(b, "out of memory");
    for (i = 0; i < obj->len; i++)
        sorted[i] = &obj->u.members[i];
    qsort(sorted, obj->len, sizeof(*sorted), cmp_member_key);
    for (i = 1; i < obj->len; i++)
        if (strcmp(sorted[i - 1]->key, sorted[i]->key) == 0)
            return cancel(b, "duplicate key \"%.64s\"", sorted[i]->key);
    return 1;
}

static int on_end_map(void *ctx)
{
    builder *b = ctx;
    b->depth--;
    return check_duplicates(b, b->stack[b->depth]);
}

static int on_end_array(void *ctx)
{
    ((builder *)ctx)->depth--;
    return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

static void line_col(const char *text, size_t off, size_t *line, size_t *col)
{
    size_t i, l = 1, start = 0;
    for (i = 0; i < off; i++)
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = off - start + 1;
}

/* Report a parse failure at the byte offset yajl stopped at. */
static int fail_at(yajl_handle h, const builder *b, const char *text, size_t len, size_t off,
                   ward_err *err)
{
    size_t line, col;
    char yerr[256] = "";
    if (off > len)
        off = len;
    line_col(text, off, &line, &col);
    if (b->msg[0] != '\0')
        return ward_fail(err, "line %zu, column %zu: %s", line, col, b->msg);
    unsigned char *e = yajl_get_error(h, 0, (const unsigned char *)text, len);
    if (e != NULL) {
        snprintf(yerr, sizeof(yerr), "%s", (const char *)e);
        yajl_free_error(h, e);
    }
    yerr[strcspn(yerr, "\n")] = '\0';
    if (yerr[0] != '\0' && yerr[strlen(yerr) - 1] == '.')
        yerr[strlen(yerr) - 1] = '\0';
    return ward_fail(err, "line %zu, column %zu: invalid JSON: %s", line, col,
                     yerr[0] ? yerr : "parse error");
}

int json_parse(const char *text, size_t len, jnode **out, ward_err *err)
{
    builder b = {.text = text, .len = len};
    yajl_handle h;
    yajl_status st;
    int ret = 0;

    if (len > JSON_MAX_BYTES)
        return ward_fail(err, "document larger than %zu bytes", JSON_MAX_BYTES);
    h = yajl_alloc(&callbacks, NULL, &b);
    if (h == NULL)
        return ward_fail(err, "out of memory");
    b.h = h;
    st = yajl_parse(h, (const unsigned char *)text, len);
    if (st != yajl_status_ok) {
        size_t used = yajl_get_bytes_consumed(h);
        ret = fail_at(h, &b, text, len, used ? used - 1 : 0, err);
    } else if (yajl_complete_parse(h) != yajl_status_ok) {
        ret = fail_at(h, &b, text, len, len, err);
    } else if (b.root == NULL) {
        ret = ward_fail(err, "line 1, column 1: invalid JSON: empty document");
    }
    yajl_free(h);
    free(b.pending_key);
    if (ret < 0) {
        json_free(b.root);
        return ret;
    }
    *out = b.root;
    return 0;
}

const jnode *json_get(const jnode *obj, const char *key)
{
    size_t i;
    if (obj == NULL || obj->type != JT_OBJECT)
        return NULL;
    for (i = 0; i < obj->len; i++)
        if (strcmp(obj->u.members[i].key, key) == 0)
            return obj->u.members[i].val->type == JT_NULL ? NULL : obj->u.members[i].val;
    return NULL;
}

int spec_json_check(const char *text, size_t len, ward_err *err)
{
    cleanup_json jnode *root = NULL;
    return json_parse(text, len, &root, err);
}
