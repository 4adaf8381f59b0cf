/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What ward's libFuzzer targets share: a property check that aborts (so libFuzzer saves the input
 * as a crash) and a NUL-terminated copy of the input for parsers that take a C string.
 */
#ifndef WARD_TESTS_FUZZ_H
#define WARD_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/json.h"

#define FUZZ_ASSERT(cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "property failed: %s: ", #cond);                                       \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, "\n");                                                                 \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The input as a malloc'ed C string (cut at its first NUL, as a file read into a string is). */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* A compact JSON writer; fuzz_written() takes its text (malloc'ed) or fails the property. */
static inline jwriter fuzz_writer(void)
{
    jwriter w;
    ward_err err = {0};
    FUZZ_ASSERT(jw_init(&w, false, &err) == 0, "%s", err.msg);
    return w;
}

static inline char *fuzz_written(jwriter *w, size_t *len)
{
    ward_err err = {0};
    char *out = NULL;
    FUZZ_ASSERT(jw_finish(w, &out, len, &err) == 0, "%s", err.msg);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
