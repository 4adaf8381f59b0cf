/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whole-file reads and complete writes, the one copy every module uses: reads are bounded (a
 * hostile file cannot make ward allocate without limit) and NUL-terminated; both retry EINTR and
 * short transfers.
 */
#ifndef WARD_SPEC_BASE_FILE_H
#define WARD_SPEC_BASE_FILE_H

#include <stddef.h>

#include "spec/base/error.h"

/*
 * Read from fd to its end (at most max bytes) into *out, malloc'ed and NUL-terminated; *len (may
 * be NULL) gets the length. name is the file's name in messages: "read NAME: ...",
 * "NAME: larger than MAX bytes" (errnum EFBIG).
 */
int ward_read_fd(int fd, const char *name, size_t max, char **out, size_t *len, ward_err *err);

/* Open path (which must be a regular file) and ward_read_fd() it. */
int spec_read_file(const char *path, size_t max, char **out, size_t *len, ward_err *err);

/* write(2) until all of buf is written: 0, or -1 with errno set (EIO for a write of 0 bytes). */
int ward_write_all(int fd, const void *buf, size_t len);

#endif
