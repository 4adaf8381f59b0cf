/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/cli/update_flags.h"
#include "spec/json_write.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { K_SIZE, K_U64, K_I64, K_CPUSET } flag_kind;

static const struct {
    const char *name;
    flag_kind kind;
    const char *object; /* LinuxResources member */
    const char *key;
} flags[UF_COUNT] = {
    [UF_MEMORY] = {"memory", K_SIZE, "memory", "limit"},
    [UF_MEMORY_SWAP] = {"memory-swap", K_SIZE, "memory", "swap"},
    [UF_MEMORY_RESERVATION] = {"memory-reservation", K_SIZE, "memory", "reservation"},
    [UF_KERNEL_MEMORY] = {"kernel-memory", K_SIZE, "memory", "kernel"},
    [UF_KERNEL_MEMORY_TCP] = {"kernel-memory-tcp", K_SIZE, "memory", "kernelTCP"},
    [UF_CPU_SHARES] = {"cpu-shares", K_U64, "cpu", "shares"},
    [UF_CPU_QUOTA] = {"cpu-quota", K_I64, "cpu", "quota"},
    [UF_CPU_PERIOD] = {"cpu-period", K_U64, "cpu", "period"},
    [UF_CPU_RT_PERIOD] = {"cpu-rt-period", K_U64, "cpu", "realtimePeriod"},
    [UF_CPU_RT_RUNTIME] = {"cpu-rt-runtime", K_I64, "cpu", "realtimeRuntime"},
    [UF_CPUSET_CPUS] = {"cpuset-cpus", K_CPUSET, "cpu", "cpus"},
    [UF_CPUSET_MEMS] = {"cpuset-mems", K_CPUSET, "cpu", "mems"},
    [UF_PIDS_LIMIT] = {"pids-limit", K_I64, "pids", "limit"},
    [UF_BLKIO_WEIGHT] = {"blkio-weight", K_U64, "blockIO", "weight"},
};

const char *update_flag_name(update_flag f)
{
    return (unsigned)f < UF_COUNT ? flags[f].name : "?";
}

static int suffix_shift(const char *s, int *shift)
{
    static const char units[] = "kmgtp";
    const char *u;
    *shift = 0;
    if (*s == '\0')
        return 0;
    u = strchr(units, tolower((unsigned char)*s));
    if (u == NULL)
        return -1;
    *shift = 10 * (int)(u - units + 1);
    s++;
    if (tolower((unsigned char)*s) == 'i')
        s++;
    if (tolower((unsigned char)*s) == 'b')
        s++;
    return *s == '\0' ? 0 : -1;
}

int update_parse_size(const char *s, int64_t *out, ward_err *err)
{
    const char *p = s;
    long double v;
    char *end;
    int shift;
    if (strcmp(s, "-1") == 0) {
        *out = -1;
        return 0;
    }
    if (!isdigit((unsigned char)*p))
        return ward_fail(err, "invalid size \"%s\"", s);
    errno = 0;
    v = strtold(p, &end);
    /* strtold also takes hex, exponents, inf: only plain decimals are sizes */
    for (const char *q = p; q < end; q++)
        if (!isdigit((unsigned char)*q) && *q != '.')
            return ward_fail(err, "invalid size \"%s\"", s);
    if (errno || end == p)
        return ward_fail(err, "invalid size \"%s\"", s);
    if (*end == ' ')
        end++;
    if (suffix_shift(end, &shift) < 0)
        return ward_fail(err, "invalid size \"%s\": unknown unit", s);
    v *= (long double)(1ULL << shift);
    if (v >= 9223372036854775807.0L)
        return ward_fail(err, "invalid size \"%s\": too large", s);
    *out = (int64_t)v;
    return 0;
}

/* One flag's value, checked, as the JSON member it becomes. */
static int emit_value(jwriter *w, update_flag f, const char *s, ward_err *err)
{
    const char *key = flags[f].key;
    char *end;
    int64_t size;
    switch (flags[f].kind) {
    case K_SIZE:
        if (update_parse_size(s, &size, err) < 0)
            return ward_err_prefix(err, "--%s", flags[f].name);
        jw_ki64(w, key, size);
        return 0;
    case K_CPUSET: /* digits, ',' and '-' only */
        if (*s == '\0' || strspn(s, "0123456789,-") != strlen(s))
            return ward_fail(err, "--%s %s: must be a list such as 0-3,7", flags[f].name, s);
        jw_kstr(w, key, s);
        return 0;
    case K_U64: {
        unsigned long long v;
        errno = 0;
        v = isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
        if (!isdigit((unsigned char)*s) || errno || *end)
            return ward_fail(err, "--%s %s: must be a non-negative integer", flags[f].name, s);
        jw_ku64(w, key, v);
        return 0;
    }
    default: {
        long long v;
        errno = 0;
        v = *s ? strtoll(s, &end, 10) : 0;
        if (*s == '\0' || errno || *end)
            return ward_fail(err, "--%s %s: must be an integer", flags[f].name, s);
        jw_ki64(w, key, v);
        return 0;
    }
    }
}

int update_flags_to_json(const char *const values[UF_COUNT], char **json, ward_err *err)
{
    static const char *const objects[] = {"memory", "cpu", "pids", "blockIO"};
    cleanup_jwriter jwriter w = {0};
    size_t len;
    if (jw_init(&w, false, err) < 0)
        return -1;
    jw_open(&w);
    for (size_t o = 0; o < sizeof(objects) / sizeof(objects[0]); o++) {
        bool opened = false;
        for (int f = 0; f < UF_COUNT; f++) {
            if (values[f] == NULL || strcmp(flags[f].object, objects[o]) != 0)
                continue;
            if (!opened) {
                jw_key(&w, objects[o]);
                jw_open(&w);
                opened = true;
            }
            if (emit_value(&w, (update_flag)f, values[f], err) < 0)
                return -1;
        }
        if (opened)
            jw_close(&w);
    }
    jw_close(&w);
    return jw_finish(&w, json, &len, err);
}
