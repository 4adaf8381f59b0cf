/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources, in config.json or alone (`ward update --resources FILE`). */
#include <stdlib.h>

#include "spec/base/cleanup.h"
#include "spec/model.h"
#include "spec/parse.h"

static int parse_device_cgroup(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    return jf_parse(n, p, spec_t_device_cgroup, spec_t_device_cgroup_len, elem, err);
}

static int parse_weight_device(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    return jf_parse(n, p, spec_t_weight_device, spec_t_weight_device_len, elem, err);
}

static int parse_throttle_device(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    return jf_parse(n, p, spec_t_throttle_device, spec_t_throttle_device_len, elem, err);
}

static int parse_hugepage(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    return jf_parse(n, p, spec_t_hugepage, spec_t_hugepage_len, elem, err);
}

static int parse_net_priority(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    return jf_parse(n, p, spec_t_net_priority, spec_t_net_priority_len, elem, err);
}

#define THROTTLE(key, list)                                                                        \
    JR_CHILD(n, p, key,                                                                            \
             jr_array(child, p, sizeof(spec_throttle_device), (void **)&(list).items, &(list).len, \
                      parse_throttle_device, err))

static int parse_block_io(const jnode *n, jpath *p, spec_block_io *b, ward_err *err)
{
    if (jf_parse(n, p, spec_t_block_io, spec_t_block_io_len, b, err) < 0)
        return -1;
    b->present = true;
    JR_CHILD(n, p, "weightDevice",
             jr_array(child, p, sizeof(spec_weight_device), (void **)&b->weight_devices,
                      &b->n_weight_devices, parse_weight_device, err));
    THROTTLE("throttleReadBpsDevice", b->throttle_read_bps);
    THROTTLE("throttleWriteBpsDevice", b->throttle_write_bps);
    THROTTLE("throttleReadIOPSDevice", b->throttle_read_iops);
    THROTTLE("throttleWriteIOPSDevice", b->throttle_write_iops);
    return 0;
}

static int parse_network(const jnode *n, jpath *p, spec_resources *r, ward_err *err)
{
    if (jf_parse(n, p, spec_t_network, spec_t_network_len, r, err) < 0)
        return -1;
    JR_CHILD(n, p, "priorities",
             jr_array(child, p, sizeof(spec_net_priority), (void **)&r->net_priorities,
                      &r->n_net_priorities, parse_net_priority, err));
    return 0;
}

int spec_parse_resources_node(const jnode *n, jpath *p, spec_resources *r, ward_err *err)
{
    if (jr_object(n, p, err) < 0)
        return -1;
    JR_CHILD(n, p, "devices",
             jr_array(child, p, sizeof(spec_device_cgroup), (void **)&r->devices, &r->n_devices,
                      parse_device_cgroup, err));
    JR_CHILD(n, p, "memory",
             (r->memory.present = true,
              jf_parse(child, p, spec_t_memory, spec_t_memory_len, &r->memory, err)));
    JR_CHILD(n, p, "cpu",
             (r->cpu.present = true, jf_parse(child, p, spec_t_cpu, spec_t_cpu_len, &r->cpu, err)));
    JR_CHILD(n, p, "pids", jf_parse(child, p, spec_t_pids, spec_t_pids_len, r, err));
    JR_CHILD(n, p, "blockIO", parse_block_io(child, p, &r->block_io, err));
    JR_CHILD(n, p, "hugepageLimits",
             jr_array(child, p, sizeof(spec_hugepage_limit), (void **)&r->hugepage_limits,
                      &r->n_hugepage_limits, parse_hugepage, err));
    JR_CHILD(n, p, "network", parse_network(child, p, r, err));
    JR_CHILD(n, p, "unified", jr_kv(child, p, &r->unified, err));
    r->has_rdma = json_get(n, "rdma") != NULL;
    return 0;
}

int spec_resources_parse(const char *json, size_t len, spec_resources **out, ward_err *err)
{
    cleanup_json jnode *root = NULL;
    spec_resources *r;
    jpath p;
    jp_init(&p, NULL);
    if (json_parse(json, len, &root, err) < 0)
        return -1;
    if (root->type != JT_OBJECT)
        return ward_fail(err, "resources must be a JSON object");
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return ward_fail(err, "out of memory");
    if (spec_parse_resources_node(root, &p, r, err) < 0 ||
        spec_validate_resources(r, "", err) < 0) {
        spec_resources_free(r);
        return -1;
    }
    *out = r;
    return 0;
}
