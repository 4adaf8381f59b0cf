/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/cli/update_flags.h"

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

static int parse_int(const char *s, flag_kind kind, char *out, size_t len)
{
    char *end;
    if (*s == '\0')
        return -1;
    errno = 0;
    if (kind == K_U64) {
        unsigned long long v;
        if (!isdigit((unsigned char)*s))
            return -1;
        v = strtoull(s, &end, 10);
        if (errno || *end)
            return -1;
        snprintf(out, len, "%llu", v);
    } else {
        long long v = strtoll(s, &end, 10);
        if (errno || *end)
            return -1;
        snprintf(out, len, "%lld", v);
    }
    return 0;
}

/* A cpu or memory-node list: digits, ',' and '-' only (so it needs no JSON escaping). */
static int cpuset_text(const char *s, char *out, size_t len)
{
    if (*s == '\0' || strspn(s, "0123456789,-") != strlen(s) || strlen(s) + 3 > len)
        return -1;
    snprintf(out, len, "\"%s\"", s);
    return 0;
}

static int value_text(update_flag f, const char *s, char *out, size_t len, ward_err *err)
{
    int64_t size;
    switch (flags[f].kind) {
    case K_SIZE:
        if (update_parse_size(s, &size, err) < 0)
            return ward_err_prefix(err, "--%s", flags[f].name);
        snprintf(out, len, "%" PRId64, size);
        return 0;
    case K_CPUSET:
        if (cpuset_text(s, out, len) < 0)
            return ward_fail(err, "--%s %s: must be a list such as 0-3,7", flags[f].name, s);
        return 0;
    default:
        if (parse_int(s, flags[f].kind, out, len) < 0)
            return ward_fail(err, "--%s %s: must be %s integer", flags[f].name, s,
                             flags[f].kind == K_U64 ? "a non-negative" : "an");
        return 0;
    }
}

static int append(char *buf, size_t cap, size_t *used, const char *text)
{
    size_t n = strlen(text);
    if (*used + n + 1 > cap)
        return -1;
    memcpy(buf + *used, text, n + 1);
    *used += n;
    return 0;
}

/* The members of one LinuxResources object from the flags that belong to it ("" for none). */
static int object_members(const char *const values[UF_COUNT], const char *object, char *out,
                          size_t cap, ward_err *err)
{
    char item[256], val[128];
    size_t used = 0;
    out[0] = '\0';
    for (int f = 0; f < UF_COUNT; f++) {
        if (values[f] == NULL || strcmp(flags[f].object, object) != 0)
            continue;
        if (value_text((update_flag)f, values[f], val, sizeof(val), err) < 0)
            return -1;
        snprintf(item, sizeof(item), "%s\"%s\":%s", used ? "," : "", flags[f].key, val);
        if (append(out, cap, &used, item) < 0)
            return ward_fail(err, "update: too many values");
    }
    return 0;
}

int update_flags_to_json(const char *const values[UF_COUNT], char **json, ward_err *err)
{
    static const char *const objects[] = {"memory", "cpu", "pids", "blockIO"};
    char buf[4096], members[1024], head[64];
    size_t used = 0;
    append(buf, sizeof(buf), &used, "{");
    for (size_t o = 0; o < sizeof(objects) / sizeof(objects[0]); o++) {
        if (object_members(values, objects[o], members, sizeof(members), err) < 0)
            return -1;
        if (members[0] == '\0')
            continue;
        snprintf(head, sizeof(head), "%s\"%s\":{", used > 1 ? "," : "", objects[o]);
        if (append(buf, sizeof(buf), &used, head) < 0 ||
            append(buf, sizeof(buf), &used, members) < 0 ||
            append(buf, sizeof(buf), &used, "}") < 0)
            return ward_fail(err, "update: too many values");
    }
    if (append(buf, sizeof(buf), &used, "}") < 0)
        return ward_fail(err, "update: too many values");
    *json = strdup(buf);
    return *json ? 0 : ward_fail_errno(err, ENOMEM, "update");
}
