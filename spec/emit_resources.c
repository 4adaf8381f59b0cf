/* SPDX-License-Identifier: Apache-2.0 */
#include "spec/model.h"

#define EMIT_LIST(w, key, table, items, n)                                                         \
    jf_emit_array(w, key, table, table##_len, items, n, sizeof(*(items)))

static void emit_block_io(jwriter *w, const spec_block_io *b)
{
    jw_key(w, "blockIO");
    jw_open(w);
    jf_emit(w, spec_t_block_io, spec_t_block_io_len, b);
    EMIT_LIST(w, "weightDevice", spec_t_weight_device, b->weight_devices, b->n_weight_devices);
    EMIT_LIST(w, "throttleReadBpsDevice", spec_t_throttle_device, b->throttle_read_bps.items,
              b->throttle_read_bps.len);
    EMIT_LIST(w, "throttleWriteBpsDevice", spec_t_throttle_device, b->throttle_write_bps.items,
              b->throttle_write_bps.len);
    EMIT_LIST(w, "throttleReadIOPSDevice", spec_t_throttle_device, b->throttle_read_iops.items,
              b->throttle_read_iops.len);
    EMIT_LIST(w, "throttleWriteIOPSDevice", spec_t_throttle_device, b->throttle_write_iops.items,
              b->throttle_write_iops.len);
    jw_close(w);
}

static void emit_object(jwriter *w, const char *key, const jfield *t, size_t nt, const void *base)
{
    jw_key(w, key);
    jw_open(w);
    jf_emit(w, t, nt, base);
    jw_close(w);
}

void spec_emit_resources(jwriter *w, const spec_resources *r)
{
    jw_open(w);
    EMIT_LIST(w, "devices", spec_t_device_cgroup, r->devices, r->n_devices);
    if (r->memory.present)
        emit_object(w, "memory", spec_t_memory, spec_t_memory_len, &r->memory);
    if (r->cpu.present)
        emit_object(w, "cpu", spec_t_cpu, spec_t_cpu_len, &r->cpu);
    if (r->has_pids_limit)
        emit_object(w, "pids", spec_t_pids, spec_t_pids_len, r);
    if (r->block_io.present)
        emit_block_io(w, &r->block_io);
    EMIT_LIST(w, "hugepageLimits", spec_t_hugepage, r->hugepage_limits, r->n_hugepage_limits);
    if (r->has_net_class_id || r->n_net_priorities > 0) {
        jw_key(w, "network");
        jw_open(w);
        jf_emit(w, spec_t_network, spec_t_network_len, r);
        EMIT_LIST(w, "priorities", spec_t_net_priority, r->net_priorities, r->n_net_priorities);
        jw_close(w);
    }
    if (r->unified.len > 0) {
        jw_key(w, "unified");
        jw_kv(w, &r->unified);
    }
    jw_close(w);
}
