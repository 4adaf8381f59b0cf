/* SPDX-License-Identifier: Apache-2.0 */
/* What the prepared filters are (state.json) and what this host supports (`ward features`). */

#include "runtime/sandbox/internal.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

typedef struct jw {
    yajl_gen g;
    int bad;
} jw;

static void j_str(jw *w, const char *s)
{
    w->bad |= yajl_gen_string(w->g, (const unsigned char *)s, strlen(s));
}
static void j_key_str(jw *w, const char *k, const char *v)
{
    j_str(w, k);
    j_str(w, v);
}
static void j_key_int(jw *w, const char *k, long long v)
{
    j_str(w, k);
    w->bad |= yajl_gen_integer(w->g, v);
}
static void j_key_bool(jw *w, const char *k, bool v)
{
    j_str(w, k);
    w->bad |= yajl_gen_bool(w->g, v);
}
static void j_key_hash(jw *w, const char *k, uint64_t h)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "fnv1a64:%016llx", (unsigned long long)h);
    j_key_str(w, k, buf);
}

static int j_finish(jw *w, char **out, ward_err *err)
{
    const unsigned char *buf;
    size_t len;
    if (w->bad || yajl_gen_get_buf(w->g, &buf, &len) != yajl_gen_status_ok) {
        yajl_gen_free(w->g);
        return ward_fail(err, "seccomp: generating JSON");
    }
    *out = strndup((const char *)buf, len);
    yajl_gen_free(w->g);
    return *out ? 0 : ward_fail_errno(err, ENOMEM, "seccomp: JSON");
}

static int j_start(jw *w, ward_err *err)
{
    w->bad = 0;
    w->g = yajl_gen_alloc(NULL);
    if (w->g == NULL)
        return ward_fail_errno(err, ENOMEM, "seccomp: JSON");
    w->bad |= yajl_gen_map_open(w->g);
    return 0;
}

static void describe_flags(jw *w, unsigned int flags)
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
    j_str(w, "flags");
    w->bad |= yajl_gen_array_open(w->g);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (flags & names[i].f)
            j_str(w, names[i].name);
    w->bad |= yajl_gen_array_close(w->g);
}

static void describe_baseline(jw *w, const sandbox_seccomp *s)
{
    j_str(w, "baseline");
    w->bad |= yajl_gen_map_open(w->g);
    j_key_hash(w, "hash", s->baseline.profile_hash);
    j_key_int(w, "entries", (long long)s->baseline.entries);
    j_key_int(w, "insns", (long long)s->baseline.len);
    j_key_bool(w, "cached", s->baseline.from_cache);
    j_key_bool(w, "own_user_ns_admin", s->params.own_admin);
    j_key_str(w, "foreign_arch_action", "SCMP_ACT_KILL_PROCESS");
    j_str(w, "extra_arches");
    w->bad |= yajl_gen_array_open(w->g);
    for (size_t i = 0; i < s->params.n_extra_arches; i++) {
        const char *name = s->params.extra_arches[i] == SCMP_ARCH_X86   ? "SCMP_ARCH_X86"
                           : s->params.extra_arches[i] == SCMP_ARCH_X32 ? "SCMP_ARCH_X32"
                                                                        : "SCMP_ARCH_ARM";
        j_str(w, name);
    }
    w->bad |= yajl_gen_array_close(w->g);
    j_str(w, "host_allowed");
    w->bad |= yajl_gen_array_open(w->g);
    for (size_t i = 0; i < s->n_host_allowed; i++)
        j_str(w, s->host_allowed[i]);
    w->bad |= yajl_gen_array_close(w->g);
    w->bad |= yajl_gen_map_close(w->g);
}

static void describe_spec(jw *w, const sandbox_seccomp *s)
{
    j_str(w, "spec");
    if (!s->has_spec) {
        w->bad |= yajl_gen_null(w->g);
        return;
    }
    w->bad |= yajl_gen_map_open(w->g);
    j_key_hash(w, "hash", s->spec.profile_hash);
    j_key_str(w, "default_action", s->spec_default_action);
    j_key_int(w, "rules", (long long)s->spec.entries);
    j_key_int(w, "skipped_unknown", (long long)s->spec.skipped);
    j_key_int(w, "insns", (long long)s->spec.len);
    j_key_bool(w, "cached", s->spec.from_cache);
    j_key_bool(w, "notify", s->notify);
    describe_flags(w, s->spec_flags);
    w->bad |= yajl_gen_map_close(w->g);
}

int sandbox_seccomp_describe(const sandbox_seccomp *s, char **json, ward_err *err)
{
    jw w;
    if (j_start(&w, err) < 0)
        return -1;
    j_key_bool(&w, "enabled", true);
    describe_baseline(&w, s);
    describe_spec(&w, s);
    j_key_int(&w, "prepare_us", (long long)s->prepare_us);
    w.bad |= yajl_gen_map_close(w.g);
    return j_finish(&w, json, err);
}

static bool action_available(uint32_t action)
{
    return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

static void host_seccomp(jw *w)
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
    j_str(w, "seccomp");
    w->bad |= yajl_gen_map_open(w->g);
    j_key_bool(w, "enabled", enabled);
    j_key_int(w, "baseline_entries", (long long)ward_seccomp_baseline_len);
    j_key_str(w, "libseccomp", ver);
    j_key_int(w, "api_level", seccomp_api_get());
    j_key_str(w, "native_arch", arch);
    j_key_str(w, "foreign_arch_action", "SCMP_ACT_KILL_PROCESS");
    j_str(w, "actions");
    w->bad |= yajl_gen_array_open(w->g);
    for (size_t i = 0; enabled && i < sizeof(acts) / sizeof(acts[0]); i++)
        if (action_available(acts[i].act))
            j_str(w, acts[i].name);
    w->bad |= yajl_gen_array_close(w->g);
    w->bad |= yajl_gen_map_close(w->g);
}

int sandbox_host_features_json(char **json, ward_err *err)
{
    jw w;
    int abi = sandbox_landlock_abi();
    if (j_start(&w, err) < 0)
        return -1;
    host_seccomp(&w);
    j_str(&w, "landlock");
    w.bad |= yajl_gen_map_open(w.g);
    j_key_bool(&w, "enabled", abi > 0);
    j_key_int(&w, "abi", abi);
    w.bad |= yajl_gen_map_close(w.g);
    w.bad |= yajl_gen_map_close(w.g);
    return j_finish(&w, json, err);
}
