/* SPDX-License-Identifier: Apache-2.0 */
/* What the prepared filters are (state.json) and what this host supports (`ward features`). */

#include "runtime/sandbox/internal.h"
#include "spec/json_write.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void key_hash(jwriter *w, const char *k, uint64_t h)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "fnv1a64:%016llx", (unsigned long long)h);
    jw_kstr(w, k, buf);
}

static int finish(jwriter *w, char **out, ward_err *err)
{
    jw_close(w);
    if (jw_finish(w, out, NULL, err) < 0)
        return ward_err_prefix(err, "seccomp: generating JSON");
    return 0;
}

static void describe_flags(jwriter *w, unsigned int flags)
{
    static const struct {
        unsigned int f;
        const char *name;
    } names[] = {
        {SECCOMP_FILTER_FLAG_TSYNC, "SECCOMP_FILTER_FLAG_TSYNC"},
        {SECCOMP_FILTER_FLAG_LOG, "SECCOMP_FILTER_FLAG_LOG"},
        {SECCOMP_FILTER_FLAG_SPEC_ALLOW, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
        {SECCOMP_FILTER_FLAG_TSYNC_ESRCH, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"},
        {1u << 5, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"},
    };
    jw_key(w, "flags");
    jw_open_array(w);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (flags & names[i].f)
            jw_str(w, names[i].name);
    jw_close_array(w);
}

static void describe_baseline(jwriter *w, const sandbox_seccomp *s)
{
    jw_key(w, "baseline");
    jw_open(w);
    key_hash(w, "hash", s->baseline.profile_hash);
    jw_ku64(w, "entries", s->baseline.entries);
    jw_ku64(w, "insns", s->baseline.len);
    jw_kbool(w, "cached", s->baseline.from_cache);
    jw_kbool(w, "own_user_ns_admin", s->params.own_admin);
    jw_kstr(w, "foreign_arch_action", "SCMP_ACT_KILL_PROCESS");
    jw_key(w, "extra_arches");
    jw_open_array(w);
    for (size_t i = 0; i < s->params.n_extra_arches; i++) {
        const char *name = s->params.extra_arches[i] == SCMP_ARCH_X86   ? "SCMP_ARCH_X86"
                           : s->params.extra_arches[i] == SCMP_ARCH_X32 ? "SCMP_ARCH_X32"
                                                                        : "SCMP_ARCH_ARM";
        jw_str(w, name);
    }
    jw_close_array(w);
    jw_key(w, "host_allowed");
    jw_open_array(w);
    for (size_t i = 0; i < s->n_host_allowed; i++)
        jw_str(w, s->host_allowed[i]);
    jw_close_array(w);
    jw_close(w);
}

static void describe_spec(jwriter *w, const sandbox_seccomp *s)
{
    jw_key(w, "spec");
    if (!s->has_spec) {
        jw_null(w);
        return;
    }
    jw_open(w);
    key_hash(w, "hash", s->spec.profile_hash);
    jw_kstr(w, "default_action", s->spec_default_action);
    jw_ku64(w, "rules", s->spec.entries);
    jw_ku64(w, "skipped_unknown", s->spec.skipped);
    jw_ku64(w, "insns", s->spec.len);
    jw_kbool(w, "cached", s->spec.from_cache);
    jw_kbool(w, "notify", s->notify);
    describe_flags(w, s->spec_flags);
    jw_close(w);
}

int sandbox_seccomp_describe(const sandbox_seccomp *s, char **json, ward_err *err)
{
    jwriter w;
    if (jw_init(&w, false, err) < 0)
        return ward_err_prefix(err, "seccomp: JSON");
    jw_open(&w);
    jw_kbool(&w, "enabled", true);
    describe_baseline(&w, s);
    describe_spec(&w, s);
    jw_ku64(&w, "prepare_us", s->prepare_us);
    return finish(&w, json, err);
}

static bool action_available(uint32_t action)
{
    return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

static void host_seccomp(jwriter *w)
{
    static const struct {
        uint32_t act;
        const char *name;
    } acts[] = {
        {SCMP_ACT_KILL_PROCESS, "SCMP_ACT_KILL_PROCESS"},
        {SCMP_ACT_KILL_THREAD, "SCMP_ACT_KILL_THREAD"},
        {SCMP_ACT_TRAP, "SCMP_ACT_TRAP"},
        {SCMP_ACT_ERRNO(0), "SCMP_ACT_ERRNO"},
        {SCMP_ACT_NOTIFY, "SCMP_ACT_NOTIFY"},
        {SCMP_ACT_TRACE(0), "SCMP_ACT_TRACE"},
        {SCMP_ACT_LOG, "SCMP_ACT_LOG"},
        {SCMP_ACT_ALLOW, "SCMP_ACT_ALLOW"},
    };
    const struct scmp_version *v = seccomp_version();
    uint32_t native = seccomp_arch_native();
    const char *arch = native == SCMP_ARCH_X86_64    ? "x86_64"
                       : native == SCMP_ARCH_AARCH64 ? "aarch64"
                                                     : "other";
    char ver[32];
    bool enabled = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;

    snprintf(ver, sizeof(ver), "%u.%u.%u", v->major, v->minor, v->micro);
    jw_key(w, "seccomp");
    jw_open(w);
    jw_kbool(w, "enabled", enabled);
    jw_ku64(w, "baseline_entries", ward_seccomp_baseline_len);
    jw_kstr(w, "libseccomp", ver);
    jw_ki64(w, "api_level", seccomp_api_get());
    jw_kstr(w, "native_arch", arch);
    jw_kstr(w, "foreign_arch_action", "SCMP_ACT_KILL_PROCESS");
    jw_key(w, "actions");
    jw_open_array(w);
    for (size_t i = 0; enabled && i < sizeof(acts) / sizeof(acts[0]); i++)
        if (action_available(acts[i].act))
            jw_str(w, acts[i].name);
    jw_close_array(w);
    jw_close(w);
}

int sandbox_host_features_json(char **json, ward_err *err)
{
    jwriter w;
    int abi = sandbox_landlock_abi();
    if (jw_init(&w, false, err) < 0)
        return ward_err_prefix(err, "seccomp: JSON");
    jw_open(&w);
    host_seccomp(&w);
    jw_key(&w, "landlock");
    jw_open(&w);
    jw_kbool(&w, "enabled", abi > 0);
    jw_ki64(&w, "abi", abi);
    jw_close(&w);
    return finish(&w, json, err);
}
