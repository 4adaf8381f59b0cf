/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward's one JSON writer, for every module: yajl_gen (which escapes strings and refuses invalid
 * UTF-8 and unbalanced structure) behind one sticky error flag, so that an emitter makes its calls
 * and checks once, at jw_finish(). Compact output, or pretty with a given indent.
 *
 *     cleanup_jwriter jwriter w = {0};
 *     if (jw_init(&w, false, err) < 0)
 *         return -1;
 *     jw_open(&w);
 *     jw_kbool(&w, "enabled", true);
 *     jw_close(&w);
 *     return jw_finish(&w, &json, &len, err);
 */
#ifndef WARD_SPEC_JSON_WRITE_H
#define WARD_SPEC_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "spec/base/error.h"

typedef struct jwriter {
    yajl_gen g;
    bool failed; /* a call failed: jw_finish() reports it */
} jwriter;

/* Compact output, or pretty with one tab per level (state.json, config.json). */
int jw_init(jwriter *w, bool pretty, ward_err *err);
/* Pretty with this indent string per level, compact when indent is NULL. */
int jw_init_indent(jwriter *w, const char *indent, ward_err *err);
/*
 * Take the generated text (malloc'ed, NUL-terminated; *len may be NULL) and release the
 * generator; fails when any call before failed. Pretty output ends with a newline.
 */
int jw_finish(jwriter *w, char **out, size_t *len, ward_err *err);
/* Release the generator without output (no-op after jw_finish). */
void jw_abandon(jwriter *w);
#define cleanup_jwriter __attribute__((cleanup(jw_abandon)))

void jw_open(jwriter *w);  /* { */
void jw_close(jwriter *w); /* } */
void jw_open_array(jwriter *w);
void jw_close_array(jwriter *w);
void jw_key(jwriter *w, const char *key);
void jw_str(jwriter *w, const char *s);
void jw_strn(jwriter *w, const char *s, size_t len);      /* the first len bytes of s */
void jw_kstr(jwriter *w, const char *key, const char *s); /* skipped when s is NULL */
void jw_null(jwriter *w);
void jw_bool(jwriter *w, bool b);
void jw_kbool(jwriter *w, const char *key, bool b);
void jw_u64(jwriter *w, uint64_t v);
void jw_ku64(jwriter *w, const char *key, uint64_t v);
void jw_i64(jwriter *w, int64_t v);
void jw_ki64(jwriter *w, const char *key, int64_t v);

/*
 * A value that is already JSON text (another module's report, the container state): parsed, so
 * that bad text fails here with the parser's message instead of corrupting the output, and
 * written as it is. jw_json_object() also requires an object ("must be a JSON object").
 */
int jw_json(jwriter *w, const char *text, ward_err *err);
int jw_json_object(jwriter *w, const char *text, ward_err *err);

#endif
