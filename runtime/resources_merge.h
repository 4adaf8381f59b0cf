/* SPDX-License-Identifier: Apache-2.0 */
/* `update`: folding new resource values into the ones a container was created with. */
#ifndef WARD_RUNTIME_RESOURCES_MERGE_H
#define WARD_RUNTIME_RESOURCES_MERGE_H

#include "spec/config.h"

/*
 * Every value present in src replaces the one in dst (lists given in src replace dst's; hugepage
 * limits and unified keys are merged by page size and key). Owned memory moves from src to dst;
 * src is left without it, still safe to free.
 */
void resources_merge(spec_resources *dst, spec_resources *src);

/* Device rules are not changed by update (as runc): drop them from an update request. */
void resources_drop_unsupported_update(spec_resources *r);

#endif
