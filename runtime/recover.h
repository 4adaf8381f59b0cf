/* SPDX-License-Identifier: Apache-2.0 */
/* Cleaning up after a ward that was killed in the middle of a command (recover.c). */
#ifndef WARD_RUNTIME_RECOVER_H
#define WARD_RUNTIME_RECOVER_H

#include "runtime/container.h"

/* delete --force when state.json could not be read (why): kill and remove what the id and the
 * saved config say the container has; refuse, keeping everything, when that cannot be known. */
int recover_delete(const ward_ctx *ctx, const char *id, int dirfd, const ward_err *why,
                   ward_err *err);

#endif
