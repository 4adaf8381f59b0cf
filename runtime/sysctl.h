/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_RUNTIME_SYSCTL_H
#define WARD_RUNTIME_SYSCTL_H

#include "spec/config.h"

/*
 * Refuse any sysctl that is not isolated by one of the container's own new namespaces: writing
 * it would change the host (as runc's validator does). Runs in ward before anything is created.
 */
int sysctl_validate(const spec_config *cfg, ward_err *err);

/* In the init, in its namespaces, before pivot_root: write each linux.sysctl key. */
int sysctl_apply(const spec_config *cfg, ward_err *err);

#endif
