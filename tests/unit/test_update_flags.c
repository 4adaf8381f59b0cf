/* SPDX-License-Identifier: Apache-2.0 */
/* runc-style update flags: sizes as go-units reads them, and the LinuxResources they become. */
#include "runtime/resources_merge.h"
#include "runtime/cli/update_flags.h"
#include "spec/parse.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>

static void size_ok(const char *text, int64_t want)
{
    ward_err err = {0};
    int64_t got = 0;
    int rc = update_parse_size(text, &got, &err);
    if (!tap_ok(rc == 0 && got == want, "size \"%s\" = %lld", text, (long long)want))
        printf("#   rc %d got %lld: %s\n", rc, (long long)got, err.msg);
}

static void size_bad(const char *text, const char *msg)
{
    ward_err err = {0};
    int64_t got = 0;
    tap_ok(update_parse_size(text, &got, &err) < 0, "size \"%s\" refused", text);
    tap_streq(err.msg, msg, "  with the message");
}

static void json_is(const char *const values[UF_COUNT], const char *want, const char *name)
{
    ward_err err = {0};
    char *json = NULL;
    if (update_flags_to_json(values, &json, &err) < 0)
        printf("# %s\n", err.msg);
    tap_streq(json, want, name);
    free(json);
}

static void test_json(void)
{
    const char *v[UF_COUNT] = {0};
    json_is(v, "{}", "no flags: empty object");
    v[UF_MEMORY] = "256m";
    v[UF_MEMORY_SWAP] = "-1";
    v[UF_CPU_SHARES] = "512";
    v[UF_CPUSET_CPUS] = "0-1";
    v[UF_PIDS_LIMIT] = "100";
    v[UF_BLKIO_WEIGHT] = "300";
    json_is(v,
            "{\"memory\":{\"limit\":268435456,\"swap\":-1},\"cpu\":{\"shares\":512,\"cpus\":"
            "\"0-1\"},\"pids\":{\"limit\":100},\"blockIO\":{\"weight\":300}}",
            "flags become LinuxResources");
}

static void test_json_errors(void)
{
    const char *v[UF_COUNT] = {0};
    ward_err err = {0};
    char *json = NULL;
    v[UF_CPUSET_MEMS] = "0\",\"x";
    tap_ok(update_flags_to_json(v, &json, &err) < 0, "a quote in a cpuset list is refused");
    tap_streq(err.msg, "--cpuset-mems 0\",\"x: must be a list such as 0-3,7", "  by name");
    v[UF_CPUSET_MEMS] = NULL;
    v[UF_CPU_QUOTA] = "12abc";
    tap_ok(update_flags_to_json(v, &json, &err) < 0, "a non-number is refused");
    tap_streq(err.msg, "--cpu-quota 12abc: must be an integer", "  by name");
}

static void test_merge(void)
{
    ward_err err = {0};
    spec_resources *base = NULL, *delta = NULL;
    const char *b = "{\"memory\":{\"limit\":1000000,\"swap\":2000000},\"cpu\":{\"shares\":2,"
                    "\"cpus\":\"0\"},\"unified\":{\"a\":\"1\"}}";
    const char *d = "{\"memory\":{\"limit\":3000000},\"cpu\":{\"cpus\":\"1\"},\"unified\":"
                    "{\"a\":\"2\",\"b\":\"3\"},\"pids\":{\"limit\":9}}";
    if (spec_resources_parse(b, strlen(b), &base, &err) < 0 ||
        spec_resources_parse(d, strlen(d), &delta, &err) < 0) {
        tap_ok(0, "parse: %s", err.msg);
        return;
    }
    resources_merge(base, delta);
    tap_ok(base->memory.limit == 3000000 && base->memory.swap == 2000000,
           "merge: new memory limit, swap kept");
    tap_ok(base->cpu.shares == 2 && strcmp(base->cpu.cpus, "1") == 0,
           "merge: shares kept, cpus replaced");
    tap_ok(base->has_pids_limit && base->pids_limit == 9, "merge: pids added");
    tap_ok(base->unified.len == 2 && strcmp(base->unified.items[0].value, "2") == 0 &&
               strcmp(base->unified.items[1].key, "b") == 0,
           "merge: unified keys merged");
    spec_resources_free(base);
    spec_resources_free(delta);
}

int main(void)
{
    size_ok("0", 0);
    size_ok("1048576", 1048576);
    size_ok("-1", -1);
    size_ok("512k", 512LL << 10);
    size_ok("512K", 512LL << 10);
    size_ok("256m", 256LL << 20);
    size_ok("64MiB", 64LL << 20);
    size_ok("200mb", 200LL << 20);
    size_ok("1.5g", 3LL << 29);
    size_ok("2 GB", 2LL << 30);
    size_ok("1t", 1LL << 40);
    size_bad("", "invalid size \"\"");
    size_bad("lots", "invalid size \"lots\"");
    size_bad("12x", "invalid size \"12x\": unknown unit");
    size_bad("0x10", "invalid size \"0x10\"");
    size_bad("1e3", "invalid size \"1e3\"");
    size_bad("-2", "invalid size \"-2\"");
    size_bad("9000p", "invalid size \"9000p\": too large");
    size_bad("5kbb", "invalid size \"5kbb\": unknown unit");
    test_json();
    test_json_errors();
    test_merge();
    return tap_done();
}
