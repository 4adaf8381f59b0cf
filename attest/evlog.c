/* SPDX-License-Identifier: Apache-2.0 */

#include "attest/evlog.h"
#include "attest/codec.h"
#include "spec/base/cleanup.h"
#include "spec/parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_MAX 64
#define KEY_MAX  64
#define TIME_MAX 40

static bool valid_name(const char *s, const char *extra, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              strchr(extra, *s) != NULL))
            return false;
    return true;
}

static bool valid_value(const char *s)
{
    if (strlen(s) > WARD_EVENT_MAX_VALUE)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

static int check_data(const char *type, const char *const *keys, const char *const *vals, size_t n,
                      ward_err *err)
{
    if (!valid_name(type, ".-", TYPE_MAX))
        return ward_fail(err, "event type \"%s\": must be 1-%d of [a-z0-9_.-]", type, TYPE_MAX);
    if (n > WARD_EVENT_MAX_DATA)
        return ward_fail(err, "event data: more than %d members", WARD_EVENT_MAX_DATA);
    for (size_t i = 0; i < n; i++) {
        if (!valid_name(keys[i], "", KEY_MAX))
            return ward_fail(err, "event data: key \"%s\": must be 1-%d of [a-z0-9_]", keys[i],
                             KEY_MAX);
        if (!valid_value(vals[i]))
            return ward_fail(err, "event data.%s: must be at most %d bytes, no control characters",
                             keys[i], WARD_EVENT_MAX_VALUE);
        for (size_t j = 0; j < i; j++)
            if (strcmp(keys[i], keys[j]) == 0)
                return ward_fail(err, "event data: key \"%s\" given twice", keys[i]);
    }
    return 0;
}

static int cmp_index(const void *a, const void *b, void *keys)
{
    char **k = keys;
    return strcmp(k[*(const size_t *)a], k[*(const size_t *)b]);
}

int ward_event_new(ward_event *ev, const char *type, const char *const *keys,
                   const char *const *vals, size_t n, ward_err *err)
{
    size_t order[WARD_EVENT_MAX_DATA];

    memset(ev, 0, sizeof(*ev));
    if (check_data(type, keys, vals, n, err) < 0)
        return -1;
    ev->type = strdup(type);
    ev->keys = calloc(n + 1, sizeof(char *));
    ev->vals = calloc(n + 1, sizeof(char *));
    if (ev->type == NULL || ev->keys == NULL || ev->vals == NULL)
        goto oom;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    qsort_r(order, n, sizeof(order[0]), cmp_index, (void *)keys);
    for (size_t i = 0; i < n; i++) {
        ev->keys[i] = strdup(keys[order[i]]);
        ev->vals[i] = strdup(vals[order[i]]);
        ev->n_data = i + 1;
        if (ev->keys[i] == NULL || ev->vals[i] == NULL)
            goto oom;
    }
    return 0;
oom:
    ward_event_free(ev);
    return ward_fail_errno(err, ENOMEM, "event");
}

int ward_event_new_json(ward_event *ev, const char *type, const char *data_json, ward_err *err)
{
    char ebuf[256] = "";
    yajl_val tree;
    const char *keys[WARD_EVENT_MAX_DATA], *vals[WARD_EVENT_MAX_DATA];
    size_t n;
    int r;

    memset(ev, 0, sizeof(*ev));
    if (spec_json_check(data_json, strlen(data_json), err) < 0)
        return ward_err_prefix(err, "event data: not JSON");
    tree = yajl_tree_parse(data_json, ebuf, sizeof(ebuf));
    if (tree == NULL) {
        ebuf[strcspn(ebuf, "\n")] = '\0';
        return ward_fail(err, "event data: not JSON: %s", ebuf);
    }
    if (!YAJL_IS_OBJECT(tree)) {
        yajl_tree_free(tree);
        return ward_fail(err, "event data: must be a JSON object");
    }
    n = tree->u.object.len;
    if (n > WARD_EVENT_MAX_DATA) {
        yajl_tree_free(tree);
        return ward_fail(err, "event data: more than %d members", WARD_EVENT_MAX_DATA);
    }
    for (size_t i = 0; i < n; i++) {
        keys[i] = tree->u.object.keys[i];
        vals[i] = YAJL_GET_STRING(tree->u.object.values[i]);
        if (vals[i] == NULL) {
            ward_fail(err, "event data.%s: must be a string", keys[i]);
            yajl_tree_free(tree);
            return -1;
        }
    }
    r = ward_event_new(ev, type, keys, vals, n, err);
    yajl_tree_free(tree);
    return r;
}

static int emit_event(jwriter *w, const ward_event *ev, bool with_digest, ward_err *err)
{
    jw_open(w);
    jw_ku64(w, "seq", ev->seq);
    jw_ku64(w, "pcr", ev->pcr);
    jw_ku64(w, "reset_count", ev->reset_count);
    jw_kstr(w, "time", ev->time ? ev->time : "");
    jw_kstr(w, "type", ev->type);
    jw_key(w, "data");
    jw_open(w);
    for (size_t i = 0; i < ev->n_data; i++)
        jw_kstr(w, ev->keys[i], ev->vals[i]);
    jw_close(w);
    if (with_digest) {
        cleanup_free char *hex = NULL;
        if (ward_hex_encode(ev->digest, 32, &hex, err) < 0)
            return -1;
        jw_kstr(w, "digest", hex);
    }
    jw_close(w);
    return 0;
}

int ward_event_emit(jwriter *w, const ward_event *ev, ward_err *err)
{
    return emit_event(w, ev, true, err);
}

/* Serialise on its own, compact: the canonical form the digest is taken over, and a log line. */
static int serialise(const ward_event *ev, bool with_digest, char **out, size_t *len, ward_err *err)
{
    cleanup_jwriter jwriter w = {0};
    if (jw_init(&w, false, err) < 0 || emit_event(&w, ev, with_digest, err) < 0 ||
        jw_finish(&w, out, len, err) < 0)
        return ward_err_prefix(err, "event");
    return 0;
}

int ward_event_seal(ward_event *ev, ward_err *err)
{
    cleanup_free char *canon = NULL;
    size_t len;
    if (serialise(ev, false, &canon, &len, err) < 0)
        return -1;
    return ward_sha256(canon, len, ev->digest, err);
}

int ward_event_to_line(const ward_event *ev, char **line, size_t *len, ward_err *err)
{
    return serialise(ev, true, line, len, err);
}

void ward_event_free(ward_event *ev)
{
    for (size_t i = 0; i < ev->n_data; i++) {
        free(ev->keys[i]);
        free(ev->vals[i]);
    }
    free(ev->keys);
    free(ev->vals);
    free(ev->time);
    free(ev->type);
    memset(ev, 0, sizeof(*ev));
}

void ward_evlog_free(ward_evlog *log)
{
    for (size_t i = 0; i < log->n; i++)
        ward_event_free(&log->ev[i]);
    free(log->ev);
    log->ev = NULL;
    log->n = 0;
}

size_t ward_evlog_since_reset(const ward_evlog *log, uint32_t reset_count)
{
    size_t i = log->n;
    while (i > 0 && log->ev[i - 1].reset_count == reset_count)
        i--;
    return i;
}

int ward_evlog_replay(const ward_evlog *log, size_t from, uint32_t pcr, uint8_t out[32],
                      size_t *count, ward_err *err)
{
    uint8_t buf[64];
    memset(out, 0, 32);
    *count = 0;
    for (size_t i = from; i < log->n; i++) {
        if (log->ev[i].pcr != pcr)
            continue;
        memcpy(buf, out, 32);
        memcpy(buf + 32, log->ev[i].digest, 32);
        if (ward_sha256(buf, sizeof(buf), out, err) < 0)
            return -1;
        (*count)++;
    }
    return 0;
}

int ward_evlog_check_order(const ward_evlog *log, const char *what, ward_err *err)
{
    for (size_t i = 1; i < log->n; i++) {
        const ward_event *prev = &log->ev[i - 1], *ev = &log->ev[i];
        if (ev->seq <= prev->seq)
            return ward_fail(err, "%s %zu: seq %llu after seq %llu: events out of order", what,
                             i + 1, (unsigned long long)ev->seq, (unsigned long long)prev->seq);
        if (ev->seq != prev->seq + 1)
            return ward_fail(err, "%s %zu: seq %llu after seq %llu: events missing", what, i + 1,
                             (unsigned long long)ev->seq, (unsigned long long)prev->seq);
        if (ev->reset_count < prev->reset_count)
            return ward_fail(err, "%s %zu: reset_count %u after %u: events out of order", what,
                             i + 1, ev->reset_count, prev->reset_count);
    }
    return 0;
}
