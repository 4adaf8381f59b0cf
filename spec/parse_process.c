/* SPDX-License-Identifier: Apache-2.0 */
/* The process object, in config.json or alone (`ward exec --process FILE`). */
#include <stdlib.h>

#include "spec/base/cleanup.h"
#include "spec/model.h"
#include "spec/parse.h"

static int parse_rlimit(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    return jf_parse(n, p, spec_t_rlimit, spec_t_rlimit_len, elem, err);
}

static int parse_user(const jnode *n, jpath *p, spec_user *u, ward_err *err)
{
    const jnode *v;
    if (jf_parse(n, p, spec_t_user, spec_t_user_len, u, err) < 0)
        return -1;
    if ((v = json_get(n, "additionalGids")) != NULL) {
        size_t saved = jp_key(p, "additionalGids");
        if (jr_u32_array(v, p, &u->additional_gids, &u->n_additional_gids, err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

/* Parse the object at key with a field table into base; sets *present when it is there. */
static int parse_sub(const jnode *n, jpath *p, const char *key, const jfield *t, size_t nt,
                     void *base, bool *present, ward_err *err)
{
    const jnode *v = json_get(n, key);
    size_t saved;
    if (v == NULL)
        return 0;
    saved = jp_key(p, key);
    if (jf_parse(v, p, t, nt, base, err) < 0)
        return -1;
    jp_pop(p, saved);
    if (present != NULL)
        *present = true;
    return 0;
}

static int parse_args(const jnode *n, jpath *p, spec_process *out, ward_err *err)
{
    const jnode *v = json_get(n, "args");
    size_t saved;
    if (v == NULL)
        return 0;
    saved = jp_key(p, "args");
    if (v->type != JT_ARRAY)
        return jp_fail(p, err, "must be a non-empty array");
    if (jr_strv(v, p, &out->args, err) < 0)
        return -1;
    jp_pop(p, saved);
    return 0;
}

int spec_parse_process_node(const jnode *n, jpath *p, spec_process *out, ward_err *err)
{
    const jnode *v;
    size_t saved;
    if (jf_parse(n, p, spec_t_process, spec_t_process_len, out, err) < 0)
        return -1;
    if (parse_args(n, p, out, err) < 0)
        return -1;
    saved = jp_key(p, "user");
    if ((v = json_get(n, "user")) == NULL)
        return jp_fail(p, err, "required");
    if (parse_user(v, p, &out->user, err) < 0)
        return -1;
    jp_pop(p, saved);
    if (parse_sub(n, p, "consoleSize", spec_t_console_size, spec_t_console_size_len, out,
                  &out->has_console_size, err) < 0 ||
        parse_sub(n, p, "capabilities", spec_t_caps, spec_t_caps_len, &out->capabilities,
                  &out->capabilities.present, err) < 0 ||
        parse_sub(n, p, "ioPriority", spec_t_io_priority, spec_t_io_priority_len, &out->io_priority,
                  &out->io_priority.present, err) < 0 ||
        parse_sub(n, p, "scheduler", spec_t_scheduler, spec_t_scheduler_len, &out->scheduler,
                  &out->scheduler.present, err) < 0 ||
        parse_sub(n, p, "execCPUAffinity", spec_t_cpu_affinity, spec_t_cpu_affinity_len, out, NULL,
                  err) < 0)
        return -1;
    if ((v = json_get(n, "rlimits")) != NULL) {
        saved = jp_key(p, "rlimits");
        if (jr_array(v, p, sizeof(spec_rlimit), (void **)&out->rlimits, &out->n_rlimits,
                     parse_rlimit, err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

int spec_process_parse(const char *json, size_t len, spec_process **out, ward_err *err)
{
    cleanup_json jnode *root = NULL;
    spec_process *proc;
    jpath p;
    jp_init(&p, NULL);
    if (json_parse(json, len, &root, err) < 0)
        return -1;
    if (jr_object(root, &p, err) < 0)
        return ward_fail(err, "process must be a JSON object");
    proc = calloc(1, sizeof(*proc));
    if (proc == NULL)
        return ward_fail(err, "out of memory");
    if (spec_parse_process_node(root, &p, proc, err) < 0 ||
        spec_process_validate(proc, "", err) < 0) {
        spec_process_free(proc);
        return -1;
    }
    *out = proc;
    return 0;
}
