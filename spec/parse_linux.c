/* SPDX-License-Identifier: Apache-2.0 */
/* The linux object of config.json (resources and seccomp have their own files). */
#include <stdlib.h>
#include <string.h>

#include "spec/model.h"

static int parse_namespace(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    spec_namespace *ns = elem;
    const jnode *v = json_get(n, "type");
    size_t saved = jp_key(p, "type");
    int t;
    if (v == NULL)
        return jp_fail(p, err, "required");
    if (v->type != JT_STRING)
        return jp_fail(p, err, "must be a string");
    t = spec_ns_type_from_name(v->u.s);
    if (t < 0)
        return jp_fail(p, err, "unknown namespace \"%.64s\"", v->u.s);
    ns->type = (spec_ns_type)t;
    jp_pop(p, saved);
    if ((v = json_get(n, "path")) != NULL) {
        saved = jp_key(p, "path");
        if (jr_string(v, p, &ns->path, err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

static int parse_device(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    return jf_parse(n, p, spec_t_device, spec_t_device_len, elem, err);
}

/* timeOffsets is an object keyed by clock name: {"monotonic": {"secs": 1, "nanosecs": 2}}. */
static int parse_time_offsets(const jnode *n, jpath *p, spec_linux *l, ward_err *err)
{
    size_t i;
    if (jr_object(n, p, err) < 0)
        return -1;
    l->time_offsets = calloc(n->len + 1, sizeof(spec_time_offset));
    if (l->time_offsets == NULL)
        return jp_fail(p, err, "out of memory");
    l->n_time_offsets = n->len;
    for (i = 0; i < n->len; i++) {
        spec_time_offset *o = &l->time_offsets[i];
        size_t saved = jp_key(p, n->u.members[i].key);
        o->clock = strdup(n->u.members[i].key);
        if (o->clock == NULL)
            return jp_fail(p, err, "out of memory");
        if (jf_parse(n->u.members[i].val, p, spec_t_time_offset, spec_t_time_offset_len, o, err) <
            0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

int spec_parse_linux_node(const jnode *n, jpath *p, spec_linux *l, ward_err *err)
{
    if (jf_parse(n, p, spec_t_linux, spec_t_linux_len, l, err) < 0)
        return -1;
    JR_CHILD(n, p, "namespaces",
             jr_array(child, p, sizeof(spec_namespace), (void **)&l->namespaces, &l->n_namespaces,
                      parse_namespace, err));
    JR_CHILD(n, p, "uidMappings",
             spec_parse_id_mappings(child, p, &l->uid_mappings, &l->n_uid_mappings, err));
    JR_CHILD(n, p, "gidMappings",
             spec_parse_id_mappings(child, p, &l->gid_mappings, &l->n_gid_mappings, err));
    JR_CHILD(n, p, "devices",
             jr_array(child, p, sizeof(spec_device), (void **)&l->devices, &l->n_devices,
                      parse_device, err));
    JR_CHILD(n, p, "resources",
             (l->has_resources = true, spec_parse_resources_node(child, p, &l->resources, err)));
    JR_CHILD(n, p, "sysctl", jr_kv(child, p, &l->sysctl, err));
    JR_CHILD(n, p, "seccomp",
             (l->seccomp.present = true, spec_parse_seccomp_node(child, p, &l->seccomp, err)));
    JR_CHILD(
        n, p, "personality",
        (l->personality.present = true,
         jf_parse(child, p, spec_t_personality, spec_t_personality_len, &l->personality, err)));
    JR_CHILD(n, p, "timeOffsets", parse_time_offsets(child, p, l, err));
    /* Features ward does not implement: remembered so that validation can refuse them. */
    l->has_intel_rdt = json_get(n, "intelRdt") != NULL;
    l->has_net_devices = json_get(n, "netDevices") != NULL;
    l->has_memory_policy = json_get(n, "memoryPolicy") != NULL;
    return 0;
}
