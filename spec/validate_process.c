/* SPDX-License-Identifier: Apache-2.0 */
/* The process object's rules; prefix is "process" in config.json and "" for `exec --process`. */
#include <stdio.h>
#include <string.h>

#include "spec/model.h"
#include "spec/names.h"
#include "spec/parse.h"

static int validate_capabilities(const spec_capabilities *c, const char *prefix, ward_err *err)
{
    const struct {
        const char *name;
        const spec_strv *set;
    } sets[] = {{"bounding", &c->bounding},
                {"effective", &c->effective},
                {"inheritable", &c->inheritable},
                {"permitted", &c->permitted},
                {"ambient", &c->ambient}};
    char path[128];
    size_t i, j;
    for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        for (j = 0; j < sets[i].set->len; j++) {
            VPATH(path, prefix, "capabilities.%s[%zu]", sets[i].name, j);
            if (spec_check_name(path, "capability", spec_capability_names, sets[i].set->items[j],
                                err) < 0)
                return -1;
        }
    return 0;
}

static int validate_rlimits(const spec_process *p, const char *prefix, ward_err *err)
{
    char path[128];
    size_t i, j;
    for (i = 0; i < p->n_rlimits; i++) {
        const spec_rlimit *r = &p->rlimits[i];
        VPATH(path, prefix, "rlimits[%zu].type", i);
        if (spec_check_name(path, "rlimit", spec_rlimit_names, r->type, err) < 0)
            return -1;
        for (j = 0; j < i; j++)
            if (strcmp(p->rlimits[j].type, r->type) == 0)
                return ward_fail(err, "%s: duplicate rlimit \"%s\"", path, r->type);
        if (r->soft > r->hard)
            return ward_fail(err, "%s: soft limit %llu exceeds hard limit %llu",
                             VPATH(path, prefix, "rlimits[%zu]", i), (unsigned long long)r->soft,
                             (unsigned long long)r->hard);
    }
    return 0;
}

static int validate_scheduling(const spec_process *p, const char *prefix, ward_err *err)
{
    char path[128];
    size_t i;
    if (p->io_priority.present) {
        if (spec_check_name(VPATH(path, prefix, "ioPriority.class"), "class", spec_ioprio_classes,
                            p->io_priority.klass, err) < 0)
            return -1;
        if (p->io_priority.priority < 0 || p->io_priority.priority > 7)
            return ward_fail(err, "%s: must be between 0 and 7",
                             VPATH(path, prefix, "ioPriority.priority"));
    }
    if (p->scheduler.present) {
        const spec_scheduler *s = &p->scheduler;
        if (spec_check_name(VPATH(path, prefix, "scheduler.policy"), "policy", spec_sched_policies,
                            s->policy, err) < 0)
            return -1;
        for (i = 0; i < s->flags.len; i++)
            if (spec_check_name(VPATH(path, prefix, "scheduler.flags[%zu]", i), "flag",
                                spec_sched_flags, s->flags.items[i], err) < 0)
                return -1;
        if (s->nice < -20 || s->nice > 19)
            return ward_fail(err, "%s: must be between -20 and 19",
                             VPATH(path, prefix, "scheduler.nice"));
        if (s->priority < 0 || s->priority > 99)
            return ward_fail(err, "%s: must be between 0 and 99",
                             VPATH(path, prefix, "scheduler.priority"));
    }
    if (p->exec_cpu_affinity_initial != NULL && !spec_cpu_list_valid(p->exec_cpu_affinity_initial))
        return ward_fail(err, "%s: must be a CPU list such as \"0-3,7\"",
                         VPATH(path, prefix, "execCPUAffinity.initial"));
    if (p->exec_cpu_affinity_final != NULL && !spec_cpu_list_valid(p->exec_cpu_affinity_final))
        return ward_fail(err, "%s: must be a CPU list such as \"0-3,7\"",
                         VPATH(path, prefix, "execCPUAffinity.final"));
    return 0;
}

int spec_process_validate(const spec_process *p, const char *prefix, ward_err *err)
{
    char path[128];
    if (prefix == NULL)
        prefix = "";
    if (p->args.len == 0)
        return ward_fail(err, "%s: must be a non-empty array", VPATH(path, prefix, "args"));
    if (p->args.items[0][0] == '\0')
        return ward_fail(err, "%s: must not be empty", VPATH(path, prefix, "args[0]"));
    if (!spec_path_is_absolute(p->cwd))
        return ward_fail(err, "%s: must be an absolute path", VPATH(path, prefix, "cwd"));
    if (spec_validate_env(&p->env, VPATH(path, prefix, "env"), err) < 0)
        return -1;
    if (p->user.has_umask && p->user.umask > 0777)
        return ward_fail(err, "%s: must be at most 0777", VPATH(path, prefix, "user.umask"));
    if (p->has_console_size && !p->terminal)
        return ward_fail(err, "%s: requires %s", VPATH(path, prefix, "consoleSize"),
                         prefix[0] ? "process.terminal" : "terminal");
    if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
        return ward_fail(err, "%s: must be between -1000 and 1000",
                         VPATH(path, prefix, "oomScoreAdj"));
    if (validate_capabilities(&p->capabilities, prefix, err) < 0)
        return -1;
    if (validate_rlimits(p, prefix, err) < 0)
        return -1;
    return validate_scheduling(p, prefix, err);
}
