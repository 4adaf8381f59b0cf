/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.sysctl names, checked by sysctl_validate before anything is created. The first input
 * byte gives, for the network, IPC and UTS namespaces, whether the config has none, a new one, or
 * joins one by path (here ward's own, as a config naming the host's would); each further line is
 * a key. Property: an accepted key, turned into the path sysctl_apply writes, stays beneath
 * /proc/sys, names a sysctl of one of those namespaces, and that namespace is the container's own
 * new one (a key of a namespace shared with ward would change ward's, i.e. the host's, value).
 */
#include "runtime/sysctl.h"
#include "spec/base/cleanup.h"
#include "tests/fuzz/fuzz.h"

static const spec_ns_type kinds[3] = {SPEC_NS_NETWORK, SPEC_NS_IPC, SPEC_NS_UTS};
static const char *const own[3] = {"/proc/self/ns/net", "/proc/self/ns/ipc", "/proc/self/ns/uts"};

/* Which namespace a key needs; -1 for none of them. */
static int needs(const char *path)
{
    static const char *const ipc[] = {"kernel/msgmax", "kernel/msgmnb",         "kernel/msgmni",
                                      "kernel/sem",    "kernel/shmall",         "kernel/shmmax",
                                      "kernel/shmmni", "kernel/shm_rmid_forced"};
    if (strncmp(path, "net/", 4) == 0)
        return 0;
    if (strncmp(path, "fs/mqueue/", 10) == 0)
        return 1;
    for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
        if (strcmp(path, ipc[i]) == 0)
            return 1;
    if (strcmp(path, "kernel/hostname") == 0 || strcmp(path, "kernel/domainname") == 0)
        return 2;
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cleanup_free char *text = NULL;
    spec_namespace ns[3];
    spec_kv kv[64];
    spec_config cfg;
    ward_err err = {0};
    size_t n = 0;
    char *line;

    if (size < 1)
        return 0;
    memset(&cfg, 0, sizeof(cfg));
    for (int i = 0; i < 3; i++) {
        unsigned mode = (data[0] >> (2 * i)) & 3; /* 0: none, 1: new, 2 or 3: joined */
        if (mode == 0)
            continue;
        ns[cfg.linux_.n_namespaces].type = kinds[i];
        ns[cfg.linux_.n_namespaces].path = mode == 1 ? NULL : (char *)own[i];
        cfg.linux_.n_namespaces++;
    }
    cfg.linux_.namespaces = ns;
    text = fuzz_cstring(data + 1, size - 1);
    for (line = text; line != NULL && n < 64;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        kv[n].key = line;
        kv[n++].value = "1";
        line = nl ? nl + 1 : NULL;
    }
    cfg.linux_.sysctl.items = kv;
    cfg.linux_.sysctl.len = n;
    if (sysctl_validate(&cfg, &err) < 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char path[8192];
        const char *comp;
        int which;
        /* as sysctl_apply: /proc/sys/<key> with every dot a slash */
        snprintf(path, sizeof(path), "%s", kv[i].key);
        for (char *p = path; *p; p++)
            if (*p == '.')
                *p = '/';
        for (comp = path; comp != NULL; comp = strchr(comp, '/') ? strchr(comp, '/') + 1 : NULL)
            FUZZ_ASSERT(strncmp(comp, "..", 2) != 0 || (comp[2] != '/' && comp[2] != '\0'),
                        "\"%s\" leaves /proc/sys", kv[i].key);
        FUZZ_ASSERT(path[0] != '/', "\"%s\" is absolute", kv[i].key);
        which = needs(path);
        FUZZ_ASSERT(which >= 0, "\"%s\" is not namespaced", kv[i].key);
        const spec_namespace *found = spec_find_namespace(&cfg, kinds[which]);
        FUZZ_ASSERT(found != NULL && found->path == NULL,
                    "\"%s\" accepted without a new %s namespace", kv[i].key,
                    found ? "(joined)" : "(none)");
    }
    return 0;
}
