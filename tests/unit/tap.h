/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal TAP producer for ward's C unit tests (automake's tap-driver.sh reads it). */
#ifndef WARD_TESTS_TAP_H
#define WARD_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static inline void tap_plan(int n)
{
    printf("1..%d\n", n);
}

static inline int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    tap_count++;
    if (!cond)
        tap_failed++;
    printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return cond;
}

/* Compare strings; prints both on failure. */
#define tap_streq(got, want, name)                                                                 \
    do {                                                                                           \
        const char *_g = (got), *_w = (want);                                                      \
        if (!tap_ok(_g && _w && strcmp(_g, _w) == 0, "%s", name))                                  \
            printf("#   got:  \"%s\"\n#   want: \"%s\"\n", _g ? _g : "(null)",                     \
                   _w ? _w : "(null)");                                                            \
    } while (0)

/* Print the plan at the end (tests that count as they go). */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif
