/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a config may ask for that ward does not do. ward has no LSM support (AppArmor, SELinux):
 * refusing would break podman, which sets an AppArmor profile on every container of a host that
 * has AppArmor, and pretending would be worse. So each such setting is warned about and, for a
 * container, recorded in its state ("ward": {"ignored": [...]}), the same way at create and exec.
 */
#ifndef WARD_RUNTIME_UNSUPPORTED_H
#define WARD_RUNTIME_UNSUPPORTED_H

#include "spec/config.h"

/*
 * Warn (prefixed by who, e.g. "exec") about each setting of p, and of mount_label (may be NULL),
 * that ward ignores, and add "json.path=value" for each to out (may be NULL).
 */
int unsupported_settings(const char *who, const spec_process *p, const char *mount_label,
                         spec_strv *out, ward_err *err);

#endif
