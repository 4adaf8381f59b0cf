/* SPDX-License-Identifier: Apache-2.0 */
/* The compiled-filter cache: hits give identical BPF faster; corrupt or foreign files rebuild. */

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "runtime/sandbox/internal.h"
#include "tests/unit/tap.h"
#include "tests/unit/seccomp_helpers.h"

#define ROUNDS 50

static char tmpdir[] = "/tmp/ward-seccomp-cache-XXXXXX";
static char cache[256];

static spec_config docker_like(void)
{
    /* sigaltstack and munmap: AddressSanitizer's runtime uses them when a child exits */
    static char *allow[] = {"read",         "write",  "openat", "close",       "mmap",
                            "exit_group",   "futex",  "brk",    "fstat",       "newfstatat",
                            "rt_sigaction", "getpid", "execve", "sigaltstack", "munmap"};
    static spec_seccomp_syscall sys[] = {{.names = {allow, 15}, .action = "SCMP_ACT_ALLOW"}};
    static char *arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    spec_config c;
    memset(&c, 0, sizeof(c));
    c.has_process = true;
    c.linux_.seccomp.present = true;
    c.linux_.seccomp.default_action = "SCMP_ACT_ERRNO";
    c.linux_.seccomp.has_default_errno_ret = true;
    c.linux_.seccomp.default_errno_ret = ENOSYS;
    c.linux_.seccomp.architectures.items = arches;
    c.linux_.seccomp.architectures.len = 3;
    c.linux_.seccomp.syscalls = sys;
    c.linux_.seccomp.n_syscalls = 1;
    return c;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Mean microseconds of ROUNDS prepares. */
static double time_prepare(const spec_config *c, const char *dir)
{
    uint64_t t0 = now_ns();
    for (int i = 0; i < ROUNDS; i++) {
        sandbox_seccomp *s = NULL;
        ward_err err;
        if (sandbox_seccomp_prepare(c, NULL, dir, &s, &err) < 0)
            return -1;
        sandbox_seccomp_free(s);
    }
    return (double)(now_ns() - t0) / 1000.0 / ROUNDS;
}

static bool same_prog(const seccomp_prog *a, const seccomp_prog *b)
{
    return a->len == b->len && a->len > 0 &&
           memcmp(a->insns, b->insns, a->len * sizeof(*a->insns)) == 0;
}

static sandbox_seccomp *prep(const spec_config *c, const char *dir)
{
    sandbox_seccomp *s = NULL;
    ward_err err;
    if (sandbox_seccomp_prepare(c, NULL, dir, &s, &err) < 0)
        printf("# prepare: %s\n", err.msg);
    return s;
}

static int cache_file(uint64_t key, char *path, size_t size)
{
    return snprintf(path, size, "%s/%016llx.bpf", cache, (unsigned long long)key);
}

static int p_getpid(void *a)
{
    return getpid() > 0 ? 0 : 1;
}

static void test_hits(const spec_config *c)
{
    sandbox_seccomp *cold = prep(c, NULL), *miss = prep(c, cache), *hit = prep(c, cache);
    struct stat st;
    char path[512];

    tap_ok(cold && miss && hit, "prepare with and without the cache");
    if (!(cold && miss && hit))
        return;
    tap_ok(!miss->baseline.from_cache && !miss->spec.from_cache, "first prepare is a miss");
    tap_ok(hit->baseline.from_cache && hit->spec.from_cache, "second prepare is a hit");
    tap_ok(same_prog(&cold->baseline, &hit->baseline) && same_prog(&cold->spec, &hit->spec),
           "cached BPF is identical to a fresh compile");
    tap_ok(hit->spec.entries == cold->spec.entries &&
               hit->baseline.entries == cold->baseline.entries,
           "rule counts survive the cache");
    tap_ok(stat(cache, &st) == 0 && (st.st_mode & 0777) == 0700 && st.st_uid == geteuid(),
           "cache dir is 0700 and ours");
    cache_file(hit->baseline.cache_key, path, sizeof(path));
    tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "cache file is 0600");
    tap_ok(child_exit_code(run_confined(hit, p_getpid, NULL)) == 0,
           "a cached filter pair loads and runs");
    sandbox_seccomp_free(cold);
    sandbox_seccomp_free(miss);
    sandbox_seccomp_free(hit);
}

