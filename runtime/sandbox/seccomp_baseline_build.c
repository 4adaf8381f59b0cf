/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From the baseline table (seccomp_baseline.c) and its parameters to a libseccomp filter.
 *
 * Foreign architectures: the filter holds the native arch, plus i386/x32 only when the spec's
 * profile lists them. A syscall made through any other ABI (int 0x80 from a 64-bit process, an
 * x32 call) matches no arch in the filter and gets the bad-arch action, KILL_PROCESS. Killing
 * rather than ERRNO(ENOSYS): a 64-bit process issuing i386 syscalls is the classic way around
 * filters keyed on 64-bit numbers, not something a workload does by accident; an i386 program
 * that gets ENOSYS on every call would misbehave in confusing ways, while SIGSYS names the cause
 * (and is audited). KILL_PROCESS also outranks every action of a stacked filter.
 */

#include "runtime/sandbox/internal.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* CLONE_NEW* as clone(2) and unshare(2) take them (clone's low byte is the exit signal). */
static const uint64_t clone_ns_flags[] = {CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS,
                                          CLONE_NEWIPC, CLONE_NEWUSER,   CLONE_NEWPID,
                                          CLONE_NEWNET};

/* Architectures whose syscalls a native process can issue (ABI switch, not emulation). */
static bool is_compat_arch(uint32_t native, uint32_t arch)
{
    if (native == SCMP_ARCH_X86_64)
        return arch == SCMP_ARCH_X86 || arch == SCMP_ARCH_X32;
    if (native == SCMP_ARCH_AARCH64)
        return arch == SCMP_ARCH_ARM;
    return false;
}

static bool caps_have(const spec_strv *v, const char *cap)
{
    for (size_t i = 0; i < v->len; i++)
        if (v->items[i] && strcmp(v->items[i], cap) == 0)
            return true;
    return false;
}

static bool new_user_namespace(const spec_config *cfg)
{
    for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
        if (cfg->linux_.namespaces[i].type == SPEC_NS_USER &&
            cfg->linux_.namespaces[i].path == NULL)
            return true;
    return false;
}

/* A namespace of type t that ward creates (not the host's, not one joined by path). */
static bool own_namespace(const spec_config *cfg, spec_ns_type t)
{
    for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
        if (cfg->linux_.namespaces[i].type == t &&
            (cfg->linux_.namespaces[i].path == NULL || !*cfg->linux_.namespaces[i].path))
            return true;
    return false;
}

int seccomp_baseline_params(const spec_config *cfg, const ward_hostconf *hc, baseline_params *p,
                            ward_err *err)
{
    const spec_capabilities *caps = &cfg->process.capabilities;
    const spec_seccomp *sc = &cfg->linux_.seccomp;
    uint32_t native = seccomp_arch_native();

    memset(p, 0, sizeof(*p));
    p->hc = hc;
    /* Own admin: CAP_SYS_ADMIN granted AND a user namespace ward creates (joining one by path
     * could be the host's, so it does not count). */
    p->own_admin = cfg->has_process && caps->present && new_user_namespace(cfg) &&
                   (caps_have(&caps->bounding, "CAP_SYS_ADMIN") ||
                    caps_have(&caps->effective, "CAP_SYS_ADMIN"));
    p->own_pid = own_namespace(cfg, SPEC_NS_PID);
    p->own_uts = own_namespace(cfg, SPEC_NS_UTS);
    p->sys_time =
        cfg->has_process && caps->present &&
        (caps_have(&caps->bounding, "CAP_SYS_TIME") || caps_have(&caps->effective, "CAP_SYS_TIME"));
    p->linux32 = cfg->linux_.personality.present && cfg->linux_.personality.domain &&
                 strcmp(cfg->linux_.personality.domain, "LINUX32") == 0;
    if (!sc->present)
        return 0;
    for (size_t i = 0; i < sc->architectures.len; i++) {
        uint32_t arch;
        if (seccomp_arch_from_spec_name(sc->architectures.items[i], &arch, err) < 0)
            return ward_err_prefix(err, "linux.seccomp.architectures[%zu]", i);
        if (!is_compat_arch(native, arch))
            continue;
        bool dup = false;
        for (size_t j = 0; j < p->n_extra_arches; j++)
            dup = dup || p->extra_arches[j] == arch;
        if (!dup && p->n_extra_arches < sizeof(p->extra_arches) / sizeof(p->extra_arches[0]))
            p->extra_arches[p->n_extra_arches++] = arch;
    }
    return 0;
}

