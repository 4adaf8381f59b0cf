/* SPDX-License-Identifier: Apache-2.0 */
/* Reading events back: every field checked, and the digest recomputed. */
#include "attest/codec.h"
#include "attest/evlog.h"
#include "attest/internal.h"
#include "spec/base/cleanup.h"
#include "spec/parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const FIELDS[] = {"seq", "pcr", "reset_count", "time", "type", "data", "digest"};
#define N_FIELDS (sizeof(FIELDS) / sizeof(FIELDS[0]))

static int get_uint(yajl_val v, const char *name, unsigned long long max, unsigned long long *out,
                    ward_err *err)
{
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 ||
        (unsigned long long)YAJL_GET_INTEGER(v) > max)
        return ward_fail(err, "%s: must be an integer from 0 to %llu", name, max);
    *out = (unsigned long long)YAJL_GET_INTEGER(v);
    return 0;
}

static bool valid_time(const char *s)
{
    size_t n = strlen(s);
    return n >= 20 && n <= 40 && strspn(s, "0123456789-:.TZ") == n;
}

/* Find every field exactly once and nothing else. */
static int fields_of(yajl_val obj, yajl_val vals[N_FIELDS], ward_err *err)
{
    if (attest_fields(obj, FIELDS, N_FIELDS, vals, err) < 0)
        return -1;
    for (size_t f = 0; f < N_FIELDS; f++)
        if (vals[f] == NULL)
            return ward_fail(err, "missing field \"%s\"", FIELDS[f]);
    return 0;
}

static int data_of(yajl_val data, const char *type, ward_event *ev, ward_err *err)
{
    const char *keys[WARD_EVENT_MAX_DATA], *vals[WARD_EVENT_MAX_DATA];
    size_t n;
    if (!YAJL_IS_OBJECT(data))
        return ward_fail(err, "data: must be an object");
    n = data->u.object.len;
    if (n > WARD_EVENT_MAX_DATA)
        return ward_fail(err, "data: more than %d members", WARD_EVENT_MAX_DATA);
    for (size_t i = 0; i < n; i++) {
        keys[i] = data->u.object.keys[i];
        vals[i] = YAJL_GET_STRING(data->u.object.values[i]);
        if (vals[i] == NULL)
            return ward_fail(err, "data.%s: must be a string", keys[i]);
        /* canonical form: keys sorted, so a reordered object is a different event */
        if (i > 0 && strcmp(keys[i - 1], keys[i]) >= 0)
            return ward_fail(err, "data: keys not in canonical (sorted) order");
    }
    return ward_event_new(ev, type, keys, vals, n, err);
}

int ward_event_from_tree(yajl_val obj, ward_event *ev, ward_err *err)
{
    yajl_val f[N_FIELDS];
    unsigned long long seq = 0, pcr = 0, reset = 0;
    uint8_t digest[32];
    const char *time, *type, *hex;

    memset(ev, 0, sizeof(*ev));
    if (fields_of(obj, f, err) < 0)
        return -1;
    if (get_uint(f[0], "seq", (1ULL << 53), &seq, err) < 0 ||
        get_uint(f[1], "pcr", 23, &pcr, err) < 0 ||
        get_uint(f[2], "reset_count", UINT32_MAX, &reset, err) < 0)
        return -1;
    time = YAJL_GET_STRING(f[3]);
    type = YAJL_GET_STRING(f[4]);
    hex = YAJL_GET_STRING(f[6]);
    if (time == NULL || !valid_time(time))
        return ward_fail(err, "time: must be an RFC 3339 UTC time string");
    if (type == NULL)
        return ward_fail(err, "type: must be a string");
    if (hex == NULL || strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64 ||
        ward_hex_decode_exact(hex, digest, 32, err) < 0)
        return ward_fail(err, "digest: must be 64 lower-case hex digits");
    if (data_of(f[5], type, ev, err) < 0)
        return -1;
    ev->seq = seq;
    ev->pcr = (uint32_t)pcr;
    ev->reset_count = (uint32_t)reset;
    ev->time = strdup(time);
    if (ev->time == NULL) {
        ward_event_free(ev);
        return ward_fail_errno(err, ENOMEM, "event");
    }
    if (ward_event_seal(ev, err) < 0 || memcmp(ev->digest, digest, 32) != 0) {
        ward_event_free(ev);
        return ward_fail(err, "digest does not match the event (event altered)");
    }
    return 0;
}

static int parse_line(char *line, ward_event *ev, ward_err *err)
{
    char ebuf[256] = "";
    yajl_val tree;
    int r;
    if (strlen(line) > WARD_EVENT_LINE_MAX)
        return ward_fail(err, "longer than %d bytes", WARD_EVENT_LINE_MAX);
    if (spec_json_check(line, strlen(line), err) < 0)
        return ward_err_prefix(err, "not valid JSON");
    tree = yajl_tree_parse(line, ebuf, sizeof(ebuf));
    if (tree == NULL) {
        ebuf[strcspn(ebuf, "\n")] = '\0';
        return ward_fail(err, "not valid JSON: %s", ebuf);
    }
    r = ward_event_from_tree(tree, ev, err);
    yajl_tree_free(tree);
    return r;
}

static int grow(ward_evlog *log, size_t *cap, ward_err *err)
{
    ward_event *ev;
    if (log->n < *cap)
        return 0;
    *cap = *cap ? *cap * 2 : 16;
    ev = realloc(log->ev, *cap * sizeof(*ev));
    if (ev == NULL)
        return ward_fail_errno(err, ENOMEM, "event log");
    log->ev = ev;
    return 0;
}

int ward_evlog_parse(const char *text, size_t len, const char *name, ward_evlog *log, ward_err *err)
{
    cleanup_free char *copy = strndup(text, len);
    char *cursor = copy, *line;
    size_t cap = 0, lineno = 0;
    char what[4200];

    log->ev = NULL;
    log->n = 0;
    if (copy == NULL)
        return ward_fail_errno(err, ENOMEM, "%s", name);
    if (strlen(copy) != len)
        return ward_fail(err, "%s: contains a NUL byte", name);
    while (cursor != NULL && *cursor != '\0') {
        line = strsep(&cursor, "\n");
        lineno++;
        if (cursor == NULL) {
            ward_evlog_free(log);
            return ward_fail(err, "%s:%zu: incomplete line (no newline): log truncated", name,
                             lineno);
        }
        if (grow(log, &cap, err) < 0 || parse_line(line, &log->ev[log->n], err) < 0) {
            ward_evlog_free(log);
            return ward_err_prefix(err, "%s:%zu", name, lineno);
        }
        log->n++;
    }
    snprintf(what, sizeof(what), "%s line", name);
    if (ward_evlog_check_order(log, what, err) < 0) {
        ward_evlog_free(log);
        return -1;
    }
    return 0;
}
