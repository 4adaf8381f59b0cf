/* SPDX-License-Identifier: Apache-2.0 */
/* Small lookups on the config model that the runtime uses. */
#include <string.h>

#include "spec/config.h"

static const char *const ns_names[SPEC_NS_COUNT] = {
    [SPEC_NS_PID] = "pid",       [SPEC_NS_NETWORK] = "network", [SPEC_NS_MOUNT] = "mount",
    [SPEC_NS_IPC] = "ipc",       [SPEC_NS_UTS] = "uts",         [SPEC_NS_USER] = "user",
    [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

const char *spec_ns_type_name(spec_ns_type t)
{
    if ((unsigned)t >= SPEC_NS_COUNT)
        return "unknown";
    return ns_names[t];
}

int spec_ns_type_from_name(const char *name)
{
    int i;
    for (i = 0; name != NULL && i < SPEC_NS_COUNT; i++)
        if (strcmp(ns_names[i], name) == 0)
            return i;
    return -1;
}

const char *spec_annotation(const spec_config *c, const char *key)
{
    size_t i;
    for (i = 0; i < c->annotations.len; i++)
        if (strcmp(c->annotations.items[i].key, key) == 0)
            return c->annotations.items[i].value;
    return NULL;
}

const spec_namespace *spec_find_namespace(const spec_config *c, spec_ns_type t)
{
    size_t i;
    for (i = 0; i < c->linux_.n_namespaces; i++)
        if (c->linux_.namespaces[i].type == t)
            return &c->linux_.namespaces[i];
    return NULL;
}
