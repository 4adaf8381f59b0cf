/* SPDX-License-Identifier: Apache-2.0 */
/* Rules of the linux object and those that tie it to the rest of the config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/base/cleanup.h"
#include "spec/model.h"
#include "spec/names.h"

/* A namespace the container gets a new instance of (listed, without a path). */
static bool new_namespace(const spec_config *c, spec_ns_type t)
{
    const spec_namespace *ns = spec_find_namespace(c, t);
    return ns != NULL && ns->path == NULL;
}

static int validate_namespaces(const spec_config *c, ward_err *err)
{
    const spec_linux *l = &c->linux_;
    bool seen[SPEC_NS_COUNT] = {false};
    size_t i;
    for (i = 0; i < l->n_namespaces; i++) {
        const spec_namespace *ns = &l->namespaces[i];
        if ((unsigned)ns->type >= SPEC_NS_COUNT)
            return ward_fail(err, "linux.namespaces[%zu].type: unknown namespace", i);
        if (seen[ns->type])
            return ward_fail(err, "linux.namespaces[%zu].type: duplicate namespace \"%s\"", i,
                             spec_ns_type_name(ns->type));
        seen[ns->type] = true;
        if (ns->path != NULL && !spec_path_is_absolute(ns->path))
            return ward_fail(err, "linux.namespaces[%zu].path: must be an absolute path", i);
    }
    return 0;
}

static int validate_userns(const spec_config *c, ward_err *err)
{
    const spec_linux *l = &c->linux_;
    bool has_userns = spec_find_namespace(c, SPEC_NS_USER) != NULL;
    if (l->n_uid_mappings > 0 && !has_userns)
        return ward_fail(err, "linux.uidMappings: requires a user namespace");
    if (l->n_gid_mappings > 0 && !has_userns)
        return ward_fail(err, "linux.gidMappings: requires a user namespace");
    if (new_namespace(c, SPEC_NS_USER)) {
        if (l->n_uid_mappings == 0)
            return ward_fail(err, "linux.uidMappings: must not be empty with a new user namespace");
        if (l->n_gid_mappings == 0)
            return ward_fail(err, "linux.gidMappings: must not be empty with a new user namespace");
    }
    return spec_validate_linux_mappings(l, err);
}

static int cmp_device_path(const void *a, const void *b)
{
    const spec_device *const *x = a, *const *y = b;
    int c = strcmp((*x)->path, (*y)->path);
    return c != 0 ? c : (*x < *y ? -1 : *x > *y);
}

/*
 * *first = index of the first device whose path an earlier one already used, or n. Sorting keeps
 * this O(n log n): a hostile config can hold a quarter of a million devices.
 */
static int first_duplicate_device(const spec_linux *l, size_t *first)
{
    cleanup_free const spec_device **sorted = NULL;
    size_t i;
    *first = l->n_devices;
    if (l->n_devices < 2)
        return 0;
    if ((sorted = malloc(l->n_devices * sizeof(*sorted))) == NULL)
        return -1;
    for (i = 0; i < l->n_devices; i++)
        sorted[i] = &l->devices[i];
    qsort(sorted, l->n_devices, sizeof(*sorted), cmp_device_path);
    for (i = 1; i < l->n_devices; i++) {
        size_t idx = (size_t)(sorted[i] - l->devices);
        if (strcmp(sorted[i - 1]->path, sorted[i]->path) == 0 && idx < *first)
            *first = idx;
    }
    return 0;
}

static int validate_devices(const spec_linux *l, ward_err *err)
{
    size_t i, dup;
    for (i = 0; i < l->n_devices; i++) {
        const spec_device *d = &l->devices[i];
        if (d->path == NULL || strncmp(d->path, "/dev/", 5) != 0 || d->path[5] == '\0' ||
            spec_path_has_dotdot(d->path))
            return ward_fail(err, "linux.devices[%zu].path: must be an absolute path under /dev",
                             i);
        if (d->type == 0 || strchr("cbup", d->type) == NULL)
            return ward_fail(err, "linux.devices[%zu].type: must be one of c, b, u, p", i);
        if (d->type != 'p' && (!d->has_major || !d->has_minor))
            return ward_fail(err, "linux.devices[%zu]: major and minor are required for type %c", i,
                             d->type);
        if ((d->has_major && (d->major < 0 || d->major > UINT32_MAX)) ||
            (d->has_minor && (d->minor < 0 || d->minor > UINT32_MAX)))
            return ward_fail(err, "linux.devices[%zu]: major and minor must be 0 to 4294967295", i);
    }
    if (first_duplicate_device(l, &dup) < 0)
        return ward_fail(err, "linux.devices: out of memory");
    if (dup < l->n_devices)
        return ward_fail(err, "linux.devices[%zu].path: duplicate device \"%.64s\"", dup,
                         l->devices[dup].path);
    return 0;
}

