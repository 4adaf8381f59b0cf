/* SPDX-License-Identifier: Apache-2.0 */
/* process.capabilities: the bounding set, then the other four sets (libcap names them). */
#ifndef WARD_RUNTIME_CAPS_H
#define WARD_RUNTIME_CAPS_H

#include <stdbool.h>

#include "spec/config.h"

/* Drop every capability not in process.capabilities.bounding from the bounding set. */
int caps_drop_bounding(const spec_capabilities *c, ward_err *err);
/*
 * Set effective, permitted, inheritable, then raise ambient. keep_admin: CAP_SYS_ADMIN stays in
 * the effective and permitted sets (for a seccomp filter loaded right before execve without
 * no_new_privs); execve takes it away again, since the sets after execve come from the bounding,
 * inheritable and ambient sets and the file's capabilities, never from the permitted set before.
 */
int caps_apply(const spec_capabilities *c, bool keep_admin, ward_err *err);

#endif
