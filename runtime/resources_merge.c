/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/resources_merge.h"
#include "runtime/log.h"

#include <stdlib.h>
#include <string.h>

#define TAKE(dst, src, has, field)                                                                 \
    do {                                                                                           \
        if ((src)->has) {                                                                          \
            (dst)->has = true;                                                                     \
            (dst)->field = (src)->field;                                                           \
        }                                                                                          \
    } while (0)

/* Move a pointer + count list from src to dst when src has one. */
#define TAKE_LIST(dst_items, dst_n, src_items, src_n, free_items)                                  \
    do {                                                                                           \
        if ((src_n) > 0) {                                                                         \
            free_items;                                                                            \
            (dst_items) = (src_items);                                                             \
            (dst_n) = (src_n);                                                                     \
            (src_items) = NULL;                                                                    \
            (src_n) = 0;                                                                           \
        }                                                                                          \
    } while (0)

static void take_str(char **dst, char **src)
{
    if (*src == NULL)
        return;
    free(*dst);
    *dst = *src;
    *src = NULL;
}

static void merge_memory(spec_memory *d, const spec_memory *s)
{
    if (!s->present)
        return;
    d->present = true;
    TAKE(d, s, has_limit, limit);
    TAKE(d, s, has_reservation, reservation);
    TAKE(d, s, has_swap, swap);
    TAKE(d, s, has_kernel, kernel);
    TAKE(d, s, has_kernel_tcp, kernel_tcp);
    TAKE(d, s, has_swappiness, swappiness);
    TAKE(d, s, has_disable_oom_killer, disable_oom_killer);
    TAKE(d, s, has_use_hierarchy, use_hierarchy);
    TAKE(d, s, has_check_before_update, check_before_update);
}

static void merge_cpu(spec_cpu *d, spec_cpu *s)
{
    if (!s->present)
        return;
    d->present = true;
    TAKE(d, s, has_shares, shares);
    TAKE(d, s, has_quota, quota);
    TAKE(d, s, has_burst, burst);
    TAKE(d, s, has_period, period);
    TAKE(d, s, has_realtime_runtime, realtime_runtime);
    TAKE(d, s, has_realtime_period, realtime_period);
    TAKE(d, s, has_idle, idle);
    take_str(&d->cpus, &s->cpus);
    take_str(&d->mems, &s->mems);
}

static void take_throttle(spec_throttle_list *d, spec_throttle_list *s)
{
    TAKE_LIST(d->items, d->len, s->items, s->len, free(d->items));
}

static void merge_block_io(spec_block_io *d, spec_block_io *s)
{
    if (!s->present)
        return;
    d->present = true;
    TAKE(d, s, has_weight, weight);
    TAKE(d, s, has_leaf_weight, leaf_weight);
    TAKE_LIST(d->weight_devices, d->n_weight_devices, s->weight_devices, s->n_weight_devices,
              free(d->weight_devices));
    take_throttle(&d->throttle_read_bps, &s->throttle_read_bps);
    take_throttle(&d->throttle_write_bps, &s->throttle_write_bps);
    take_throttle(&d->throttle_read_iops, &s->throttle_read_iops);
    take_throttle(&d->throttle_write_iops, &s->throttle_write_iops);
}

static void merge_hugepages(spec_resources *d, spec_resources *s)
{
    for (size_t i = 0; i < s->n_hugepage_limits; i++) {
        spec_hugepage_limit *h = &s->hugepage_limits[i];
        size_t k;
        for (k = 0; k < d->n_hugepage_limits; k++)
            if (strcmp(d->hugepage_limits[k].page_size, h->page_size) == 0)
                break;
        if (k == d->n_hugepage_limits) {
            spec_hugepage_limit *grown = realloc(d->hugepage_limits, (k + 1) * sizeof(*grown));
            if (grown == NULL)
                continue; /* out of memory: the saved copy keeps the old value */
            d->hugepage_limits = grown;
            d->hugepage_limits[k].page_size = NULL;
            d->n_hugepage_limits++;
        }
        take_str(&d->hugepage_limits[k].page_size, &h->page_size);
        d->hugepage_limits[k].limit = h->limit;
    }
}

static void merge_unified(spec_kv_list *d, spec_kv_list *s)
{
    for (size_t i = 0; i < s->len; i++) {
        size_t k;
        for (k = 0; k < d->len; k++)
            if (strcmp(d->items[k].key, s->items[i].key) == 0)
                break;
        if (k == d->len) {
            spec_kv *grown = realloc(d->items, (k + 1) * sizeof(*grown));
            if (grown == NULL)
                continue;
            d->items = grown;
            d->items[k].key = NULL;
            d->items[k].value = NULL;
            d->len++;
        }
        take_str(&d->items[k].key, &s->items[i].key);
        take_str(&d->items[k].value, &s->items[i].value);
    }
}

static void free_net_priorities(spec_resources *r)
{
    for (size_t i = 0; i < r->n_net_priorities; i++)
        free(r->net_priorities[i].name);
    free(r->net_priorities);
}

void resources_merge(spec_resources *dst, spec_resources *src)
{
    merge_memory(&dst->memory, &src->memory);
    merge_cpu(&dst->cpu, &src->cpu);
    TAKE(dst, src, has_pids_limit, pids_limit);
    merge_block_io(&dst->block_io, &src->block_io);
    merge_hugepages(dst, src);
    TAKE(dst, src, has_net_class_id, net_class_id);
    TAKE_LIST(dst->net_priorities, dst->n_net_priorities, src->net_priorities,
              src->n_net_priorities, free_net_priorities(dst));
    merge_unified(&dst->unified, &src->unified);
}

void resources_drop_unsupported_update(spec_resources *r)
{
    if (r->n_devices == 0)
        return;
    ward_log_debug("update: device rules are not changed by update; %zu ignored", r->n_devices);
    for (size_t i = 0; i < r->n_devices; i++)
        free(r->devices[i].access);
    free(r->devices);
    r->devices = NULL;
    r->n_devices = 0;
}