bool seccomp_baseline_applies(const baseline_entry *e, const baseline_params *p)
{
    if (p->hc && e->cond != BL_NUMBER_RANGE && ward_hostconf_seccomp_allows(p->hc, e->name))
        return false;
    if (p->own_admin && (e->cond == BL_UNLESS_OWN_ADMIN || e->cond == BL_NS_FLAGS))
        return false;
    if (p->own_pid && e->cond == BL_UNLESS_OWN_PID)
        return false;
    if (p->own_uts && e->cond == BL_UNLESS_OWN_UTS)
        return false;
    if (!p->sys_time && e->cond == BL_IF_CAP_SYS_TIME)
        return false;
    return true;
}

int seccomp_baseline_text(const baseline_params *p, seccomp_text *t)
{
    uint32_t arches[4];
    size_t n = p->n_extra_arches;

    memcpy(arches, p->extra_arches, sizeof(arches));
    for (size_t i = 1; i < n; i++) /* canonical order */
        for (size_t j = i; j > 0 && arches[j - 1] > arches[j]; j--) {
            uint32_t tmp = arches[j];
            arches[j] = arches[j - 1];
            arches[j - 1] = tmp;
        }
    seccomp_text_lit(t, "ward-seccomp-baseline 3\nlinux32=");
    seccomp_text_num(t, p->linux32);
    for (size_t i = 0; i < n; i++) {
        seccomp_text_lit(t, "\narch=");
        seccomp_text_num(t, arches[i]);
    }
    for (size_t i = 0; i < ward_seccomp_baseline_len; i++) {
        const baseline_entry *e = &ward_seccomp_baseline[i];
        if (!seccomp_baseline_applies(e, p))
            continue;
        seccomp_text_str(t, "\nrule", e->name);
        seccomp_text_lit(t, " a=");
        seccomp_text_num(t, e->action);
        seccomp_text_lit(t, " c=");
        seccomp_text_num(t, e->cond);
        seccomp_text_lit(t, " nr=");
        seccomp_text_num(t, (uint64_t)e->nr);
        seccomp_text_lit(t, "-");
        seccomp_text_num(t, (uint64_t)e->nr_last);
    }
    seccomp_text_lit(t, "\n");
    return t->oom ? -1 : 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned n,
                    const struct scmp_arg_cmp *c, const char *name, ward_err *err)
{
    int r = seccomp_rule_add_array(ctx, act, nr, n, c);
    if (r < 0)
        return ward_fail_errno(err, -r, "seccomp baseline: adding the rule for %s", name);
    return 0;
}

static int add_personality(scmp_filter_ctx ctx, uint32_t act, int nr, bool linux32, ward_err *err)
{
    const uint64_t top = 1ULL << 31;
    uint64_t harmless = 0x20000 /* UNAME26 */ | (linux32 ? 0x0008 /* PER_LINUX32 */ : 0);
    struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_GT, 0xffffffffULL);

    /* libseccomp takes one comparison per argument and rule, so "not one of 0, 0x8, 0x20000,
     * 0x20008, 0xffffffff" is written as rules that each catch one bit out of place. */
    if (add_rule(ctx, act, nr, 1, &c, "personality", err) < 0)
        return -1;
    for (int b = 0; b < 31; b++) {
        uint64_t bit = 1ULL << b;
        if (!(harmless & bit)) { /* bit 31 clear and a bit that is not harmless set */
            c = (struct scmp_arg_cmp)SCMP_A0(SCMP_CMP_MASKED_EQ, top | bit, bit);
            if (add_rule(ctx, act, nr, 1, &c, "personality", err) < 0)
                return -1;
        }
        /* bit 31 set (only the all-ones query may have it) and some bit clear */
        c = (struct scmp_arg_cmp)SCMP_A0(SCMP_CMP_MASKED_EQ, top | bit, top);
        if (add_rule(ctx, act, nr, 1, &c, "personality", err) < 0)
            return -1;
    }
    return 0;
}

