/* SPDX-License-Identifier: Apache-2.0 */
/* process.capabilities: the bounding set, then the other four sets (libcap names them). */
#ifndef WARD_RUNTIME_CAPS_H
#define WARD_RUNTIME_CAPS_H

#include "spec/config.h"

/* Drop every capability not in process.capabilities.bounding from the bounding set. */
int caps_drop_bounding(const spec_capabilities *c, ward_err *err);
/* Set effective, permitted, inheritable, then raise ambient. */
int caps_apply(const spec_capabilities *c, ward_err *err);

#endif
