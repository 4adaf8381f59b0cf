/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules of the runtime-spec (its MUSTs) plus ward's stricter ones. Each failure names the JSON
 * path and the rule: `mounts[3].destination: must not contain ".."`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "spec/model.h"
#include "spec/names.h"
#include "spec/parse.h"

const char *spec_vpath(char *buf, size_t size, const char *prefix, const char *fmt, ...)
{
    size_t used = 0;
    va_list ap;
    buf[0] = '\0';
    if (prefix != NULL && prefix[0] != '\0')
        used = (size_t)snprintf(buf, size, "%s.", prefix);
    if (used >= size)
        return buf;
    va_start(ap, fmt);
    vsnprintf(buf + used, size - used, fmt, ap);
    va_end(ap);
    return buf;
}

int spec_check_name(const char *path, const char *what, const char *const *table, const char *value,
                    ward_err *err)
{
    if (value == NULL)
        return ward_fail(err, "%s: required", path);
    if (!spec_name_known(table, value))
        return ward_fail(err, "%s: unknown %s \"%.64s\"", path, what, value);
    return 0;
}

bool spec_path_is_absolute(const char *path)
{
    return path != NULL && path[0] == '/';
}

bool spec_path_has_dotdot(const char *path)
{
    const char *s = path;
    while (s != NULL && *s != '\0') {
        size_t n = strcspn(s, "/");
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return true;
        s += n;
        s += strspn(s, "/");
    }
    return false;
}

bool spec_cpu_list_valid(const char *s)
{
    bool need_number = true;
    int dashes = 0;
    if (s == NULL || *s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (*s >= '0' && *s <= '9') {
            need_number = false;
        } else if ((*s == '-' && dashes == 0) || *s == ',') {
            if (need_number)
                return false;
            dashes = *s == '-' ? 1 : 0;
            need_number = true;
        } else {
            return false;
        }
    }
    return !need_number;
}

int spec_validate_env(const spec_strv *env, const char *prefix, ward_err *err)
{
    size_t i;
    for (i = 0; i < env->len; i++) {
        const char *eq = strchr(env->items[i], '=');
        if (eq == NULL || eq == env->items[i])
            return ward_fail(err, "%s[%zu]: must be of the form KEY=VALUE", prefix, i);
    }
    return 0;
}

static int validate_hook_list(const spec_hook_list *l, const char *name, ward_err *err)
{
    char path[128];
    size_t i;
    for (i = 0; i < l->len; i++) {
        const spec_hook *h = &l->items[i];
        if (!spec_path_is_absolute(h->path))
            return ward_fail(err, "hooks.%s[%zu].path: must be an absolute path", name, i);
        if (h->has_timeout && h->timeout <= 0)
            return ward_fail(err, "hooks.%s[%zu].timeout: must be greater than 0", name, i);
        snprintf(path, sizeof(path), "hooks.%s[%zu].env", name, i);
        if (spec_validate_env(&h->env, path, err) < 0)
            return -1;
    }
    return 0;
}

int spec_validate_hooks(const spec_hooks *h, ward_err *err)
{
    const spec_hook_list *lists[] = {&h->prestart,        &h->create_runtime, &h->create_container,
                                     &h->start_container, &h->poststart,      &h->poststop};
    size_t i;
    for (i = 0; spec_hook_names[i] != NULL; i++)
        if (validate_hook_list(lists[i], spec_hook_names[i], err) < 0)
            return -1;
    return 0;
}

static int validate_id_mappings(const spec_id_mapping *m, size_t n, const char *path, ward_err *err)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (m[i].size == 0)
            return ward_fail(err, "%s[%zu].size: must be greater than 0", path, i);
        if ((uint64_t)m[i].container_id + m[i].size - 1 > UINT32_MAX ||
            (uint64_t)m[i].host_id + m[i].size - 1 > UINT32_MAX)
            return ward_fail(err, "%s[%zu]: range overflows 32-bit ids", path, i);
    }
    return 0;
}

int spec_validate_mounts(const spec_config *c, ward_err *err)
{
    char path[64];
    size_t i;
    for (i = 0; i < c->n_mounts; i++) {
        const spec_mount *m = &c->mounts[i];
        if (!spec_path_is_absolute(m->destination))
            return ward_fail(err, "mounts[%zu].destination: must be an absolute path", i);
        if (spec_path_has_dotdot(m->destination))
            return ward_fail(err, "mounts[%zu].destination: must not contain \"..\"", i);
        if ((m->n_uid_mappings > 0) != (m->n_gid_mappings > 0))
            return ward_fail(err, "mounts[%zu]: uidMappings and gidMappings must be given together",
                             i);
        snprintf(path, sizeof(path), "mounts[%zu].uidMappings", i);
        if (validate_id_mappings(m->uid_mappings, m->n_uid_mappings, path, err) < 0)
            return -1;
        snprintf(path, sizeof(path), "mounts[%zu].gidMappings", i);
        if (validate_id_mappings(m->gid_mappings, m->n_gid_mappings, path, err) < 0)
            return -1;
    }
    return 0;
}

int spec_validate_linux_mappings(const spec_linux *l, ward_err *err)
{
    if (validate_id_mappings(l->uid_mappings, l->n_uid_mappings, "linux.uidMappings", err) < 0)
        return -1;
    return validate_id_mappings(l->gid_mappings, l->n_gid_mappings, "linux.gidMappings", err);
}

static int validate_annotations(const spec_kv_list *a, ward_err *err)
{
    size_t i;
    for (i = 0; i < a->len; i++)
        if (a->items[i].key[0] == '\0')
            return ward_fail(err, "annotations: keys must not be empty");
    return 0;
}

int spec_config_validate(const spec_config *c, ward_err *err)
{
    if (!spec_oci_version_supported(c->oci_version))
        return ward_fail(err,
                         "ociVersion: unsupported version \"%.64s\" (ward supports %s to 1.3.x)",
                         c->oci_version ? c->oci_version : "", SPEC_OCI_VERSION_MIN);
    if (!c->has_root)
        return ward_fail(err, "root: required");
    if (c->root.path == NULL || c->root.path[0] == '\0')
        return ward_fail(err, "root.path: must not be empty");
    if (!c->has_process)
        return ward_fail(err, "process: required");
    if (spec_process_validate(&c->process, "process", err) < 0)
        return -1;
    if (spec_validate_mounts(c, err) < 0)
        return -1;
    if (spec_validate_hooks(&c->hooks, err) < 0)
        return -1;
    if (validate_annotations(&c->annotations, err) < 0)
        return -1;
    return spec_validate_linux(c, err);
}