static void flip_byte(const char *path, off_t off)
{
    int fd = open(path, O_RDWR);
    unsigned char b;
    if (fd < 0 || pread(fd, &b, 1, off) != 1)
        return;
    b ^= 0x40;
    if (pwrite(fd, &b, 1, off) != 1)
        printf("# pwrite failed\n");
    close(fd);
}

static void test_corrupt(const spec_config *c)
{
    sandbox_seccomp *s = prep(c, cache), *again;
    char path[512];
    struct stat st;

    if (s == NULL)
        return;
    cache_file(s->baseline.cache_key, path, sizeof(path));
    stat(path, &st);
    flip_byte(path, st.st_size - 20); /* inside the BPF */
    again = prep(c, cache);
    tap_ok(again && !again->baseline.from_cache && same_prog(&again->baseline, &s->baseline),
           "a corrupt cache file is ignored and the filter rebuilt");
    sandbox_seccomp_free(again);
    again = prep(c, cache);
    tap_ok(again && again->baseline.from_cache, "... and the rewritten file is a hit again");
    sandbox_seccomp_free(again);

    flip_byte(path, 40); /* inside the canonical text: a "foreign" profile under this name */
    again = prep(c, cache);
    tap_ok(again && !again->baseline.from_cache, "a file for another profile is not loaded");
    sandbox_seccomp_free(again);

    if (truncate(path, 10) == 0) {
        again = prep(c, cache);
        tap_ok(again && !again->baseline.from_cache, "a truncated file is a miss");
        sandbox_seccomp_free(again);
    }
    chmod(cache, 0755);
    again = prep(c, cache);
    tap_ok(again && !again->baseline.from_cache, "a cache dir open to others is not used");
    sandbox_seccomp_free(again);
    chmod(cache, 0700);
    sandbox_seccomp_free(s);
}

static void test_timing(const spec_config *c)
{
    spec_config none;
    double cold, warm, cold_b, warm_b;

    memset(&none, 0, sizeof(none));
    none.has_process = true;
    cold_b = time_prepare(&none, NULL);
    warm_b = time_prepare(&none, cache);
    cold = time_prepare(c, NULL);
    warm = time_prepare(c, cache);
    printf("# prepare, baseline only: %.0f us compiled, %.0f us cached (mean of %d)\n", cold_b,
           warm_b, ROUNDS);
    printf("# prepare, baseline + docker-like spec: %.0f us compiled, %.0f us cached\n", cold,
           warm);
    tap_ok(warm > 0 && warm < cold && warm_b < cold_b, "the cache makes prepare faster");
}

static void test_describe(const spec_config *c)
{
    sandbox_seccomp *s = prep(c, cache);
    char *json = NULL, *feat = NULL;
    ward_err err;

    int r1 = s ? sandbox_seccomp_describe(s, &json, &err) : -1;
    int r2 = sandbox_host_features_json(&feat, &err);

    printf("# describe: %s\n# features: %s\n", json ? json : "-", feat ? feat : "-");
    tap_ok(r1 == 0 && strstr(json, "\"baseline\":{") && strstr(json, "\"hash\":\"fnv1a64:") &&
               strstr(json, "\"extra_arches\":[\"SCMP_ARCH_X86\"") &&
               strstr(json, "\"cached\":true"),
           "describe names the baseline hash, arches and cache use");
    tap_ok(r2 == 0 && strstr(feat, "\"baseline_entries\":") && strstr(feat, "\"landlock\":{"),
           "host features list seccomp and landlock");
    free(json);
    free(feat);
    sandbox_seccomp_free(s);
}

int main(void)
{
    spec_config c = docker_like();
    char cmd[300];

    if (mkdtemp(tmpdir) == NULL)
        return 1;
    snprintf(cache, sizeof(cache), "%s/run/seccomp-cache", tmpdir);
    test_hits(&c);
    test_corrupt(&c);
    test_timing(&c);
    test_describe(&c);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("# cleanup of %s failed\n", tmpdir);
    return tap_done();
}
