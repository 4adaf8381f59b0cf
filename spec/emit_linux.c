/* SPDX-License-Identifier: Apache-2.0 */
#include "spec/model.h"

#define EMIT_FIELDS(w, table, base) jf_emit(w, table, table##_len, base)

static void emit_namespaces(jwriter *w, const spec_linux *l)
{
    size_t i;
    if (l->n_namespaces == 0)
        return;
    jw_key(w, "namespaces");
    jw_open_array(w);
    for (i = 0; i < l->n_namespaces; i++) {
        jw_open(w);
        jw_kstr(w, "type", spec_ns_type_name(l->namespaces[i].type));
        jw_kstr(w, "path", l->namespaces[i].path);
        jw_close(w);
    }
    jw_close_array(w);
}

void spec_emit_seccomp(jwriter *w, const spec_seccomp *s)
{
    size_t i;
    jw_open(w);
    EMIT_FIELDS(w, spec_t_seccomp, s);
    if (s->n_syscalls > 0) {
        jw_key(w, "syscalls");
        jw_open_array(w);
        for (i = 0; i < s->n_syscalls; i++) {
            const spec_seccomp_syscall *sc = &s->syscalls[i];
            jw_open(w);
            EMIT_FIELDS(w, spec_t_syscall, sc);
            jf_emit_array(w, "args", spec_t_seccomp_arg, spec_t_seccomp_arg_len, sc->args,
                          sc->n_args, sizeof(*sc->args));
            jw_close(w);
        }
        jw_close_array(w);
    }
    jw_close(w);
}

static void emit_time_offsets(jwriter *w, const spec_linux *l)
{
    size_t i;
    if (l->n_time_offsets == 0)
        return;
    jw_key(w, "timeOffsets");
    jw_open(w);
    for (i = 0; i < l->n_time_offsets; i++) {
        jw_key(w, l->time_offsets[i].clock);
        jw_open(w);
        EMIT_FIELDS(w, spec_t_time_offset, &l->time_offsets[i]);
        jw_close(w);
    }
    jw_close(w);
}

void spec_emit_linux(jwriter *w, const spec_linux *l)
{
    jw_open(w);
    emit_namespaces(w, l);
    spec_emit_id_mappings(w, "uidMappings", l->uid_mappings, l->n_uid_mappings);
    spec_emit_id_mappings(w, "gidMappings", l->gid_mappings, l->n_gid_mappings);
    jf_emit_array(w, "devices", spec_t_device, spec_t_device_len, l->devices, l->n_devices,
                  sizeof(*l->devices));
    EMIT_FIELDS(w, spec_t_linux, l);
    if (l->has_resources) {
        jw_key(w, "resources");
        spec_emit_resources(w, &l->resources);
    }
    if (l->sysctl.len > 0) {
        jw_key(w, "sysctl");
        jw_kv(w, &l->sysctl);
    }
    if (l->seccomp.present) {
        jw_key(w, "seccomp");
        spec_emit_seccomp(w, &l->seccomp);
    }
    if (l->personality.present) {
        jw_key(w, "personality");
        jw_open(w);
        EMIT_FIELDS(w, spec_t_personality, &l->personality);
        jw_close(w);
    }
    emit_time_offsets(w, l);
    jw_close(w);
}
