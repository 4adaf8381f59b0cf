/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sandbox_seccomp_prepare: compile (or take from the cache) the baseline and the spec's filter,
 * in ward, before the container's init exists. The init then only needs the BPF bytes
 * (sandbox_seccomp_load in seccomp_load.c), not libseccomp.
 */

#include "runtime/sandbox/internal.h"
#include "spec/base/cleanup.h"
#include "spec/base/time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef int (*text_fn)(const void *profile, seccomp_text *t);
typedef int (*compile_fn)(const void *profile, seccomp_prog *out, ward_err *err);

static int baseline_text_fn(const void *p, seccomp_text *t)
{
    return seccomp_baseline_text(p, t);
}
static int baseline_compile_fn(const void *p, seccomp_prog *out, ward_err *err)
{
    return seccomp_baseline_compile(p, out, err);
}
static int spec_text_fn(const void *p, seccomp_text *t)
{
    return seccomp_spec_text(p, t);
}
static int spec_compile_fn(const void *p, seccomp_prog *out, ward_err *err)
{
    return seccomp_spec_compile(p, out, err);
}

/* Canonical text -> cache hit, or compile and store. */
static int build_one(const void *profile, text_fn text, compile_fn compile, const char *cache_dir,
                     seccomp_prog *out, ward_err *err)
{
    seccomp_text host = {0}, prof = {0};
    int r = -1;

    if (seccomp_host_header(&host, err) < 0)
        goto out;
    if (text(profile, &prof) < 0) {
        ward_fail_errno(err, ENOMEM, "seccomp: canonical profile");
        goto out;
    }
    out->profile_hash = ward_fnv1a64(prof.buf, prof.len, WARD_FNV1A64_SEED);
    /* The key covers host + profile: append the profile to the host header. */
    seccomp_text_add(&host, "%s", prof.buf);
    if (host.oom) {
        ward_fail_errno(err, ENOMEM, "seccomp: cache key");
        goto out;
    }
    out->cache_key = ward_fnv1a64(host.buf, host.len, WARD_FNV1A64_SEED);
    if (seccomp_cache_get(cache_dir, out->cache_key, host.buf, host.len, out) == 0) {
        r = 0;
        goto out;
    }
    if (compile(profile, out, err) < 0)
        goto out;
    seccomp_cache_put(cache_dir, out->cache_key, host.buf, host.len, out);
    r = 0;
out:
    free(host.buf);
    free(prof.buf);
    return r;
}

static void count_baseline(sandbox_seccomp *s)
{
    s->baseline.entries = 0;
    s->n_host_allowed = 0;
    for (size_t i = 0; i < ward_seccomp_baseline_len; i++) {
        const baseline_entry *e = &ward_seccomp_baseline[i];
        if (seccomp_baseline_applies(e, &s->params))
            s->baseline.entries++;
        else if (s->params.hc && e->cond != BL_NUMBER_RANGE &&
                 ward_hostconf_seccomp_allows(s->params.hc, e->name))
            s->host_allowed[s->n_host_allowed++] = e->name;
    }
}

static int prepare_spec(sandbox_seccomp *s, const spec_seccomp *sc, const char *cache_dir,
                        ward_err *err)
{
    if (seccomp_spec_flags(sc, &s->spec_flags, err) < 0)
        return -1;
    s->notify = seccomp_spec_uses_notify(sc);
    if (s->notify && (sc->listener_path == NULL || sc->listener_path[0] != '/'))
        return ward_fail(err, "linux.seccomp: SCMP_ACT_NOTIFY needs an absolute listenerPath");
    s->spec_default_action = strdup(sc->default_action ? sc->default_action : "");
    if (s->spec_default_action == NULL)
        return ward_fail_errno(err, ENOMEM, "seccomp");
    s->has_spec = true;
    return build_one(sc, spec_text_fn, spec_compile_fn, cache_dir, &s->spec, err);
}

int sandbox_seccomp_prepare(const spec_config *cfg, const ward_hostconf *hc, const char *cache_dir,
                            sandbox_seccomp **out, ward_err *err)
{
    uint64_t t0 = ward_now_us();
    sandbox_seccomp *s = calloc(1, sizeof(*s));

    if (s == NULL)
        return ward_fail_errno(err, ENOMEM, "seccomp");
    s->host_allowed = calloc(ward_seccomp_baseline_len + 1, sizeof(*s->host_allowed));
    if (s->host_allowed == NULL) {
        sandbox_seccomp_free(s);
        return ward_fail_errno(err, ENOMEM, "seccomp");
    }
    if (seccomp_baseline_params(cfg, hc, &s->params, err) < 0 ||
        build_one(&s->params, baseline_text_fn, baseline_compile_fn, cache_dir, &s->baseline, err) <
            0)
        goto fail;
    count_baseline(s);
    s->params.hc = NULL; /* hc need not outlive prepare */
    if (cfg->linux_.seccomp.present && prepare_spec(s, &cfg->linux_.seccomp, cache_dir, err) < 0)
        goto fail;
    s->prepare_us = ward_now_us() - t0;
    *out = s;
    return 0;
fail:
    sandbox_seccomp_free(s);
    return ward_err_prefix(err, "seccomp");
}

void sandbox_seccomp_free(sandbox_seccomp *s)
{
    if (s == NULL)
        return;
    seccomp_prog_clear(&s->baseline);
    seccomp_prog_clear(&s->spec);
    free(s->host_allowed);
    free(s->spec_default_action);
    free(s);
}
