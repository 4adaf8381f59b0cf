/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What cgroup v1 and v2 do alike under other file names: hugetlb limits (another suffix) and the
 * memory check before an update (another usage file).
 */

#include "runtime/cgroup/internal.h"

#include <stdint.h>
#include <stdio.h>

#define FIELD(f) "linux.resources." f

int cg_write_hugetlb(const char *dir, const spec_resources *r, const char *suffix, ward_err *err)
{
    char file[96];
    for (size_t i = 0; i < r->n_hugepage_limits; i++) {
        const spec_hugepage_limit *h = &r->hugepage_limits[i];
        if (cg_check_page_size(h->page_size, err) < 0)
            return -1;
        snprintf(file, sizeof(file), "hugetlb.%s.%s", h->page_size, suffix);
        if (!cg_file_exists(dir, file))
            return ward_fail(err, FIELD("hugepageLimits") ": page size %s is not supported here",
                             h->page_size);
        if (cg_writef(dir, file, err, "%llu", (unsigned long long)h->limit) < 0)
            return ward_err_prefix(err, FIELD("hugepageLimits[%zu]"), i);
        /* Reservations are limited alike where the kernel has them (as runc does). */
        snprintf(file, sizeof(file), "hugetlb.%s.rsvd.%s", h->page_size, suffix);
        if (cg_file_exists(dir, file) &&
            cg_writef(dir, file, err, "%llu", (unsigned long long)h->limit) < 0)
            return ward_err_prefix(err, FIELD("hugepageLimits[%zu]"), i);
    }
    return 0;
}

int cg_check_memory_usage(const char *dir, const char *usage_file, const spec_memory *m,
                          ward_err *err)
{
    uint64_t usage;
    if (!m->has_limit || m->limit <= 0 || !m->has_check_before_update || !m->check_before_update)
        return 0;
    if (cg_read_u64(dir, usage_file, &usage, err) < 0)
        return -1;
    if ((uint64_t)m->limit < usage)
        return ward_fail(err, FIELD("memory.limit") ": %lld is below the current usage %llu",
                         (long long)m->limit, (unsigned long long)usage);
    return 0;
}
