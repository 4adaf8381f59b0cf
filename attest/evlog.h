/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward's measurement event log: append-only, one JSON object a line, for example
 *   {"seq":0,"pcr":23,"reset_count":4,"time":"2026-11-22T11:28:01Z","type":"container",
 *    "data":{"config_digest":"sha256:..","id":"c1","image_digest":"sha256:.."},"digest":"<hex>"}
 * digest is the SHA-256 of the same object without "digest", serialised canonically (fields in
 * the order above, data keys sorted, no spaces); it is what was extended into PCR `pcr`.
 * seq counts up by one per line; reset_count is the TPM's clockInfo.resetCount when the event
 * was measured (the PCRs start from zero on each reset, so a quote is replayed against the
 * events of its own reset count).
 */
#ifndef WARD_ATTEST_EVLOG_H
#define WARD_ATTEST_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "spec/base/error.h"
#include "spec/json_write.h"

#define WARD_DEFAULT_EVENT_LOG "/var/lib/ward/attest/events.log"
#define WARD_EVENT_MAX_DATA    32   /* data keys per event */
#define WARD_EVENT_MAX_VALUE   1024 /* bytes per data value */
#define WARD_EVENT_LINE_MAX    (64 * 1024)

typedef struct ward_event {
    uint64_t seq;
    uint32_t pcr;
    uint32_t reset_count;
    char *time; /* UTC, RFC 3339 */
    char *type;
    size_t n_data;
    char **keys; /* sorted */
    char **vals;
    uint8_t digest[32];
} ward_event;

typedef struct ward_evlog {
    ward_event *ev;
    size_t n;
} ward_evlog;

/* A new event (type and data validated, copied, keys sorted); seq, pcr, time, digest still unset.
 */
int ward_event_new(ward_event *ev, const char *type, const char *const *keys,
                   const char *const *vals, size_t n, ward_err *err);

/* Same, data given as a JSON object whose members are all strings. */
int ward_event_new_json(ward_event *ev, const char *type, const char *data_json, ward_err *err);

/* Compute ev->digest from the other fields. */
int ward_event_seal(ward_event *ev, ward_err *err);

/* Write the event (with its digest) as a JSON object. */
int ward_event_emit(jwriter *w, const ward_event *ev, ward_err *err);

/* The event as one log line, without the newline; *line is malloc'ed. */
int ward_event_to_line(const ward_event *ev, char **line, size_t *len, ward_err *err);

/* Parse and check one event object: field types and ranges, and that the digest matches. */
int ward_event_from_tree(yajl_val obj, ward_event *ev, ward_err *err);

void ward_event_free(ward_event *ev);

/* Parse a whole log file's text ("name:LINE: ..." in errors); checks seq order on the way. */
int ward_evlog_parse(const char *text, size_t len, const char *name, ward_evlog *log,
                     ward_err *err);

/* Check seq (consecutive) and reset_count (never decreasing) order of a parsed list of events. */
int ward_evlog_check_order(const ward_evlog *log, const char *what, ward_err *err);

/* Index of the first event of the trailing run with this reset_count (log->n when none). */
size_t ward_evlog_since_reset(const ward_evlog *log, uint32_t reset_count);

/* Replay events [from, log->n) for one PCR from 32 zero bytes; *count = events replayed. */
int ward_evlog_replay(const ward_evlog *log, size_t from, uint32_t pcr, uint8_t out[32],
                      size_t *count, ward_err *err);

void ward_evlog_free(ward_evlog *log);

/* --- the file (evlog_file.c) --- */

typedef struct ward_evlog_file {
    int lock_fd;  /* the log's directory, flock'ed (-1: the directory does not exist) */
    int fd;       /* the log (exclusive mode: open for appending; -1 otherwise) */
    bool created; /* exclusive mode: this open created the (empty) log */
} ward_evlog_file;

/*
 * Lock the log's directory (flock, shared or exclusive) and read and parse the log; a missing
 * file is an empty log. Exclusive mode (to append) creates the directory and the file when
 * missing and keeps the file open. The log must be a regular file, not a symlink.
 */
int ward_evlog_open(const char *path, bool exclusive, ward_evlog_file *f, ward_evlog *log,
                    ward_err *err);

/* Append one sealed event as a line and fsync it (exclusive mode). */
int ward_evlog_append(ward_evlog_file *f, const char *path, const ward_event *ev, ward_err *err);

/* Release the lock and close; unlink_empty: remove the log again if this open created it. */
void ward_evlog_close(ward_evlog_file *f, const char *path, bool unlink_empty);

#endif
