/* SPDX-License-Identifier: Apache-2.0 */
#include "spec/base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void fail_v(ward_err *err, int code, const char *fmt, va_list ap)
{
    err->errnum = code;
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int ward_fail(ward_err *err, const char *fmt, ...)
{
    va_list ap;
    if (err == NULL)
        return -1;
    va_start(ap, fmt);
    fail_v(err, 0, fmt, ap);
    va_end(ap);
    return -1;
}

int ward_fail_code(ward_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    if (err == NULL)
        return -1;
    va_start(ap, fmt);
    fail_v(err, code, fmt, ap);
    va_end(ap);
    return -1;
}

int ward_fail_errno(ward_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    size_t len;
    if (err == NULL)
        return -1;
    va_start(ap, fmt);
    fail_v(err, errnum, fmt, ap);
    va_end(ap);
    len = strlen(err->msg);
    if (len < sizeof(err->msg))
        snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
    return -1;
}

int ward_err_prefix(ward_err *err, const char *fmt, ...)
{
    char prefix[WARD_ERR_MSG_MAX];
    char old[WARD_ERR_MSG_MAX];
    va_list ap;
    if (err == NULL)
        return -1;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
    return -1;
}

void ward_err_clear(ward_err *err)
{
    if (err == NULL)
        return;
    err->errnum = 0;
    err->msg[0] = '\0';
}
