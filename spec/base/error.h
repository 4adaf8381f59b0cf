/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward's one error type (crun's libcrun_error_t idea, without the heap): a function that fails
 * returns a negative value and fills *err with an errno and a message; callers add context with
 * ward_err_prefix(). The buffer is fixed so that it works in a forked child and never fails.
 */
#ifndef WARD_SPEC_ERROR_H
#define WARD_SPEC_ERROR_H

#include <stddef.h>

#define WARD_ERR_MSG_MAX 1024

typedef struct ward_err {
    int errnum;                 /* errno of the failure, 0 when it is not a system error */
    char msg[WARD_ERR_MSG_MAX]; /* human-readable, no trailing newline */
} ward_err;

/* Fill err with a message (no errno text); returns -1 so callers can `return ward_fail(...)`. */
int ward_fail(ward_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fill err with a message followed by ": strerror(errnum)"; returns -1. */
int ward_fail_errno(ward_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Fill err with a message (no errno text) and errnum code: an errno value or one of the codes a
 * module defines on top of them (WARD_ENOTPM), for callers that tell failures apart, e.g.
 * EBADMSG for rejected evidence. Returns -1.
 */
int ward_fail_code(ward_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepend "context: " to the message already in err; returns -1. */
int ward_err_prefix(ward_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void ward_err_clear(ward_err *err);

#endif
