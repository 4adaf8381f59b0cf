/* SPDX-License-Identifier: Apache-2.0 */
#include "spec/model.h"

#define EMIT_FIELDS(w, table, base) jf_emit(w, table, table##_len, base)

/* A nested object made of the fields of table, when present. */
static void emit_sub(jwriter *w, const char *key, bool present, const jfield *t, size_t nt,
                     const void *base)
{
    if (!present)
        return;
    jw_key(w, key);
    jw_open(w);
    jf_emit(w, t, nt, base);
    jw_close(w);
}

static void emit_user(jwriter *w, const spec_user *u)
{
    size_t i;
    jw_key(w, "user");
    jw_open(w);
    EMIT_FIELDS(w, spec_t_user, u);
    if (u->n_additional_gids > 0) {
        jw_key(w, "additionalGids");
        jw_open_array(w);
        for (i = 0; i < u->n_additional_gids; i++)
            jw_u64(w, u->additional_gids[i]);
        jw_close_array(w);
    }
    jw_close(w);
}

static void emit_rlimits(jwriter *w, const spec_process *p)
{
    size_t i;
    if (p->n_rlimits == 0)
        return;
    jw_key(w, "rlimits");
    jw_open_array(w);
    for (i = 0; i < p->n_rlimits; i++) {
        jw_open(w);
        EMIT_FIELDS(w, spec_t_rlimit, &p->rlimits[i]);
        jw_close(w);
    }
    jw_close_array(w);
}

void spec_emit_process(jwriter *w, const spec_process *p)
{
    jw_open(w);
    jw_kstrv(w, "args", &p->args);
    EMIT_FIELDS(w, spec_t_process, p);
    emit_sub(w, "consoleSize", p->has_console_size, spec_t_console_size, spec_t_console_size_len,
             p);
    emit_user(w, &p->user);
    emit_sub(w, "capabilities", p->capabilities.present, spec_t_caps, spec_t_caps_len,
             &p->capabilities);
    emit_rlimits(w, p);
    emit_sub(w, "ioPriority", p->io_priority.present, spec_t_io_priority, spec_t_io_priority_len,
             &p->io_priority);
    emit_sub(w, "scheduler", p->scheduler.present, spec_t_scheduler, spec_t_scheduler_len,
             &p->scheduler);
    emit_sub(w, "execCPUAffinity",
             p->exec_cpu_affinity_initial != NULL || p->exec_cpu_affinity_final != NULL,
             spec_t_cpu_affinity, spec_t_cpu_affinity_len, p);
    jw_close(w);
}
