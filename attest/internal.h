/* SPDX-License-Identifier: Apache-2.0 */
/* What attest/'s files share and no other folder uses. */
#ifndef WARD_ATTEST_INTERNAL_H
#define WARD_ATTEST_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

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

/*
 * The members of object obj by name: vals[i] gets the one called names[i], NULL when absent. Not
 * an object, a member not in names, or one given twice is an error ("unknown field \"x\"").
 */
int attest_fields(yajl_val obj, const char *const *names, size_t n, yajl_val *vals, ward_err *err);

#endif
