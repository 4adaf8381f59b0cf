/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/sysctl.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const ipc_sysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool new_namespace(const spec_config *cfg, spec_ns_type t)
{
    const spec_namespace *ns = spec_find_namespace(cfg, t);
    return ns != NULL;
}

static bool is_ipc_sysctl(const char *key)
{
    if (strncmp(key, "fs.mqueue.", 10) == 0)
        return true;
    for (size_t i = 0; i < sizeof(ipc_sysctls) / sizeof(ipc_sysctls[0]); i++)
        if (strcmp(key, ipc_sysctls[i]) == 0)
            return true;
    return false;
}

static bool valid_key(const char *key)
{
    if (*key == '\0' || *key == '.' || *key == '/' || strstr(key, "..") || strstr(key, "/."))
        return false;
    for (const char *p = key; *p; p++)
        if (*p == '\n' || *p == ' ')
            return false;
    return true;
}

int sysctl_validate(const spec_config *cfg, ward_err *err)
{
    for (size_t i = 0; i < cfg->linux_.sysctl.len; i++) {
        const char *key = cfg->linux_.sysctl.items[i].key;
        bool ok;
        if (!valid_key(key))
            return ward_fail(err, "linux.sysctl: invalid key \"%s\"", key);
        if (is_ipc_sysctl(key))
            ok = new_namespace(cfg, SPEC_NS_IPC);
        else if (strncmp(key, "net.", 4) == 0)
            ok = new_namespace(cfg, SPEC_NS_NETWORK);
        else if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
            ok = new_namespace(cfg, SPEC_NS_UTS);
        else
            return ward_fail(err,
                             "linux.sysctl: \"%s\" is not namespaced; ward will not change "
                             "the host's value",
                             key);
        if (!ok)
            return ward_fail(err,
                             "linux.sysctl: \"%s\" needs the container's own namespace "
                             "for it, and the config shares the host's",
                             key);
    }
    return 0;
}

int sysctl_apply(const spec_config *cfg, ward_err *err)
{
    for (size_t i = 0; i < cfg->linux_.sysctl.len; i++) {
        const spec_kv *kv = &cfg->linux_.sysctl.items[i];
        char path[PATH_MAX];
        cleanup_close int fd = -1;
        size_t len = strlen(kv->value);
        int n = snprintf(path, sizeof(path), "/proc/sys/%s", kv->key);
        if (n < 0 || (size_t)n >= sizeof(path))
            return ward_fail(err, "linux.sysctl: key too long");
        /* keys use dots; a dot inside a component (e.g. an interface name) cannot be told
         * apart, so follow sysctl(8): every dot becomes a slash */
        for (char *p = path + 10; *p; p++)
            if (*p == '.')
                *p = '/';
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            return ward_fail_errno(err, errno, "linux.sysctl: %s", kv->key);
        if (write(fd, kv->value, len) != (ssize_t)len)
            return ward_fail_errno(err, errno, "linux.sysctl: %s = %s", kv->key, kv->value);
    }
    return 0;
}
