/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/sysctl.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const ipc_sysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/*
 * Whether the container has a namespace of type t that is not ward's own: a new one, or one joined
 * by path that is not the one ward runs in (a config naming /proc/1/ns/net would otherwise have
 * ward write the host's net.* values). As runc does for the network namespace; here for each.
 */
static bool own_namespace(const spec_config *cfg, spec_ns_type t, const char *proc_name)
{
    const spec_namespace *ns = spec_find_namespace(cfg, t);
    struct stat joined, mine;
    char self[64];
    if (ns == NULL)
        return false;
    if (ns->path == NULL)
        return true;
    snprintf(self, sizeof(self), "/proc/self/ns/%s", proc_name);
    if (stat(ns->path, &joined) < 0 || stat(self, &mine) < 0)
        return false; /* cannot tell: refuse */
    return joined.st_dev != mine.st_dev || joined.st_ino != mine.st_ino;
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
            ok = own_namespace(cfg, SPEC_NS_IPC, "ipc");
        else if (strncmp(key, "net.", 4) == 0)
            ok = own_namespace(cfg, SPEC_NS_NETWORK, "net");
        else if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
            ok = own_namespace(cfg, SPEC_NS_UTS, "uts");
        else
            return ward_fail(err,
                             "linux.sysctl: \"%s\" is not namespaced; ward will not change "
                             "the host's value",
                             key);
        if (!ok)
            return ward_fail(err,
                             "linux.sysctl: \"%s\" needs the container's own namespace "
                             "for it, and the config shares the host's (or ward's)",
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
