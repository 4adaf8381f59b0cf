/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/process_setup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

/* Bit set of capability numbers from names; libcap knows the names, ward does not repeat them. */
static int caps_mask(const spec_strv *names, const char *set, uint64_t *mask, ward_err *err)
{
    *mask = 0;
    for (size_t i = 0; i < names->len; i++) {
        cap_value_t v;
        if (cap_from_name(names->items[i], &v) < 0 || v < 0 || v > 63)
            return ward_fail(err, "process.capabilities.%s[%zu]: unknown capability \"%s\"", set, i,
                             names->items[i]);
        *mask |= 1ULL << v;
    }
    return 0;
}

int caps_drop_bounding(const spec_capabilities *c, ward_err *err)
{
    uint64_t keep = 0;
    cap_value_t last = (cap_value_t)cap_max_bits() - 1;
    if (c->present && caps_mask(&c->bounding, "bounding", &keep, err) < 0)
        return -1;
    for (cap_value_t v = 0; v <= last; v++) {
        if (keep & (1ULL << v))
            continue;
        if (cap_drop_bound(v) < 0 && errno != EINVAL)
            return ward_fail_errno(err, errno, "drop capability %s from the bounding set",
                                   cap_to_name(v));
    }
    return 0;
}

static int fill_flag(cap_t caps, cap_flag_t flag, uint64_t mask)
{
    cap_value_t list[64];
    int n = 0;
    for (int v = 0; v < 64; v++)
        if (mask & (1ULL << v))
            list[n++] = v;
    return n ? cap_set_flag(caps, flag, n, list, CAP_SET) : 0;
}

int caps_apply(const spec_capabilities *c, bool keep_admin, ward_err *err)
{
    uint64_t eff = 0, perm = 0, inh = 0, amb = 0;
    cap_t caps;
    int rc;
    if (c->present && (caps_mask(&c->effective, "effective", &eff, err) < 0 ||
                       caps_mask(&c->permitted, "permitted", &perm, err) < 0 ||
                       caps_mask(&c->inheritable, "inheritable", &inh, err) < 0 ||
                       caps_mask(&c->ambient, "ambient", &amb, err) < 0))
        return -1;
    if (keep_admin) {
        eff |= 1ULL << CAP_SYS_ADMIN;
        perm |= 1ULL << CAP_SYS_ADMIN;
    }
    caps = cap_init();
    if (caps == NULL)
        return ward_fail_errno(err, errno, "capabilities");
    rc = fill_flag(caps, CAP_EFFECTIVE, eff) | fill_flag(caps, CAP_PERMITTED, perm) |
         fill_flag(caps, CAP_INHERITABLE, inh);
    if (rc == 0)
        rc = cap_set_proc(caps);
    cap_free(caps);
    if (rc < 0)
        return ward_fail_errno(err, errno, "set capabilities");
    if (cap_reset_ambient() < 0 && errno != EINVAL)
        return ward_fail_errno(err, errno, "reset ambient capabilities");
    for (int v = 0; v < 64; v++) {
        if (!(amb & (1ULL << v)))
            continue;
        /* an ambient capability needs to be permitted and inheritable; like runc, a config that
         * lists one without those gets less privilege, never more (ward warned at create) */
        if (cap_set_ambient(v, CAP_SET) < 0 && errno != EPERM)
            return ward_fail_errno(err, errno, "raise ambient capability %s", cap_to_name(v));
    }
    return 0;
}