static int add_entry(scmp_filter_ctx ctx, const baseline_entry *e, const baseline_params *p,
                     bool native, ward_err *err)
{
    uint32_t act = SCMP_ACT_ERRNO(e->action == BL_ENOSYS ? ENOSYS : EPERM);
    int nr;

    if (e->cond == BL_NUMBER || e->cond == BL_NUMBER_RANGE) {
        if (!native)
            return 0;
        for (nr = e->nr; nr <= e->nr_last; nr++)
            if (add_rule(ctx, act, nr, 0, NULL, e->name, err) < 0)
                return -1;
        return 0;
    }
    nr = seccomp_syscall_resolve_name(e->name);
    if (nr == __NR_SCMP_ERROR)
        return ward_fail(err, "seccomp baseline: libseccomp does not know the syscall %s", e->name);
    if (e->cond == BL_PERSONALITY)
        return add_personality(ctx, act, nr, p->linux32, err);
    if (e->cond == BL_ARG0_EQ) {
        struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_EQ, (uint64_t)e->nr);
        return add_rule(ctx, act, nr, 1, &c, e->name, err);
    }
    if (e->cond == BL_NS_FLAGS) {
        bool is_clone = strcmp(e->name, "clone") == 0;
        size_t n = sizeof(clone_ns_flags) / sizeof(clone_ns_flags[0]);
        for (size_t i = 0; i <= n; i++) {
            uint64_t f = i < n ? clone_ns_flags[i] : CLONE_NEWTIME;
            struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, f, f);
            if (i == n && is_clone)
                break; /* 0x80 is part of clone's exit signal byte */
            if (add_rule(ctx, act, nr, 1, &c, e->name, err) < 0)
                return -1;
        }
        return 0;
    }
    return add_rule(ctx, act, nr, 0, NULL, e->name, err);
}

static scmp_filter_ctx new_ctx(const uint32_t *arches, size_t n, ward_err *err)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int r;
    if (ctx == NULL) {
        ward_fail(err, "seccomp baseline: seccomp_init failed");
        return NULL;
    }
    r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (r == 0 && n > 0) { /* a foreign-arch-only context */
        r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
        for (size_t i = 0; r == 0 && i < n; i++)
            r = seccomp_arch_add(ctx, arches[i]);
    }
    if (r < 0) {
        seccomp_release(ctx);
        ward_fail_errno(err, -r, "seccomp baseline: setting up the filter");
        return NULL;
    }
    return ctx;
}

static int fill_ctx(scmp_filter_ctx ctx, const baseline_params *p, bool native, size_t *entries,
                    ward_err *err)
{
    *entries = 0;
    for (size_t i = 0; i < ward_seccomp_baseline_len; i++) {
        const baseline_entry *e = &ward_seccomp_baseline[i];
        if (!seccomp_baseline_applies(e, p))
            continue;
        if (add_entry(ctx, e, p, native, err) < 0)
            return -1;
        (*entries)++;
    }
    return 0;
}

int seccomp_baseline_compile(const baseline_params *p, seccomp_prog *out, ward_err *err)
{
    scmp_filter_ctx ctx = new_ctx(NULL, 0, err), foreign = NULL;
    size_t entries, foreign_entries;
    int r = -1;

    if (ctx == NULL)
        return -1;
    if (fill_ctx(ctx, p, true, &entries, err) < 0)
        goto out;
    if (p->n_extra_arches > 0) {
        /* Number rules cannot be given to non-native arches, so those get their own context
         * (named rules only) that is merged in. */
        foreign = new_ctx(p->extra_arches, p->n_extra_arches, err);
        if (foreign == NULL || fill_ctx(foreign, p, false, &foreign_entries, err) < 0)
            goto out;
        int m = seccomp_merge(ctx, foreign);
        if (m < 0) {
            ward_fail_errno(err, -m, "seccomp baseline: merging the foreign-arch filter");
            goto out;
        }
        foreign = NULL; /* merged into ctx */
    }
    if (seccomp_export(ctx, out, err) < 0)
        goto out;
    out->entries = entries;
    r = 0;
out:
    if (foreign)
        seccomp_release(foreign);
    seccomp_release(ctx);
    return r;
}
