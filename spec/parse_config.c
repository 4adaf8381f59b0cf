/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: the top level, root, mounts and hooks; process and linux have their own files. */
#include <stdlib.h>
#include <string.h>

#include "spec/base/cleanup.h"
#include "spec/base/file.h"
#include "spec/model.h"
#include "spec/names.h"
#include "spec/parse.h"

int spec_parse_id_mappings(const jnode *n, jpath *p, spec_id_mapping **out, size_t *len,
                           ward_err *err)
{
    size_t i;
    if (n == NULL || n->type != JT_ARRAY)
        return jp_fail(p, err, "must be an array");
    free(*out);
    *len = 0;
    *out = calloc(n->len + 1, sizeof(spec_id_mapping));
    if (*out == NULL)
        return jp_fail(p, err, "out of memory");
    *len = n->len;
    for (i = 0; i < n->len; i++) {
        size_t saved = jp_index(p, i);
        if (jf_parse(n->u.items[i], p, spec_t_id_mapping, spec_t_id_mapping_len, &(*out)[i], err) <
            0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

static int parse_mount(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    spec_mount *m = elem;
    const jnode *v;
    size_t saved;
    if (jf_parse(n, p, spec_t_mount, spec_t_mount_len, m, err) < 0)
        return -1;
    if ((v = json_get(n, "uidMappings")) != NULL) {
        saved = jp_key(p, "uidMappings");
        if (spec_parse_id_mappings(v, p, &m->uid_mappings, &m->n_uid_mappings, err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    if ((v = json_get(n, "gidMappings")) != NULL) {
        saved = jp_key(p, "gidMappings");
        if (spec_parse_id_mappings(v, p, &m->gid_mappings, &m->n_gid_mappings, err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

static int parse_hook(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    return jf_parse(n, p, spec_t_hook, spec_t_hook_len, elem, err);
}

static int parse_hooks(const jnode *n, jpath *p, spec_hooks *h, ward_err *err)
{
    spec_hook_list *lists[] = {&h->prestart,        &h->create_runtime, &h->create_container,
                               &h->start_container, &h->poststart,      &h->poststop};
    size_t i;
    if (jr_object(n, p, err) < 0)
        return -1;
    for (i = 0; spec_hook_names[i] != NULL; i++) {
        const jnode *v = json_get(n, spec_hook_names[i]);
        size_t saved;
        if (v == NULL)
            continue;
        saved = jp_key(p, spec_hook_names[i]);
        if (jr_array(v, p, sizeof(spec_hook), (void **)&lists[i]->items, &lists[i]->len, parse_hook,
                     err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

static int parse_config_node(const jnode *root, spec_config *c, ward_err *err)
{
    jpath p;
    jp_init(&p, NULL);
    if (jr_object(root, &p, err) < 0)
        return ward_fail(err, "config must be a JSON object");
    if (jf_parse(root, &p, spec_t_config, spec_t_config_len, c, err) < 0)
        return -1;
    if (!spec_oci_version_supported(c->oci_version))
        return ward_fail(err,
                         "ociVersion: unsupported version \"%.64s\" (ward supports %s to 1.3.x)",
                         c->oci_version, SPEC_OCI_VERSION_MIN);
    JR_CHILD(
        root, &p, "root",
        (c->has_root = true, jf_parse(child, &p, spec_t_root, spec_t_root_len, &c->root, err)));
    JR_CHILD(root, &p, "mounts",
             jr_array(child, &p, sizeof(spec_mount), (void **)&c->mounts, &c->n_mounts, parse_mount,
                      err));
    JR_CHILD(root, &p, "process",
             (c->has_process = true, spec_parse_process_node(child, &p, &c->process, err)));
    JR_CHILD(root, &p, "hooks", (c->has_hooks = true, parse_hooks(child, &p, &c->hooks, err)));
    JR_CHILD(root, &p, "annotations", jr_kv(child, &p, &c->annotations, err));
    JR_CHILD(root, &p, "linux",
             (c->linux_.present = true, spec_parse_linux_node(child, &p, &c->linux_, err)));
    return 0;
}

int spec_config_parse(const char *json, size_t len, spec_config **out, ward_err *err)
{
    cleanup_json jnode *root = NULL;
    spec_config *c;
    if (json_parse(json, len, &root, err) < 0)
        return -1;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return ward_fail(err, "out of memory");
    if (parse_config_node(root, c, err) < 0) {
        spec_config_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int spec_config_load(const char *path, spec_config **out, ward_err *err)
{
    cleanup_free char *text = NULL;
    spec_config *c = NULL;
    size_t len;
    if (spec_read_file(path, JSON_MAX_BYTES, &text, &len, err) < 0)
        return ward_err_prefix(err, "config.json");
    if (spec_config_parse(text, len, &c, err) < 0)
        return ward_err_prefix(err, "config.json");
    if (spec_config_validate(c, err) < 0) {
        spec_config_free(c);
        return ward_err_prefix(err, "config.json");
    }
    *out = c;
    return 0;
}
