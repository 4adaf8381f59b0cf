/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device rules a container gets, in the order they apply: deny everything, the spec's
 * linux.resources.devices in order, then the default allow-list. The list is appended the way runc
 * (libcontainer/specconv AllowedDevices) and crun do, because podman's and containerd's specs
 * start with a bare "deny all" and rely on the runtime for /dev/null and friends. Only harmless
 * character devices are on it (no wildcard mknod, no tun): null, zero, full, random, urandom, tty,
 * console, ptmx and the pts slaves.
 */

#include "runtime/cgroup/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * runc's allow-list: mknod of any char or block device (so the spec's linux.devices can be made;
 * CAP_MKNOD and Landlock still decide who may), and read/write only of the harmless ones.
 */
static const cg_dev_rule default_allow[] = {
    {true, 'c', -1, -1, CG_ACC_MKNOD}, /* mknod c *:* */
    {true, 'b', -1, -1, CG_ACC_MKNOD}, /* mknod b *:* */
    {true, 'c', 1, 3, CG_ACC_ALL},     /* /dev/null */
    {true, 'c', 1, 5, CG_ACC_ALL},     /* /dev/zero */
    {true, 'c', 1, 7, CG_ACC_ALL},     /* /dev/full */
    {true, 'c', 1, 8, CG_ACC_ALL},     /* /dev/random */
    {true, 'c', 1, 9, CG_ACC_ALL},     /* /dev/urandom */
    {true, 'c', 5, 0, CG_ACC_ALL},     /* /dev/tty */
    {true, 'c', 5, 1, CG_ACC_ALL},     /* /dev/console */
    {true, 'c', 5, 2, CG_ACC_ALL},     /* /dev/ptmx */
    {true, 'c', 136, -1, CG_ACC_ALL},  /* /dev/pts/N */
};

static int parse_access(const char *s, unsigned *out, size_t i, ward_err *err)
{
    unsigned acc = 0;
    if (s == NULL) {
        *out = CG_ACC_ALL;
        return 0;
    }
    if (*s == '\0')
        return ward_fail(err, "linux.resources.devices[%zu].access: must not be empty", i);
    for (; *s; s++) {
        if (*s == 'r')
            acc |= CG_ACC_READ;
        else if (*s == 'w')
            acc |= CG_ACC_WRITE;
        else if (*s == 'm')
            acc |= CG_ACC_MKNOD;
        else
            return ward_fail(err, "linux.resources.devices[%zu].access: '%c' is not one of r, w, m",
                             i, *s);
    }
    *out = acc;
    return 0;
}

static int parse_number(bool has, int64_t v, const char *what, size_t i, int64_t *out,
                        ward_err *err)
{
    if (!has || v == -1) {
        *out = -1;
        return 0;
    }
    if (v < 0 || v > UINT32_MAX)
        return ward_fail(err, "linux.resources.devices[%zu].%s: %lld is out of range", i, what,
                         (long long)v);
    *out = v;
    return 0;
}

static int rule_from_spec(const spec_device_cgroup *d, size_t i, cg_dev_rule *out, ward_err *err)
{
    char type = d->type ? d->type : 'a';
    if (type != 'a' && type != 'c' && type != 'b')
        return ward_fail(err, "linux.resources.devices[%zu].type: must be \"a\", \"c\" or \"b\"",
                         i);
    out->allow = d->allow;
    out->type = type;
    if (parse_number(d->has_major, d->major, "major", i, &out->major, err) < 0 ||
        parse_number(d->has_minor, d->minor, "minor", i, &out->minor, err) < 0)
        return -1;
    return parse_access(d->access, &out->access, i, err);
}

int cg_dev_rules_build(const spec_resources *r, cg_dev_rule **out, size_t *n, ward_err *err)
{
    size_t n_spec = r ? r->n_devices : 0;
    size_t n_def = sizeof(default_allow) / sizeof(default_allow[0]);
    if (n_spec > 65536)
        return ward_fail(err, "linux.resources.devices: too many rules (%zu)", n_spec);
    cg_dev_rule *rules = calloc(1 + n_spec + n_def, sizeof(*rules));
    if (rules == NULL)
        return ward_fail_errno(err, ENOMEM, "linux.resources.devices");
    rules[0] = (cg_dev_rule){false, 'a', -1, -1, CG_ACC_ALL};
    for (size_t i = 0; i < n_spec; i++) {
        if (rule_from_spec(&r->devices[i], i, &rules[1 + i], err) < 0) {
            free(rules);
            return -1;
        }
    }
    memcpy(rules + 1 + n_spec, default_allow, sizeof(default_allow));
    *out = rules;
    *n = 1 + n_spec + n_def;
    return 0;
}

static void format_num(char *buf, size_t len, int64_t v)
{
    if (v < 0)
        snprintf(buf, len, "*");
    else
        snprintf(buf, len, "%lld", (long long)v);
}

void cg_dev_rule_format(const cg_dev_rule *rule, char *buf, size_t len)
{
    char maj[24], min[24], acc[4];
    size_t k = 0;
    if (rule->type == 'a' && rule->major < 0 && rule->minor < 0 && rule->access == CG_ACC_ALL) {
        snprintf(buf, len, "a");
        return;
    }
    format_num(maj, sizeof(maj), rule->major);
    format_num(min, sizeof(min), rule->minor);
    if (rule->access & CG_ACC_READ)
        acc[k++] = 'r';
    if (rule->access & CG_ACC_WRITE)
        acc[k++] = 'w';
    if (rule->access & CG_ACC_MKNOD)
        acc[k++] = 'm';
    acc[k] = '\0';
    snprintf(buf, len, "%c %s:%s %s", rule->type, maj, min, acc);
}

static bool rule_matches(const cg_dev_rule *r, char type, uint32_t major, uint32_t minor)
{
    return (r->type == 'a' || r->type == type) && (r->major < 0 || r->major == major) &&
           (r->minor < 0 || r->minor == minor);
}

bool cg_dev_rules_allow(const cg_dev_rule *rules, size_t n, char type, uint32_t major,
                        uint32_t minor, unsigned access)
{
    /* Each access bit is decided by the last rule that matches the device and names that bit. */
    unsigned pending = access;
    for (size_t i = n; i-- > 0;) {
        if (!rule_matches(&rules[i], type, major, minor))
            continue;
        if (!rules[i].allow && (pending & rules[i].access))
            return false;
        if (rules[i].allow) {
            pending &= ~rules[i].access;
            if (pending == 0)
                return true;
        }
    }
    return false;
}
