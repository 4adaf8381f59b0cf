/* SPDX-License-Identifier: Apache-2.0 */
/* Pure conversions and checks for cgroup v2 (no I/O): OCI's v1-shaped numbers to v2 files. */

#include "runtime/cgroup/internal.h"

#include <ctype.h>
#include <string.h>

/*
 * ln(x) and e^x for the shares conversion, without libm (libwardrt's users do not link -lm, and the
 * start path should not load it). Accurate to ~1e-15 over the range used here.
 */
static const double LN2 = 0.69314718055994530942;
static const double LN10 = 2.30258509299404568402;

static double ln_pos(double x)
{
    int k = 0;
    while (x >= 2.0) {
        x /= 2.0;
        k++;
    }
    while (x < 1.0) {
        x *= 2.0;
        k--;
    }
    /* ln(x) = 2 atanh((x-1)/(x+1)), |t| <= 1/3 */
    double t = (x - 1.0) / (x + 1.0), t2 = t * t, term = t, sum = 0.0;
    for (int n = 1; n < 80; n += 2) {
        sum += term / n;
        term *= t2;
    }
    return 2.0 * sum + k * LN2;
}

static double exp_any(double x)
{
    /* x = k ln2 + r with |r| <= ln2/2, e^x = 2^k e^r */
    int k = (int)(x / LN2 + (x >= 0 ? 0.5 : -0.5));
    double r = x - k * LN2, term = 1.0, sum = 1.0;
    for (int n = 1; n < 30; n++) {
        term *= r / n;
        sum += term;
    }
    for (; k > 0; k--)
        sum *= 2.0;
    for (; k < 0; k++)
        sum /= 2.0;
    return sum;
}

/*
 * cpu.shares (2..262144, default 1024) to cpu.weight (1..10000, default 100), with the quadratic
 * conversion of opencontainers/cgroups v0.0.3 (runc >= 1.3, crun >= 1.23):
 *   l = log2(shares); weight = ceil(10^((l^2 + 125 l) / 612 - 7/34))
 * which maps 2 -> 1, 1024 -> 100 and 262144 -> 10000 (the older linear one,
 * 1 + ((shares - 2) * 9999) / 262142, gave 39 for the default 1024). 0 means unset.
 */
uint64_t cg_shares_to_weight(uint64_t shares)
{
    if (shares == 0)
        return 0;
    if (shares <= 2)
        return 1;
    if (shares >= 262144)
        return 10000;
    double l = ln_pos((double)shares) / LN2;
    double exponent = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
    double w = exp_any(exponent * LN10);
    /* ceil, tolerant of the last-bit error of our series at exact powers (1024 -> 100 exactly) */
    uint64_t iw = (uint64_t)w;
    if (w - (double)iw > 1e-9)
        iw++;
    return iw < 1 ? 1 : iw > 10000 ? 10000 : iw;
}

uint64_t cg_blkio_weight_to_io(uint64_t weight)
{
    if (weight == 0)
        return 0;
    if (weight < 10)
        weight = 10;
    if (weight > 1000)
        weight = 1000;
    return 1 + (weight - 10) * 9999 / 990;
}

/*
 * As runc's ConvertMemorySwapToCgroupV2Value: OCI's swap is memory+swap (v1); v2's memory.swap.max
 * is swap alone, so swap_v2 = swap - limit. -1 is unlimited; 0 means unset, except that an
 * unlimited memory with unset swap makes swap unlimited too.
 */
int cg_swap_to_v2(bool has_swap, int64_t swap, bool has_limit, int64_t limit, int64_t *value,
                  bool *max, ward_err *err)
{
    int64_t mem = has_limit ? limit : 0;
    int64_t sw = has_swap ? swap : 0;
    *max = false;
    *value = 0;
    if (mem == -1 && sw == 0) {
        *max = true;
        return 0;
    }
    if (sw == 0)
        return 1;
    if (sw == -1) {
        *max = true;
        return 0;
    }
    if (sw < 0)
        return ward_fail(err, "linux.resources.memory.swap: invalid value %lld", (long long)sw);
    if (mem == 0 || mem == -1)
        return ward_fail(err, "linux.resources.memory.swap: a swap limit needs a memory limit");
    if (mem < 0)
        return ward_fail(err, "linux.resources.memory.limit: invalid value %lld", (long long)mem);
    if (sw < mem)
        return ward_fail(err,
                         "linux.resources.memory.swap: memory+swap limit (%lld) must be >= "
                         "the memory limit (%lld)",
                         (long long)sw, (long long)mem);
    *value = sw - mem;
    return 0;
}

/*
 * Files a config must not write through `unified`: they move processes (a config could pull host
 * processes into the container's cgroup and then have ward kill them), change the tree's shape,
 * or are ward's own levers (freeze, kill).
 */
static const char *const forbidden_unified[] = {
    "cgroup.procs", "cgroup.threads", "cgroup.subtree_control",
    "cgroup.type",  "cgroup.kill",    "cgroup.freeze",
};

int cg_check_unified_key(const char *key, ward_err *err)
{
    size_t len = key ? strlen(key) : 0;
    if (len == 0)
        return ward_fail(err, "linux.resources.unified: empty key");
    if (len > CG_COMPONENT_MAX)
        return ward_fail(err, "linux.resources.unified: key too long");
    if (strchr(key, '/') != NULL || strcmp(key, "..") == 0 || strcmp(key, ".") == 0)
        return ward_fail(err, "linux.resources.unified: \"%s\" is not a file name", key);
    if (strchr(key, '.') == NULL || key[0] == '.')
        return ward_fail(err, "linux.resources.unified: \"%s\" is not a cgroup file", key);
    for (const char *p = key; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            return ward_fail(err, "linux.resources.unified: \"%s\" is not a cgroup file", key);
    for (size_t i = 0; i < sizeof(forbidden_unified) / sizeof(forbidden_unified[0]); i++)
        if (strcmp(key, forbidden_unified[i]) == 0)
            return ward_fail(err, "linux.resources.unified: \"%s\" may not be set by a config",
                             key);
    return 0;
}

int cg_check_page_size(const char *size, ward_err *err)
{
    size_t len = size ? strlen(size) : 0;
    size_t digits = 0;
    while (digits < len && isdigit((unsigned char)size[digits]))
        digits++;
    if (digits == 0 || digits > 6 || len != digits + 2 || size[len - 1] != 'B' ||
        strchr("KMG", size[digits]) == NULL)
        return ward_fail(err, "linux.resources.hugepageLimits: bad page size \"%s\"",
                         size ? size : "");
    return 0;
}
