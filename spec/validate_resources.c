/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources, in config.json (prefix "linux.resources") or alone for `ward update` (""). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/model.h"

static int validate_device_rules(const spec_resources *r, const char *prefix, ward_err *err)
{
    char path[128];
    size_t i;
    for (i = 0; i < r->n_devices; i++) {
        const spec_device_cgroup *d = &r->devices[i];
        if (d->type != 0 && strchr("acb", d->type) == NULL)
            return ward_fail(err, "%s: must be one of a, c, b",
                             VPATH(path, prefix, "devices[%zu].type", i));
        if (d->access != NULL &&
            (d->access[0] == '\0' || strspn(d->access, "rwm") != strlen(d->access)))
            return ward_fail(err, "%s: must be a combination of r, w and m",
                             VPATH(path, prefix, "devices[%zu].access", i));
    }
    return 0;
}

/* A memory value: a byte count or -1 for unlimited. */
static int check_bytes(bool has, int64_t v, const char *prefix, const char *field, ward_err *err)
{
    char path[128];
    if (has && v < -1)
        return ward_fail(err, "%s: must be -1 (unlimited) or a byte count",
                         VPATH(path, prefix, "memory.%s", field));
    return 0;
}

static int validate_memory(const spec_memory *m, const char *prefix, ward_err *err)
{
    char path[128];
    if (check_bytes(m->has_limit, m->limit, prefix, "limit", err) < 0 ||
        check_bytes(m->has_reservation, m->reservation, prefix, "reservation", err) < 0 ||
        check_bytes(m->has_swap, m->swap, prefix, "swap", err) < 0 ||
        check_bytes(m->has_kernel, m->kernel, prefix, "kernel", err) < 0 ||
        check_bytes(m->has_kernel_tcp, m->kernel_tcp, prefix, "kernelTCP", err) < 0)
        return -1;
    if (m->has_swappiness && m->swappiness > 100)
        return ward_fail(err, "%s: must be between 0 and 100",
                         VPATH(path, prefix, "memory.swappiness"));
    /* swap is memory+swap: below the memory limit it cannot be applied (0 means "not set"). */
    if (m->has_limit && m->has_swap && m->limit > 0 && m->swap > 0 && m->swap < m->limit)
        return ward_fail(err, "%s: must not be less than memory.limit",
                         VPATH(path, prefix, "memory.swap"));
    return 0;
}

static int validate_cpu(const spec_cpu *c, const char *prefix, ward_err *err)
{
    char path[128];
    if (c->cpus != NULL && c->cpus[0] != '\0' && !spec_cpu_list_valid(c->cpus))
        return ward_fail(err, "%s: must be a CPU list such as \"0-3,7\"",
                         VPATH(path, prefix, "cpu.cpus"));
    if (c->mems != NULL && c->mems[0] != '\0' && !spec_cpu_list_valid(c->mems))
        return ward_fail(err, "%s: must be a node list such as \"0-1\"",
                         VPATH(path, prefix, "cpu.mems"));
    if (c->has_quota && c->quota < -1)
        return ward_fail(err, "%s: must be -1 (unlimited) or positive",
                         VPATH(path, prefix, "cpu.quota"));
    return 0;
}

static int validate_block_io(const spec_block_io *b, const char *prefix, ward_err *err)
{
    char path[128];
    size_t i;
    if (b->has_weight && b->weight != 0 && (b->weight < 10 || b->weight > 1000))
        return ward_fail(err, "%s: must be between 10 and 1000",
                         VPATH(path, prefix, "blockIO.weight"));
    for (i = 0; i < b->n_weight_devices; i++) {
        const spec_weight_device *d = &b->weight_devices[i];
        if (d->has_weight && d->weight != 0 && (d->weight < 10 || d->weight > 1000))
            return ward_fail(err, "%s: must be between 10 and 1000",
                             VPATH(path, prefix, "blockIO.weightDevice[%zu].weight", i));
    }
    return 0;
}

/* "<n>KB", "<n>MB" or "<n>GB" with n a positive decimal number. */
static bool page_size_valid(const char *s)
{
    size_t digits;
    if (s == NULL)
        return false;
    digits = strspn(s, "0123456789");
    if (digits == 0 || s[0] == '0')
        return false;
    return strcmp(s + digits, "KB") == 0 || strcmp(s + digits, "MB") == 0 ||
           strcmp(s + digits, "GB") == 0;
}

static int validate_other(const spec_resources *r, const char *prefix, ward_err *err)
{
    char path[128];
    size_t i;
    for (i = 0; i < r->n_hugepage_limits; i++)
        if (!page_size_valid(r->hugepage_limits[i].page_size))
            return ward_fail(err, "%s: must be of the form <n>KB, <n>MB or <n>GB",
                             VPATH(path, prefix, "hugepageLimits[%zu].pageSize", i));
    for (i = 0; i < r->n_net_priorities; i++)
        if (r->net_priorities[i].name == NULL || r->net_priorities[i].name[0] == '\0')
            return ward_fail(err, "%s: must not be empty",
                             VPATH(path, prefix, "network.priorities[%zu].name", i));
    /* unified keys name files in the container's cgroup directory: nothing that walks out of it. */
    for (i = 0; i < r->unified.len; i++) {
        const char *k = r->unified.items[i].key;
        if (k[0] == '\0' || strchr(k, '/') != NULL || strcmp(k, ".") == 0 || strcmp(k, "..") == 0)
            return ward_fail(err, "%s: key \"%.64s\" must be a plain file name",
                             VPATH(path, prefix, "unified"), k);
    }
    if (r->has_rdma)
        return ward_fail(err, "%s: not supported by ward", VPATH(path, prefix, "rdma"));
    return 0;
}

int spec_validate_resources(const spec_resources *r, const char *prefix, ward_err *err)
{
    if (prefix == NULL)
        prefix = "";
    if (validate_device_rules(r, prefix, err) < 0 || validate_memory(&r->memory, prefix, err) < 0 ||
        validate_cpu(&r->cpu, prefix, err) < 0 || validate_block_io(&r->block_io, prefix, err) < 0)
        return -1;
    return validate_other(r, prefix, err);
}
