/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp: names from the runtime-spec lists and the rules that tie fields together. */
#include <stdio.h>
#include <string.h>

#include "spec/model.h"
#include "spec/names.h"

static int check_list(const spec_strv *v, const char *field, const char *what,
                      const char *const *table, ward_err *err)
{
    char path[96];
    size_t i;
    for (i = 0; i < v->len; i++) {
        snprintf(path, sizeof(path), "linux.seccomp.%s[%zu]", field, i);
        if (spec_check_name(path, what, table, v->items[i], err) < 0)
            return -1;
    }
    return 0;
}

static int validate_syscall(const spec_seccomp_syscall *sc, size_t i, bool *uses_notify,
                            ward_err *err)
{
    char path[96];
    size_t j;
    if (sc->names.len == 0)
        return ward_fail(err, "linux.seccomp.syscalls[%zu].names: must not be empty", i);
    for (j = 0; j < sc->names.len; j++)
        if (sc->names.items[j][0] == '\0')
            return ward_fail(err, "linux.seccomp.syscalls[%zu].names[%zu]: must not be empty", i,
                             j);
    snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu].action", i);
    if (spec_check_name(path, "action", spec_seccomp_actions, sc->action, err) < 0)
        return -1;
    if (sc->has_errno_ret && !spec_name_known(spec_seccomp_errno_actions, sc->action))
        return ward_fail(err,
                         "linux.seccomp.syscalls[%zu].errnoRet: only valid with SCMP_ACT_ERRNO or "
                         "SCMP_ACT_TRACE",
                         i);
    if (strcmp(sc->action, "SCMP_ACT_NOTIFY") == 0)
        *uses_notify = true;
    for (j = 0; j < sc->n_args; j++) {
        const spec_seccomp_arg *a = &sc->args[j];
        if (a->index > 5)
            return ward_fail(err, "linux.seccomp.syscalls[%zu].args[%zu].index: must be 0 to 5", i,
                             j);
        snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu].args[%zu].op", i, j);
        if (spec_check_name(path, "operator", spec_seccomp_operators, a->op, err) < 0)
            return -1;
    }
    return 0;
}

int spec_validate_seccomp(const spec_seccomp *s, ward_err *err)
{
    bool uses_notify = false;
    size_t i;
    if (spec_check_name("linux.seccomp.defaultAction", "action", spec_seccomp_actions,
                        s->default_action, err) < 0)
        return -1;
    if (strcmp(s->default_action, "SCMP_ACT_NOTIFY") == 0)
        return ward_fail(err, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default");
    if (s->has_default_errno_ret && !spec_name_known(spec_seccomp_errno_actions, s->default_action))
        return ward_fail(err, "linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or "
                              "SCMP_ACT_TRACE");
    if (check_list(&s->architectures, "architectures", "architecture", spec_seccomp_arches, err) <
            0 ||
        check_list(&s->flags, "flags", "flag", spec_seccomp_flags, err) < 0)
        return -1;
    for (i = 0; i < s->n_syscalls; i++)
        if (validate_syscall(&s->syscalls[i], i, &uses_notify, err) < 0)
            return -1;
    if (s->listener_metadata != NULL && s->listener_path == NULL)
        return ward_fail(err, "linux.seccomp.listenerMetadata: requires listenerPath");
    if (s->listener_path != NULL && !spec_path_is_absolute(s->listener_path))
        return ward_fail(err, "linux.seccomp.listenerPath: must be an absolute path");
    if (uses_notify && s->listener_path == NULL)
        return ward_fail(err, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
    return 0;
}