static int validate_paths(const spec_strv *v, const char *name, ward_err *err)
{
    size_t i;
    for (i = 0; i < v->len; i++) {
        if (!spec_path_is_absolute(v->items[i]))
            return ward_fail(err, "linux.%s[%zu]: must be an absolute path", name, i);
        if (spec_path_has_dotdot(v->items[i]))
            return ward_fail(err, "linux.%s[%zu]: must not contain \"..\"", name, i);
    }
    return 0;
}

static int validate_time_offsets(const spec_config *c, ward_err *err)
{
    const spec_linux *l = &c->linux_;
    size_t i, j;
    if (l->n_time_offsets > 0 && !new_namespace(c, SPEC_NS_TIME))
        return ward_fail(err, "linux.timeOffsets: requires a new time namespace");
    for (i = 0; i < l->n_time_offsets; i++) {
        const spec_time_offset *o = &l->time_offsets[i];
        if (!spec_name_known(spec_time_clocks, o->clock))
            return ward_fail(err, "linux.timeOffsets: unknown clock \"%.64s\"",
                             o->clock ? o->clock : "");
        if (o->nanosecs >= 1000000000u)
            return ward_fail(err, "linux.timeOffsets.%s.nanosecs: must be less than 1000000000",
                             o->clock);
        for (j = 0; j < i; j++)
            if (strcmp(l->time_offsets[j].clock, o->clock) == 0)
                return ward_fail(err, "linux.timeOffsets: duplicate clock \"%s\"", o->clock);
    }
    return 0;
}

static int validate_misc(const spec_config *c, ward_err *err)
{
    const spec_linux *l = &c->linux_;
    size_t i;
    if (l->rootfs_propagation != NULL &&
        spec_check_name("linux.rootfsPropagation", "propagation", spec_propagations,
                        l->rootfs_propagation, err) < 0)
        return -1;
    for (i = 0; i < l->sysctl.len; i++)
        if (l->sysctl.items[i].key[0] == '\0')
            return ward_fail(err, "linux.sysctl: keys must not be empty");
    if (l->personality.present) {
        if (spec_check_name("linux.personality.domain", "domain", spec_personality_domains,
                            l->personality.domain, err) < 0)
            return -1;
        if (l->personality.flags.len > 0)
            return ward_fail(err,
                             "linux.personality.flags[0]: unknown flag \"%.64s\" (none are "
                             "defined)",
                             l->personality.flags.items[0]);
    }
    /* Like runc, a joined UTS namespace (with a path) counts: CRI pods set hostname that way. */
    if (c->hostname != NULL && spec_find_namespace(c, SPEC_NS_UTS) == NULL)
        return ward_fail(err, "hostname: requires a new UTS namespace");
    if (c->domainname != NULL && spec_find_namespace(c, SPEC_NS_UTS) == NULL)
        return ward_fail(err, "domainname: requires a new UTS namespace");
    if (l->has_intel_rdt)
        return ward_fail(err, "linux.intelRdt: not supported by ward");
    if (l->has_net_devices)
        return ward_fail(err, "linux.netDevices: not supported by ward");
    if (l->has_memory_policy)
        return ward_fail(err, "linux.memoryPolicy: not supported by ward");
    return 0;
}

int spec_validate_linux(const spec_config *c, ward_err *err)
{
    const spec_linux *l = &c->linux_;
    if (validate_namespaces(c, err) < 0 || validate_userns(c, err) < 0 ||
        validate_devices(l, err) < 0 || validate_paths(&l->masked_paths, "maskedPaths", err) < 0 ||
        validate_paths(&l->readonly_paths, "readonlyPaths", err) < 0 ||
        validate_time_offsets(c, err) < 0 || validate_misc(c, err) < 0)
        return -1;
    if (l->seccomp.present && spec_validate_seccomp(&l->seccomp, err) < 0)
        return -1;
    if (l->has_resources && spec_validate_resources(&l->resources, "linux.resources", err) < 0)
        return -1;
    return 0;
}
