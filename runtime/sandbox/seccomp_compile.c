/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The spec's linux.seccomp onto libseccomp (the mapping crun and runc use): defaultAction and
 * defaultErrnoRet, architectures, flags, and each syscalls[] entry with its action, errnoRet and
 * argument conditions. Unknown syscall names are skipped with a debug line, not an error.
 *
 * About syscalls newer than a profile knows: spec profiles are normally allowlists whose
 * defaultAction is ERRNO (Docker's and podman's defaults use ENOSYS via defaultErrnoRet), so a
 * call the profile does not name gets the profile's own default; ward does not second-guess it.
 * The baseline (a denylist) handles newer calls itself: see seccomp_baseline.c.
 */

#include "runtime/sandbox/internal.h"

#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define MAX_ERRNO 4095

int seccomp_arch_from_spec_name(const char *name, uint32_t *arch, ward_err *err)
{
    char lower[32];
    size_t i;

    if (name == NULL || strncmp(name, "SCMP_ARCH_", 10) != 0 || strlen(name + 10) >= sizeof(lower))
        return ward_fail(err, "unknown architecture \"%s\"", name ? name : "(null)");
    for (i = 0; name[10 + i]; i++)
        lower[i] = (char)tolower((unsigned char)name[10 + i]);
    lower[i] = '\0';
    *arch = seccomp_arch_resolve_name(lower);
    if (*arch == 0)
        return ward_fail(err, "unknown architecture \"%s\"", name);
    return 0;
}

