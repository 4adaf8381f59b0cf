/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hashing a job's outputs for the result manifest: a directory is walked without following any
 * symlink (a symlink is recorded as such: the digest of its target text), every regular file is
 * hashed (SHA-256, streaming) on all cores, and the list is sorted by name (byte order). A file
 * that cannot be read, or anything that is not a directory, regular file or symlink, is an error.
 * Names are "<prefix>/<path relative to the output>", or just prefix for a single-file output.
 */
#ifndef WARD_ATTEST_OUTPUTS_H
#define WARD_ATTEST_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/base/error.h"

typedef struct ward_output {
    char *name;
    uint8_t sha256[32];
    char *link_target; /* non-NULL for a symlink (sha256 is of this text) */
} ward_output;

typedef struct ward_outputs {
    ward_output *v;
    size_t n, cap;
} ward_outputs;

/*
 * Add the output at fd (a directory or a regular file; an O_PATH fd is fine) to out, names under
 * prefix; threads: hashing threads (0: one per online CPU). Call ward_outputs_sort once after the
 * last output.
 */
int ward_outputs_add(int fd, const char *prefix, unsigned threads, ward_outputs *out,
                     ward_err *err);
/* Sort by name; a name given twice (two outputs with the same last component) is an error. */
int ward_outputs_sort(ward_outputs *out, ward_err *err);
void ward_outputs_free(ward_outputs *out);

#endif
