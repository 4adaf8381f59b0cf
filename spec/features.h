/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_SPEC_FEATURES_H
#define WARD_SPEC_FEATURES_H

#include "spec/error.h"

/*
 * The runtime-spec features document (features.md) for `ward features`. host_json, when not NULL,
 * is a JSON object of what this host supports (seccomp, landlock ABI, cgroup mode) that the runtime
 * measured; it is placed under annotations/"org.ward.host" style keys by the runtime.
 */
int spec_features_json(const char *ward_extra_json, char **out, ward_err *err);

#endif
