/* SPDX-License-Identifier: Apache-2.0 */
/* What attest/'s files share and no other folder uses. */
#ifndef WARD_ATTEST_INTERNAL_H
#define WARD_ATTEST_INTERNAL_H

#include <errno.h>

#include "spec/base/error.h"

/*
 * Input that fails a check (evidence, a quote): errnum EBADMSG tells callers that the input was
 * rejected, not that the system failed. Returns -1.
 */
#define attest_reject(err, ...) ward_fail_code((err), EBADMSG, __VA_ARGS__)

/* The same for an error a callee already filled in (its message kept): returns -1. */
static inline int attest_rejected(ward_err *err)
{
    err->errnum = EBADMSG;
    return -1;
}

#endif
