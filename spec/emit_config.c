/* SPDX-License-Identifier: Apache-2.0 */
/* config.json out of the model: the top level, root, mounts and hooks. */
#include "spec/model.h"
#include "spec/names.h"
#include "spec/parse.h"

#define EMIT_FIELDS(w, table, base) jf_emit(w, table, table##_len, base)

void spec_emit_id_mappings(jwriter *w, const char *key, const spec_id_mapping *m, size_t n)
{
    jf_emit_array(w, key, spec_t_id_mapping, spec_t_id_mapping_len, m, n, sizeof(*m));
}

static void emit_mounts(jwriter *w, const spec_config *c)
{
    size_t i;
    if (c->n_mounts == 0)
        return;
    jw_key(w, "mounts");
    jw_open_array(w);
    for (i = 0; i < c->n_mounts; i++) {
        const spec_mount *m = &c->mounts[i];
        jw_open(w);
        EMIT_FIELDS(w, spec_t_mount, m);
        spec_emit_id_mappings(w, "uidMappings", m->uid_mappings, m->n_uid_mappings);
        spec_emit_id_mappings(w, "gidMappings", m->gid_mappings, m->n_gid_mappings);
        jw_close(w);
    }
    jw_close_array(w);
}

static void emit_hooks(jwriter *w, const spec_hooks *h)
{
    const spec_hook_list *lists[] = {&h->prestart,        &h->create_runtime, &h->create_container,
                                     &h->start_container, &h->poststart,      &h->poststop};
    size_t i, j;
    jw_key(w, "hooks");
    jw_open(w);
    for (i = 0; spec_hook_names[i] != NULL; i++) {
        if (lists[i]->len == 0)
            continue;
        jw_key(w, spec_hook_names[i]);
        jw_open_array(w);
        for (j = 0; j < lists[i]->len; j++) {
            jw_open(w);
            EMIT_FIELDS(w, spec_t_hook, &lists[i]->items[j]);
            jw_close(w);
        }
        jw_close_array(w);
    }
    jw_close(w);
}

int spec_config_to_json(const spec_config *c, char **out, size_t *len, ward_err *err)
{
    jwriter w;
    if (jw_init(&w, true, err) < 0)
        return -1;
    jw_open(&w);
    EMIT_FIELDS(&w, spec_t_config, c);
    if (c->has_root) {
        jw_key(&w, "root");
        jw_open(&w);
        EMIT_FIELDS(&w, spec_t_root, &c->root);
        jw_close(&w);
    }
    emit_mounts(&w, c);
    if (c->has_process) {
        jw_key(&w, "process");
        spec_emit_process(&w, &c->process);
    }
    if (c->has_hooks)
        emit_hooks(&w, &c->hooks);
    if (c->annotations.len > 0) {
        jw_key(&w, "annotations");
        jw_kv(&w, &c->annotations);
    }
    if (c->linux_.present) {
        jw_key(&w, "linux");
        spec_emit_linux(&w, &c->linux_);
    }
    jw_close(&w);
    return jw_finish(&w, out, len, err);
}
