/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The base every module shares: errors with a code, the bounded whole-file read, write_all, the
 * monotonic clock, and the JSON writer's checks (text made elsewhere, invalid UTF-8, indent).
 */
#include "spec/base/cleanup.h"
#include "spec/base/error.h"
#include "spec/base/file.h"
#include "spec/base/time.h"
#include "spec/json_write.h"
#include "tests/unit/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void test_fail_code(void)
{
    ward_err err = {0};
    tap_ok(ward_fail_code(&err, EBADMSG, "evidence: %s", "bad") == -1 && err.errnum == EBADMSG,
           "ward_fail_code returns -1 and sets the code");
    tap_streq(err.msg, "evidence: bad", "ward_fail_code's message has no errno text");
    tap_ok(ward_fail_code(NULL, EINVAL, "x") == -1, "ward_fail_code with no error to fill");
}

/* A temp file holding n bytes of 'a'..'z'; returns its fd (positioned at 0). */
static int temp_file(size_t n, char path[64])
{
    cleanup_free char *buf = malloc(n);
    int fd;
    snprintf(path, 64, "/tmp/ward-test-base-XXXXXX");
    fd = mkstemp(path);
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)('a' + i % 26);
    if (fd < 0 || ward_write_all(fd, buf, n) < 0 || lseek(fd, 0, SEEK_SET) < 0)
        return -1;
    return fd;
}

static void test_read_write(void)
{
    char path[64];
    cleanup_free char *text = NULL, *again = NULL, *small = NULL;
    ward_err err = {0};
    size_t len = 0;
    int fd = temp_file(100000, path);

    tap_ok(fd >= 0, "ward_write_all writes 100000 bytes");
    tap_ok(ward_read_fd(fd, path, 200000, &text, &len, &err) == 0 && len == 100000 &&
               text[len] == '\0' && text[99999] == (char)('a' + 99999 % 26),
           "ward_read_fd reads it all, NUL-terminated %s", err.msg);
    tap_ok(spec_read_file(path, 100000, &again, &len, &err) == 0 && len == 100000 &&
               memcmp(text, again, len) == 0,
           "spec_read_file at exactly the limit %s", err.msg);
    tap_ok(spec_read_file(path, 99999, &small, &len, &err) < 0 && err.errnum == EFBIG &&
               small == NULL,
           "one byte over the limit: EFBIG");
    tap_ok(strstr(err.msg, ": larger than 99999 bytes") != NULL, "names the limit: %s", err.msg);
    tap_ok(spec_read_file("/", 10, &small, &len, &err) < 0 && err.errnum == EINVAL,
           "a directory is not read: %s", err.msg);
    errno = 0;
    tap_ok(ward_write_all(-1, "x", 1) < 0 && errno == EBADF, "ward_write_all reports errno");
    if (fd >= 0)
        close(fd);
    unlink(path);
}

static void test_clock(void)
{
    struct timespec pause = {0, 20 * 1000000};
    long ms = ward_now_ms();
    uint64_t us = ward_now_us();
    nanosleep(&pause, NULL);
    tap_ok(ward_now_ms() - ms >= 20 && ward_now_us() - us >= 20000,
           "the monotonic clock moves with time");
}

/* Run a writer to its end; returns the text or NULL with err filled. */
static char *finish(jwriter *w, ward_err *err)
{
    char *out = NULL;
    return jw_finish(w, &out, NULL, err) < 0 ? NULL : out;
}

static void test_writer(void)
{
    ward_err err = {0};
    jwriter w;
    char *out;

    jw_init(&w, false, &err);
    jw_open(&w);
    jw_key(&w, "report");
    tap_ok(jw_json_object(&w, "{\"a\":[1,2.50,null,\"\\u00e9\"],\"b\":{}}", &err) == 0,
           "jw_json_object takes an object's text");
    jw_key(&w, "k");
    jw_strn(&w, "value and more", 5);
    jw_close(&w);
    out = finish(&w, &err);
    tap_streq(out, "{\"report\":{\"a\":[1,2.50,null,\"\xc3\xa9\"],\"b\":{}},\"k\":\"value\"}",
              "embedded as written (numbers as their text), jw_strn writes a prefix");
    free(out);

    jw_init(&w, false, &err);
    jw_open(&w);
    jw_key(&w, "x");
    tap_ok(jw_json_object(&w, "[1]", &err) < 0, "jw_json_object refuses an array");
    tap_streq(err.msg, "must be a JSON object", "and says so");
    tap_ok(jw_json(&w, "{\"a\":", &err) < 0 && strstr(err.msg, "line 1") != NULL,
           "jw_json refuses broken text with the parser's message: %s", err.msg);
    jw_close(&w);
    tap_ok(finish(&w, &err) == NULL, "a writer that failed once gives no output");

    jw_init(&w, false, &err);
    jw_open(&w);
    jw_kstr(&w, "name", "\xff\xfe");
    jw_close(&w);
    tap_ok(finish(&w, &err) == NULL, "invalid UTF-8 fails at jw_finish: %s", err.msg);

    jw_init(&w, false, &err);
    jw_open(&w);
    jw_close(&w);
    jw_close(&w);
    tap_ok(finish(&w, &err) == NULL, "unbalanced structure fails at jw_finish");

    jw_init_indent(&w, "    ", &err);
    jw_open(&w);
    jw_ku64(&w, "v", UINT64_MAX);
    jw_close(&w);
    out = finish(&w, &err);
    tap_streq(out, "{\n    \"v\": 18446744073709551615\n}\n",
              "pretty with the given indent, a final newline, uint64 exact");
    free(out);

    {
        cleanup_jwriter jwriter left = {0};
        jw_init(&left, true, &err);
        jw_open(&left);
        /* its generator is freed on scope exit: the AddressSanitizer run finds a leak if not */
        tap_ok(left.g != NULL, "an unfinished writer goes out of scope with cleanup_jwriter");
    }
}

int main(void)
{
    test_fail_code();
    test_read_write();
    test_clock();
    test_writer();
    return tap_done();
}
