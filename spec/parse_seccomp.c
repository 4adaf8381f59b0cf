/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp: names are checked by validation, here only shapes and number ranges. */
#include "spec/model.h"

static int parse_arg(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    return jf_parse(n, p, spec_t_seccomp_arg, spec_t_seccomp_arg_len, elem, err);
}

static int parse_syscall(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    spec_seccomp_syscall *s = elem;
    const jnode *v;
    if (jf_parse(n, p, spec_t_syscall, spec_t_syscall_len, s, err) < 0)
        return -1;
    if ((v = json_get(n, "args")) != NULL) {
        size_t saved = jp_key(p, "args");
        if (jr_array(v, p, sizeof(spec_seccomp_arg), (void **)&s->args, &s->n_args, parse_arg,
                     err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

int spec_parse_seccomp_node(const jnode *n, jpath *p, spec_seccomp *s, ward_err *err)
{
    const jnode *v;
    if (jf_parse(n, p, spec_t_seccomp, spec_t_seccomp_len, s, err) < 0)
        return -1;
    if ((v = json_get(n, "syscalls")) != NULL) {
        size_t saved = jp_key(p, "syscalls");
        if (jr_array(v, p, sizeof(spec_seccomp_syscall), (void **)&s->syscalls, &s->n_syscalls,
                     parse_syscall, err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}
