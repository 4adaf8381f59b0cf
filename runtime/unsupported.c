/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/unsupported.h"
#include "runtime/log.h"
#include "spec/json.h"

#include <stdio.h>

static int note(const char *who, const char *path, const char *value, spec_strv *out, ward_err *err)
{
    char item[512];
    if (value == NULL || value[0] == '\0')
        return 0;
    ward_log_warning("%s%s%s: %s: not supported by ward (no AppArmor or SELinux), ignored",
                     who ? who : "", who ? ": " : "", path, value);
    snprintf(item, sizeof(item), "%s=%s", path, value);
    return out ? spec_strv_push(out, item, err) : 0;
}

int unsupported_settings(const char *who, const spec_process *p, const char *mount_label,
                         spec_strv *out, ward_err *err)
{
    if (note(who, "process.apparmorProfile", p->apparmor_profile, out, err) < 0 ||
        note(who, "process.selinuxLabel", p->selinux_label, out, err) < 0 ||
        note(who, "linux.mountLabel", mount_label, out, err) < 0)
        return -1;
    return 0;
}