/* Action name -> libseccomp action; errno_ret applies to ERRNO and TRACE (default EPERM). */
static int parse_action(const char *name, bool has_errno, uint32_t errno_ret, uint32_t *act,
                        ward_err *err)
{
    static const struct {
        const char *name;
        uint32_t act;
    } plain[] = {
        {"SCMP_ACT_KILL", SCMP_ACT_KILL},
        {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
        {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
        {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
        {"SCMP_ACT_LOG", SCMP_ACT_LOG},
        {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
    };
    uint32_t e = has_errno ? errno_ret : EPERM;

    if (name == NULL)
        return ward_fail(err, "action is missing");
    if (has_errno && errno_ret > MAX_ERRNO)
        return ward_fail(err, "errnoRet %u is out of range (0..%d)", errno_ret, MAX_ERRNO);
    if (strcmp(name, "SCMP_ACT_ERRNO") == 0) {
        *act = SCMP_ACT_ERRNO(e);
        return 0;
    }
    if (strcmp(name, "SCMP_ACT_TRACE") == 0) {
        *act = SCMP_ACT_TRACE(e);
        return 0;
    }
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        if (strcmp(name, plain[i].name) == 0) {
            if (has_errno)
                return ward_fail(err,
                                 "errnoRet is only valid with SCMP_ACT_ERRNO or "
                                 "SCMP_ACT_TRACE, not %s",
                                 name);
            *act = plain[i].act;
            return 0;
        }
    return ward_fail(err, "unknown action \"%s\"", name);
}

static int parse_op(const char *name, enum scmp_compare *op, ward_err *err)
{
    static const struct {
        const char *name;
        enum scmp_compare op;
    } ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };
    for (size_t i = 0; name && i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(name, ops[i].name) == 0) {
            *op = ops[i].op;
            return 0;
        }
    return ward_fail(err, "unknown operator \"%s\"", name ? name : "(null)");
}

int seccomp_spec_flags(const spec_seccomp *sc, unsigned int *flags, ward_err *err)
{
    static const struct {
        const char *name;
        unsigned int flag;
    } known[] = {
        {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
        {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
        {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
        {"SECCOMP_FILTER_FLAG_TSYNC_ESRCH", SECCOMP_FILTER_FLAG_TSYNC_ESRCH},
        {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
    };
    *flags = 0;
    for (size_t i = 0; i < sc->flags.len; i++) {
        const char *f = sc->flags.items[i];
        size_t k;
        for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
            if (f && strcmp(f, known[k].name) == 0)
                break;
        if (k == sizeof(known) / sizeof(known[0]))
            return ward_fail(err, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i,
                             f ? f : "(null)");
        *flags |= known[k].flag;
    }
    if ((*flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !seccomp_spec_uses_notify(sc))
        return ward_fail(err, "linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs "
                              "an SCMP_ACT_NOTIFY rule");
    return 0;
}

bool seccomp_spec_uses_notify(const spec_seccomp *sc)
{
    for (size_t i = 0; i < sc->n_syscalls; i++)
        if (sc->syscalls[i].action && strcmp(sc->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
            return true;
    return false;
}

static void text_u64(seccomp_text *t, const char *key, uint64_t v)
{
    seccomp_text_put(t, key, strlen(key));
    seccomp_text_num(t, v);
}

int seccomp_spec_text(const spec_seccomp *sc, seccomp_text *t)
{
    seccomp_text_lit(t, "ward-seccomp-spec 1\n");
    seccomp_text_str(t, "default", sc->default_action);
    text_u64(t, " errno=", sc->has_default_errno_ret);
    text_u64(t, ":", sc->default_errno_ret);
    for (size_t i = 0; i < sc->architectures.len; i++)
        seccomp_text_str(t, "\narch", sc->architectures.items[i]);
    for (size_t i = 0; i < sc->n_syscalls; i++) {
        const spec_seccomp_syscall *s = &sc->syscalls[i];
        seccomp_text_str(t, "\nsyscall", s->action);
        text_u64(t, " errno=", s->has_errno_ret);
        text_u64(t, ":", s->errno_ret);
        text_u64(t, " names=", s->names.len);
        text_u64(t, " args=", s->n_args);
        for (size_t j = 0; j < s->names.len; j++)
            seccomp_text_str(t, "\n name", s->names.items[j]);
        for (size_t j = 0; j < s->n_args; j++) {
            seccomp_text_str(t, "\n arg", s->args[j].op);
            text_u64(t, " ", s->args[j].index);
            text_u64(t, " ", s->args[j].value);
            text_u64(t, " ", s->args[j].value_two);
        }
    }
    seccomp_text_lit(t, "\n");
    return t->oom ? -1 : 0;
}

static int build_conditions(const spec_seccomp_syscall *s, struct scmp_arg_cmp *c, bool *same_index,
                            ward_err *err)
{
    bool seen[6] = {false};
    *same_index = false;
    if (s->n_args > 6)
        return ward_fail(err, "more than 6 argument conditions");
    for (size_t k = 0; k < s->n_args; k++) {
        enum scmp_compare op = SCMP_CMP_EQ;
        if (s->args[k].index > 5)
            return ward_fail(err, "args[%zu].index %u is out of range (0..5)", k, s->args[k].index);
        if (parse_op(s->args[k].op, &op, err) < 0)
            return ward_err_prefix(err, "args[%zu].op", k);
        *same_index = *same_index || seen[s->args[k].index];
        seen[s->args[k].index] = true;
        c[k] = (struct scmp_arg_cmp){.arg = s->args[k].index,
                                     .op = op,
                                     .datum_a = s->args[k].value,
                                     .datum_b = s->args[k].value_two};
    }
    return 0;
}

static int add_syscall_rules(scmp_filter_ctx ctx, const spec_seccomp_syscall *s, uint32_t def,
                             seccomp_prog *out, ward_err *err)
{
    struct scmp_arg_cmp c[6];
    bool same_index;
    uint32_t act;

    if (parse_action(s->action, s->has_errno_ret, s->errno_ret, &act, err) < 0 ||
        build_conditions(s, c, &same_index, err) < 0)
        return -1;
    if (act == def)
        return 0; /* what the default does anyway; libseccomp refuses such rules */
    for (size_t j = 0; j < s->names.len; j++) {
        const char *name = s->names.items[j];
        int nr = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
        int r = 0;
        if (nr == __NR_SCMP_ERROR) {
            sandbox_debug("seccomp: skipping unknown syscall \"%s\"", name ? name : "(null)");
            out->skipped++;
            continue;
        }
        /* Several conditions on one argument index: libseccomp accepts one comparison per
         * argument and rule, so each becomes its own rule (OR), as crun and runc do. */
        if (same_index)
            for (size_t k = 0; r == 0 && k < s->n_args; k++)
                r = seccomp_rule_add_array(ctx, act, nr, 1, &c[k]);
        else
            r = seccomp_rule_add_array(ctx, act, nr, (unsigned)s->n_args, c);
        if (r < 0)
            return ward_fail_errno(err, -r, "adding the rule for \"%s\"", name);
        out->entries++;
    }
    return 0;
}

static int setup_ctx(scmp_filter_ctx ctx, const spec_seccomp *sc, ward_err *err)
{
    int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (r < 0)
        return ward_fail_errno(err, -r, "setting the bad-arch action");
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2); /* binary tree; best effort */
    for (size_t i = 0; i < sc->architectures.len; i++) {
        uint32_t arch;
        if (seccomp_arch_from_spec_name(sc->architectures.items[i], &arch, err) < 0)
            return ward_err_prefix(err, "architectures[%zu]", i);
        r = seccomp_arch_add(ctx, arch);
        if (r < 0 && r != -EEXIST)
            return ward_fail_errno(err, -r, "architectures[%zu]: adding %s", i,
                                   sc->architectures.items[i]);
    }
    return 0;
}

int seccomp_spec_compile(const spec_seccomp *sc, seccomp_prog *out, ward_err *err)
{
    scmp_filter_ctx ctx = NULL;
    uint32_t def;
    int r = -1;

    if (sc->default_action && strcmp(sc->default_action, "SCMP_ACT_NOTIFY") == 0)
        return ward_fail(err, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default");
    if (parse_action(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret, &def,
                     err) < 0)
        return ward_err_prefix(err, "linux.seccomp.defaultAction");
    ctx = seccomp_init(def);
    if (ctx == NULL)
        return ward_fail(err, "linux.seccomp: seccomp_init refused the default action");
    if (setup_ctx(ctx, sc, err) < 0) {
        ward_err_prefix(err, "linux.seccomp");
        goto out;
    }
    for (size_t i = 0; i < sc->n_syscalls; i++)
        if (add_syscall_rules(ctx, &sc->syscalls[i], def, out, err) < 0) {
            ward_err_prefix(err, "linux.seccomp.syscalls[%zu]", i);
            goto out;
        }
    r = seccomp_export(ctx, out, err);
out:
    seccomp_release(ctx);
    return r;
}
