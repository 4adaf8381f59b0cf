/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The escape battery's result line. Every program prints exactly one line,
 *     RESULT key=value key=value ...
 * where a value is "ok" (the call succeeded), an errno name (EPERM, EACCES...), "skip" or a
 * short token, and exits 0. The pytest side parses the line; a program that dies before printing
 * (SIGSYS from the seccomp filter) is read from the exit status instead.
 */
#ifndef WARD_SEC_RESULT_H
#define WARD_SEC_RESULT_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char result_line[4096] = "RESULT";

__attribute__((unused)) static void result_add(const char *key, const char *fmt, ...)
{
    size_t n = strlen(result_line);
    va_list ap;
    if (n + 2 >= sizeof(result_line))
        return;
    snprintf(result_line + n, sizeof(result_line) - n, " %s=", key);
    n = strlen(result_line);
    va_start(ap, fmt);
    vsnprintf(result_line + n, sizeof(result_line) - n, fmt, ap);
    va_end(ap);
}

/* rc < 0 means "failed with errno e"; anything else is ok. */
__attribute__((unused)) static void result_rc(const char *key, long rc, int e)
{
    if (rc < 0)
        result_add(key, "%s", e ? strerrorname_np(e) : "E?");
    else
        result_add(key, "ok");
}

/* Record a syscall's outcome: result_sys("mount", mount(...)). errno is read right away. */
#define result_sys(key, expr)                                                                      \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long rc_ = (long)(expr);                                                                   \
        result_rc((key), rc_, errno);                                                              \
    } while (0)

__attribute__((unused)) static int result_print(void)
{
    puts(result_line);
    fflush(stdout);
    return 0;
}

#endif
