/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static const char *log_path;
static ward_log_format log_format = WARD_LOG_TEXT;
static bool log_debug;

int ward_log_init(const char *path, ward_log_format fmt, bool debug, ward_err *err)
{
    log_format = fmt;
    log_debug = debug;
    if (path == NULL || *path == '\0')
        return 0;
    /* opened on first use: an fd opened now could take a number the caller asked to preserve
     * for the container (--preserve-fds) before create has checked those */
    log_path = path;
    return 0;
}

static bool log_open(void)
{
    if (log_fd < 0 && log_path != NULL) {
        log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
        if (log_fd < 0) {
            fprintf(stderr, "ward: open log file %s: %s\n", log_path, strerror(errno));
            log_path = NULL;
        }
    }
    return log_fd >= 0;
}

static void rfc3339_now(char *buf, size_t len)
{
    struct timeval tv;
    struct tm tm;
    size_t n;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%06ldZ", (long)tv.tv_usec);
}

/* JSON string escaping for the log line; messages can hold anything a config contained. */
static size_t json_escape(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (; *s && o + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return o;
}

size_t ward_text_escape(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (; *s && o + 5 < cap; s++) {
        unsigned char c = (unsigned char)*s, next = (unsigned char)s[1];
        if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
            /* a C1 control (U+0080..U+009F, CSI among them) in UTF-8 */
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", next);
            s++;
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return o;
}

void ward_print_json(FILE *f, const char *json)
{
    /* these bytes occur in JSON text only inside strings, where \u escapes mean the same */
    for (const unsigned char *p = (const unsigned char *)json; *p; p++) {
        if (*p == 0x7f) {
            fputs("\\u007f", f);
        } else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            fprintf(f, "\\u%04x", p[1]);
            p++;
        } else {
            fputc(*p, f);
        }
    }
}

static void write_log_line(const char *level, const char *msg)
{
    char line[WARD_ERR_MSG_MAX * 7 + 128];
    char ts[64];
    int n;
    if (!log_open())
        return;
    rfc3339_now(ts, sizeof(ts));
    if (log_format == WARD_LOG_JSON) {
        char esc[WARD_ERR_MSG_MAX * 6 + 8];
        json_escape(esc, sizeof(esc), msg);
        n = snprintf(line, sizeof(line), "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
                     level, esc, ts);
    } else {
        char esc[WARD_ERR_MSG_MAX * 6 + 8];
        ward_text_escape(esc, sizeof(esc), msg);
        n = snprintf(line, sizeof(line), "%s %s: %s\n", ts, level, esc);
    }
    if (n > 0 && write(log_fd, line, strnlen(line, sizeof(line))) < 0) {
        /* nothing sensible to do when the log itself fails */
    }
}

/* Format once; the log file gets the level, stderr gets "ward: " plus prefix. */
static void log_to_both(const char *level, const char *prefix, const char *fmt, va_list ap)
{
    char msg[WARD_ERR_MSG_MAX], esc[WARD_ERR_MSG_MAX * 6 + 8];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    write_log_line(level, msg);
    ward_text_escape(esc, sizeof(esc), msg);
    fprintf(stderr, "ward: %s%s\n", prefix, esc);
}

void ward_log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_to_both("error", "", fmt, ap);
    va_end(ap);
}

void ward_log_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_to_both("warning", "warning: ", fmt, ap);
    va_end(ap);
}

void ward_log_debug(const char *fmt, ...)
{
    char msg[WARD_ERR_MSG_MAX];
    va_list ap;
    if (!log_debug)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    write_log_line("debug", msg);
    if (log_path == NULL) {
        char esc[WARD_ERR_MSG_MAX * 6 + 8];
        ward_text_escape(esc, sizeof(esc), msg);
        fprintf(stderr, "ward: debug: %s\n", esc);
    }
}

bool ward_log_debug_enabled(void)
{
    return log_debug;
}

int ward_log_fail(const ward_err *err)
{
    ward_log_error("%s", err->msg);
    return 1;
}
