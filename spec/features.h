/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_SPEC_FEATURES_H
#define WARD_SPEC_FEATURES_H

#include "spec/base/error.h"

/*
 * The runtime-spec features document (features.md) for `ward features`, malloc'ed in *out.
 * ociVersionMin "1.0.0", ociVersionMax "1.3.0"; the hook, mount option, namespace, capability and
 * seccomp lists are the ones validation accepts. features.md forbids properties it does not define
 * and wants annotations as string -> string, so ward_extra_json (a JSON object, or NULL) is merged
 * into "annotations": each member becomes one annotation, a string value as is, any other value as
 * its compact JSON text (e.g. {"io.github.ward.host.landlock.abi": 7} gives "7"). The runtime
 * passes what it measured on this host there. ward's own annotations
 * ("io.github.ward.seccomp.baseline": "enforced", "io.github.ward.landlock": "best-effort") cannot
 * be overridden.
 */
int spec_features_json(const char *ward_extra_json, char **out, ward_err *err);

#endif
