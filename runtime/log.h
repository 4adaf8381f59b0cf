/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward's diagnostics: errors go to stderr as "ward: <message>" and, with --log FILE, to that file
 * as text or as the JSON lines runc and crun write ({"level":"error","msg":"...","time":"..."}),
 * which is where containerd and podman look for a runtime's error.
 */
#ifndef WARD_RUNTIME_LOG_H
#define WARD_RUNTIME_LOG_H

#include <stdbool.h>
#include <stdio.h>

#include "spec/base/error.h"

typedef enum { WARD_LOG_TEXT, WARD_LOG_JSON } ward_log_format;

/* Open the log file (append); NULL path = stderr only. */
int ward_log_init(const char *path, ward_log_format fmt, bool debug, ward_err *err);
void ward_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ward_log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ward_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool ward_log_debug_enabled(void);

/* Text that may come from a config or a state file, made safe for a terminal: control characters
 * (C0, DEL and UTF-8 C1) become \xNN / \u00NN; every text line ward prints goes through it, as
 * the JSON log escapes them. Returns the length written (truncated to fit cap). */
size_t ward_text_escape(char *out, size_t cap, const char *s);
/* Print JSON with DEL and C1 controls as \u escapes too (the JSON writer escapes only C0). */
void ward_print_json(FILE *f, const char *json);

/* Print err (with "ward: " on stderr, JSON in the log) and return exit status 1. */
int ward_log_fail(const ward_err *err);

#endif
