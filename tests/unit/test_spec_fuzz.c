/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded random-mutation fuzz of every spec/ parser (no libFuzzer needed): mutate real documents
 * for WARD_FUZZ_SECONDS (default 2) and check that nothing crashes (run it under --enable-asan to
 * catch memory errors) and that whatever parses also serialises and round-trips.
 *
 * Reproducing a failure: the inputs are a pure function of the seed, and the test prints it first
 * ("# seed S"); a round-trip failure also prints the number of the input that failed ("input N").
 * WARD_FUZZ_SEED=S replays the same sequence of inputs, and WARD_FUZZ_INPUTS=N stops after exactly
 * N inputs instead of after WARD_FUZZ_SECONDS (so a slower machine still reaches input N):
 *     WARD_FUZZ_SEED=S WARD_FUZZ_INPUTS=N tests/unit/test_spec_fuzz
 * Without WARD_FUZZ_SEED the seed is the clock's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spec/base/cleanup.h"
#include "spec/base/file.h"
#include "spec/parse.h"
#include "spec/state.h"
#include "tests/unit/tap.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_reserve(buf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap) {
        b->cap = (b->len + extra + 1) * 2;
        b->data = realloc(b->data, b->cap);
    }
}

static void buf_insert(buf *b, size_t at, const char *s, size_t n)
{
    buf_reserve(b, n);
    memmove(b->data + at + n, b->data + at, b->len - at);
    memcpy(b->data + at, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static const char *const tokens[] = {
    "null",
    "-1",
    "18446744073709551616",
    "1e400",
    "\"\\u0000\"",
    "[]",
    "{}",
    "\"../..\"",
    "0.5",
    "\"\\ud800\"",
    "true",
    "\"\"",
    "-9223372036854775809",
    "4294967296",
    "[[[[[[[[",
    "}}}}",
    "\"SCMP_ACT_NOTIFY\"",
    "\"user\"",
    "\"time\"",
    ",",
    ":",
    "\"",
    "\\",
};

static void mutate(buf *b, const char *const *corpus, size_t n_corpus)
{
    static const char chars[] = "{}[]\":,\\0123456789-e.tfn \n";
    size_t at = below(b->len + 1), n;
    switch (below(6)) {
    case 0:
        if (b->len)
            b->data[below(b->len)] ^= (char)(1u << below(8));
        break;
    case 1:
        if (b->len)
            b->data[below(b->len)] = below(20) ? chars[below(sizeof(chars) - 1)] : (char)rnd();
        break;
    case 2:
        n = below(16) + 1;
        if (at + n <= b->len) {
            memmove(b->data + at, b->data + at + n, b->len - at - n);
            b->len -= n;
            b->data[b->len] = '\0';
        }
        break;
    case 3: {
        size_t from = below(b->len), span = below(64) + 1;
        if (from + span <= b->len) {
            char *copy = malloc(span); /* the data may hold NUL bytes: no strndup */
            memcpy(copy, b->data + from, span);
            buf_insert(b, at, copy, span);
            free(copy);
        }
        break;
    }
    case 4: {
        const char *t = tokens[below(sizeof(tokens) / sizeof(tokens[0]))];
        buf_insert(b, at, t, strlen(t));
        break;
    }
    default: { /* splice a piece of another document */
        const char *other = corpus[below(n_corpus)];
        size_t olen = strlen(other), from = below(olen), span = below(128) + 1;
        if (from + span <= olen)
            buf_insert(b, at, other + from, span);
        break;
    }
    }
}

static char *load(const char *name)
{
    char path[1024];
    char *text = NULL;
    size_t len;
    ward_err err = {0};
    snprintf(path, sizeof(path), "%s/%s", SPEC_TEST_DATA, name);
    if (spec_read_file(path, 1 << 24, &text, &len, &err) < 0) {
        printf("# %s\n", err.msg);
        exit(1);
    }
    return text;
}

typedef struct stats {
    unsigned long iterations, first_failure, configs_parsed, configs_valid, states_parsed,
        round_trip_failures;
} stats;

/* Whatever parses must serialise, and the serialisation must be stable. */
static void check_config(const buf *b, stats *st)
{
    spec_config *c = NULL, *c2 = NULL;
    cleanup_free char *s1 = NULL;
    cleanup_free char *s2 = NULL;
    ward_err err = {0};
    size_t l1, l2;
    if (spec_config_parse(b->data, b->len, &c, &err) < 0)
        return;
    st->configs_parsed++;
    if (spec_config_validate(c, &err) == 0)
        st->configs_valid++;
    if (spec_config_to_json(c, &s1, &l1, &err) < 0 || spec_config_parse(s1, l1, &c2, &err) < 0 ||
        spec_config_to_json(c2, &s2, &l2, &err) < 0 || strcmp(s1, s2) != 0) {
        if (st->round_trip_failures++ == 0) {
            st->first_failure = st->iterations + 1;
            printf("# input %lu: round trip failed (%s) for: %.*s\n", st->first_failure,
                   err.msg[0] ? err.msg : "serialisations differ", (int)b->len, b->data);
        }
    }
    spec_config_free(c);
    spec_config_free(c2);
}

static void check_others(const buf *b, stats *st)
{
    spec_process *p = NULL;
    spec_resources *r = NULL;
    spec_state *s = NULL, *s2 = NULL;
    cleanup_free char *out = NULL;
    ward_err err = {0};
    size_t len;
    if (spec_process_parse(b->data, b->len, &p, &err) == 0)
        spec_process_free(p);
    if (spec_resources_parse(b->data, b->len, &r, &err) == 0)
        spec_resources_free(r);
    if (spec_state_parse(b->data, b->len, &s, &err) == 0) {
        st->states_parsed++;
        if (spec_state_to_json(s, &out, &len, &err) < 0 ||
            spec_state_parse(out, len, &s2, &err) < 0) {
            if (st->round_trip_failures++ == 0) {
                st->first_failure = st->iterations + 1;
                printf("# input %lu: state round trip failed (%s)\n", st->first_failure, err.msg);
            }
        }
        spec_state_free(s2);
        spec_state_free(s);
    }
}

/* A decimal environment number, or def when unset; anything else ends the test (a typo must not
 * silently replay another run). */
static unsigned long long env_number(const char *name, unsigned long long def)
{
    const char *v = getenv(name);
    char *end;
    unsigned long long n;
    if (v == NULL || v[0] == '\0')
        return def;
    errno = 0;
    n = strtoull(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0) {
        printf("Bail out! %s=\"%s\" is not a decimal number\n", name, v);
        exit(1);
    }
    return n;
}

int main(void)
{
    static const char state_doc[] =
        "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"running\",\"pid\":42,\"bundle\":\"/"
        "b\","
        "\"rootfs\":\"/b/rootfs\",\"annotations\":{\"a\":\"b\"},\"ward\":{\"initStartTime\":7,"
        "\"cgroupPath\":\"/ward/c1\",\"cgroupMode\":\"v2\",\"started\":true,"
        "\"protections\":{\"seccomp\":[1,{\"x\":null}]}}}";
    static const char resources_doc[] =
        "{\"memory\":{\"limit\":268435456,\"swap\":536870912},\"cpu\":{\"shares\":512},"
        "\"pids\":{\"limit\":10},\"unified\":{\"memory.high\":\"1\"}}";
    const char *corpus[6];
    const char *env_secs = getenv("WARD_FUZZ_SECONDS");
    double seconds = env_secs ? atof(env_secs) : 2.0;
    uint64_t seed = env_number("WARD_FUZZ_SEED", (uint64_t)time(NULL));
    unsigned long inputs = (unsigned long)env_number("WARD_FUZZ_INPUTS", 0);
    struct timespec start, now;
    stats st = {0};
    size_t i;
    corpus[0] = load("full.json");
    corpus[1] = load("runc-spec.json");
    corpus[2] = load("crun-spec-rootless.json");
    corpus[3] = state_doc;
    corpus[4] = resources_doc;
    corpus[5] = "{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}";
    rng_state = seed ? seed : 1;
    if (inputs)
        printf("# seed %llu, %lu inputs (replay with WARD_FUZZ_SEED=%llu)\n",
               (unsigned long long)seed, inputs, (unsigned long long)seed);
    else
        printf("# seed %llu, %.1f s (replay with WARD_FUZZ_SEED=%llu)\n", (unsigned long long)seed,
               seconds, (unsigned long long)seed);
    fflush(stdout); /* the seed must be out before a crash */
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        const char *src = corpus[below(6)];
        buf b = {0};
        int k, rounds = (int)below(4) + 1;
        buf_insert(&b, 0, src, strlen(src));
        for (k = 0; k < rounds; k++)
            mutate(&b, corpus, 6);
        check_config(&b, &st);
        check_others(&b, &st);
        free(b.data);
        st.iterations++;
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (inputs ? st.iterations < inputs
                    : (double)(now.tv_sec - start.tv_sec) +
                              (double)(now.tv_nsec - start.tv_nsec) / 1e9 <
                          seconds);
    printf("# %lu inputs: %lu configs parsed (%lu valid), %lu states parsed\n", st.iterations,
           st.configs_parsed, st.configs_valid, st.states_parsed);
    tap_ok(st.iterations > 100, "%lu mutated inputs through every parser without a crash",
           st.iterations);
    tap_ok(st.configs_parsed > 0 && st.states_parsed > 0,
           "mutations still reach the model (%lu configs, %lu states parsed)", st.configs_parsed,
           st.states_parsed);
    if (!tap_ok(st.round_trip_failures == 0,
                "every parsed document serialises and round-trips (%lu failures)",
                st.round_trip_failures))
        printf("# replay: WARD_FUZZ_SEED=%llu WARD_FUZZ_INPUTS=%lu %s\n", (unsigned long long)seed,
               st.first_failure, "tests/unit/test_spec_fuzz");
    for (i = 0; i < 3; i++)
        free((char *)corpus[i]);
    return tap_done();
}
