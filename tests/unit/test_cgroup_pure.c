/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup logic that needs no cgroup: path resolution and its error messages, mountinfo parsing,
 * the v2 conversions, the device rule list, and the eBPF device filter (run in a small interpreter
 * against the reference semantics, then through the kernel verifier with BPF_PROG_LOAD).
 */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/internal.h"
#include "tests/unit/tap.h"

static void resolve_ok(const char *in, const char *id, const char *want)
{
    char out[PATH_MAX];
    ward_err err = {0};
    int rc = cgroup_resolve_path(in, id, out, &err);
    if (!tap_ok(rc == 0 && strcmp(out, want) == 0, "resolve %s -> %s", in ? in : "(absent)", want))
        printf("#   rc=%d out=%s err=%s\n", rc, rc == 0 ? out : "", err.msg);
}

static void resolve_bad(const char *in, const char *id, const char *msg)
{
    char out[PATH_MAX];
    ward_err err = {0};
    char shown[48];
    int rc = cgroup_resolve_path(in, id, out, &err);
    snprintf(shown, sizeof(shown), "%s", in ? in : "(absent)");
    for (char *p = shown; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = '?'; /* keep the TAP line on one line */
    tap_ok(rc < 0, "resolve rejects \"%s\"", shown);
    tap_streq(err.msg, msg, "  with the exact message");
}

static void test_paths(void)
{
    char longpath[3000], longcomp[300];
    resolve_ok(NULL, "abc", "/ward/abc");
    resolve_ok("/my/group", "abc", "/my/group");
    resolve_ok("pods/c1", "abc", "/ward/pods/c1");
    resolve_bad("/a/../b", "x", "linux.cgroupsPath: \"..\" is not allowed");
    resolve_bad("..", "x", "linux.cgroupsPath: \"..\" is not allowed");
    resolve_bad("/a//b", "x", "linux.cgroupsPath: empty path component");
    resolve_bad("/a/", "x", "linux.cgroupsPath: empty path component");
    resolve_bad("/a/./b", "x", "linux.cgroupsPath: \".\" is not allowed");
    resolve_bad("", "x", "linux.cgroupsPath: must not be empty");
    resolve_bad("/", "x", "linux.cgroupsPath: must not be the root cgroup");
    resolve_bad("system.slice:ward:abc", "x",
                "linux.cgroupsPath: systemd cgroup paths need --systemd-cgroup");
    resolve_bad("/a\nb", "x", "linux.cgroupsPath: control character in path");
    memset(longpath, 'a', sizeof(longpath));
    longpath[0] = '/';
    for (size_t i = 100; i < sizeof(longpath); i += 100)
        longpath[i] = '/';
    longpath[sizeof(longpath) - 1] = '\0';
    resolve_bad(longpath, "x", "linux.cgroupsPath: longer than 2048 bytes");
    memset(longcomp, 'b', sizeof(longcomp));
    longcomp[0] = '/';
    longcomp[sizeof(longcomp) - 1] = '\0';
    resolve_bad(longcomp, "x", "linux.cgroupsPath: component longer than 255 bytes");
    resolve_bad(NULL, "../x", "cgroup: bad container id \"../x\"");
    resolve_bad(NULL, "", "cgroup: bad container id \"\"");
}

static void test_modes(void)
{
    cgroup_mode m;
    tap_ok(cgroup_mode_from_name("hybrid", &m) == 0 && m == CGROUP_MODE_HYBRID, "mode hybrid");
    tap_ok(cgroup_mode_from_name("v2", &m) == 0 && m == CGROUP_MODE_V2, "mode v2");
    tap_ok(cgroup_mode_from_name("v3", &m) < 0, "mode v3 is unknown");
    tap_streq(cgroup_mode_name(CGROUP_MODE_V1), "v1", "mode name v1");
}

static void test_mountinfo(void)
{
    const char *text =
        "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup "
        "rw,cpu,cpuacct\n"
        "32 30 0:29 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup rw,net_cls,net_prio\n"
        "33 30 0:30 / /sys/fs/cgroup/my\\040memory rw - cgroup cgroup rw,memory\n"
        "34 30 0:31 / /sys/fs/cgroup/systemd rw - cgroup cgroup "
        "rw,xattr,release_agent=/x,name=systemd\n"
        "35 30 0:32 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate\n"
        "36 30 0:30 / /mnt/again rw - cgroup cgroup rw,memory\n"
        "37 30 0:33 / /sys/fs/cgroup/other rw - cgroup cgroup rw,name=other\n";
    cg_layout l;
    ward_err err = {0};
    tap_ok(cg_layout_parse_mountinfo(text, &l, &err) == 0, "mountinfo parses");
    tap_ok(l.n_v1 == 4, "four v1 hierarchies (duplicate and unknown named ones left out): %zu",
           l.n_v1);
    const cg_hier *cpu = cg_layout_find(&l, CG_CPU), *acct = cg_layout_find(&l, CG_CPUACCT);
    tap_ok(cpu && cpu == acct, "cpu and cpuacct share one co-mounted hierarchy");
    tap_streq(cpu ? cpu->mnt : NULL, "/sys/fs/cgroup/cpu,cpuacct", "  at its mount point");
    const cg_hier *prio = cg_layout_find(&l, CG_NET_PRIO);
    tap_ok(prio && prio == cg_layout_find(&l, CG_NET_CLS), "net_cls,net_prio co-mounted");
    const cg_hier *mem = cg_layout_find(&l, CG_MEMORY);
    tap_streq(mem ? mem->mnt : NULL, "/sys/fs/cgroup/my memory", "octal escape in mount point");
    tap_ok(cg_layout_find(&l, CG_NAME_SYSTEMD) != NULL, "name=systemd found");
    tap_ok(cg_layout_find(&l, CG_PIDS) == NULL, "pids not mounted");
    tap_streq(l.unified, "/sys/fs/cgroup/unified", "cgroup2 mount found");
}

static void test_conversions(void)
{
    ward_err err = {0};
    int64_t v;
    bool max;
    tap_ok(cg_shares_to_weight(0) == 0, "shares 0 is unset");
    tap_ok(cg_shares_to_weight(2) == 1, "shares 2 -> weight 1");
    tap_ok(cg_shares_to_weight(1024) == 100, "shares 1024 -> weight 100 (got %llu)",
           (unsigned long long)cg_shares_to_weight(1024));
    tap_ok(cg_shares_to_weight(262144) == 10000, "shares 262144 -> weight 10000");
    tap_ok(cg_shares_to_weight(1000000) == 10000, "shares above range clamp to 10000");
    /* Every value in range against libm's ceil(pow(10, ...)) (the reference implementation). */
    uint64_t bad = 0, first_bad = 0;
    for (uint64_t s = 3; s < 262144; s++) {
        double l = log2((double)s);
        uint64_t want = (uint64_t)ceil(pow(10, (l * l + 125 * l) / 612.0 - 7.0 / 34.0));
        if (cg_shares_to_weight(s) != want && bad++ == 0)
            first_bad = s;
    }
    tap_ok(bad == 0, "shares->weight matches libm for all 3..262143 (%llu differ, first %llu)",
           (unsigned long long)bad, (unsigned long long)first_bad);
    tap_ok(cg_blkio_weight_to_io(10) == 1 && cg_blkio_weight_to_io(1000) == 10000 &&
               cg_blkio_weight_to_io(500) == 4950,
           "blkio weight -> io.weight");

    tap_ok(cg_swap_to_v2(true, 300, true, 100, &v, &max, &err) == 0 && v == 200 && !max,
           "swap 300 with limit 100 -> swap.max 200");
    tap_ok(cg_swap_to_v2(true, -1, true, 100, &v, &max, &err) == 0 && max, "swap -1 -> max");
    tap_ok(cg_swap_to_v2(false, 0, true, -1, &v, &max, &err) == 0 && max,
           "unlimited memory, swap unset -> max");
    tap_ok(cg_swap_to_v2(false, 0, true, 100, &v, &max, &err) == 1, "swap unset: nothing");
    tap_ok(cg_swap_to_v2(true, 100, true, 100, &v, &max, &err) == 0 && v == 0 && !max,
           "swap == limit -> 0 swap");
    tap_ok(cg_swap_to_v2(true, 50, true, 100, &v, &max, &err) < 0, "swap below limit fails");
    tap_streq(err.msg,
              "linux.resources.memory.swap: memory+swap limit (50) must be >= the memory limit "
              "(100)",
              "  with its message");
    tap_ok(cg_swap_to_v2(true, 50, false, 0, &v, &max, &err) < 0, "swap without limit fails");

    tap_ok(cg_check_unified_key("memory.high", &err) == 0, "unified memory.high ok");
    tap_ok(cg_check_unified_key("cgroup.max.depth", &err) == 0, "unified cgroup.max.depth ok");
    tap_ok(cg_check_unified_key("../memory.max", &err) < 0, "unified ../memory.max rejected");
    tap_ok(cg_check_unified_key("..", &err) < 0, "unified .. rejected");
    tap_ok(cg_check_unified_key("a/memory.max", &err) < 0, "unified a/memory.max rejected");
    tap_ok(cg_check_unified_key("cgroup.procs", &err) < 0, "unified cgroup.procs rejected");
    tap_streq(err.msg, "linux.resources.unified: \"cgroup.procs\" may not be set by a config",
              "  with its message");
    tap_ok(cg_check_unified_key("", &err) < 0, "unified empty key rejected");
    tap_ok(cg_check_page_size("2MB", &err) == 0 && cg_check_page_size("1GB", &err) == 0,
           "page sizes 2MB, 1GB");
    tap_ok(cg_check_page_size("2MB/../x", &err) < 0 && cg_check_page_size("MB", &err) < 0 &&
               cg_check_page_size("2mb", &err) < 0,
           "bad page sizes rejected");
}

/* ---- device rules ---- */

static int interp(const struct bpf_insn *p, size_t n, const uint32_t ctx[3], int *verdict)
{
    uint64_t r[11] = {0};
    for (size_t pc = 0; pc < n; pc++) {
        const struct bpf_insn *i = &p[pc];
        uint32_t d32 = (uint32_t)r[i->dst_reg];
        switch (i->code) {
        case BPF_LDX | BPF_MEM | BPF_W:
            r[i->dst_reg] = ctx[i->off / 4];
            break;
        case BPF_ALU | BPF_AND | BPF_K:
            r[i->dst_reg] = d32 & (uint32_t)i->imm;
            break;
        case BPF_ALU | BPF_RSH | BPF_K:
            r[i->dst_reg] = d32 >> i->imm;
            break;
        case BPF_ALU64 | BPF_MOV | BPF_X:
            r[i->dst_reg] = r[i->src_reg];
            break;
        case BPF_ALU64 | BPF_MOV | BPF_K:
            r[i->dst_reg] = (uint64_t)(int64_t)i->imm;
            break;
        case 0x06 | BPF_JNE | BPF_K:
            if (d32 != (uint32_t)i->imm)
                pc += i->off;
            break;
        case 0x06 | BPF_JEQ | BPF_K:
            if (d32 == (uint32_t)i->imm)
                pc += i->off;
            break;
        case BPF_JMP | BPF_EXIT:
            *verdict = (int)r[0];
            return 0;
        default:
            return -1;
        }
    }
    return -1;
}

static cg_dev_rule R(bool allow, char type, int64_t major, int64_t minor, unsigned acc)
{
    return (cg_dev_rule){allow, type, major, minor, acc};
}

/* The program agrees with cg_dev_rules_allow on a grid of devices and every access. */
static void check_program(const char *name, const cg_dev_rule *rules, size_t n)
{
    static const uint32_t majors[] = {0, 1, 5, 8, 10, 136, 2147483648u, 4294967295u};
    static const uint32_t minors[] = {0, 1, 3, 5, 7, 200, 4294967295u};
    struct bpf_insn *insns = NULL;
    size_t n_insns = 0, mismatches = 0, runs = 0;
    ward_err err = {0};
    if (!tap_ok(cg_bpf_dev_program(rules, n, &insns, &n_insns, &err) == 0, "%s: program built",
                name))
        return;
    for (int t = 0; t < 2; t++)
        for (size_t a = 0; a < sizeof(majors) / sizeof(majors[0]); a++)
            for (size_t b = 0; b < sizeof(minors) / sizeof(minors[0]); b++)
                for (unsigned acc = 1; acc <= 7; acc++) {
                    char type = t ? 'b' : 'c';
                    uint32_t ctx[3] = {(acc << 16) | (t ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
                                       majors[a], minors[b]};
                    int verdict = -1;
                    bool want = cg_dev_rules_allow(rules, n, type, majors[a], minors[b], acc);
                    runs++;
                    if (interp(insns, n_insns, ctx, &verdict) < 0 || verdict != (int)want) {
                        if (mismatches++ == 0)
                            printf("# first mismatch: %c %u:%u acc %u want %d got %d\n", type,
                                   majors[a], minors[b], acc, want, verdict);
                    }
                }
    tap_ok(mismatches == 0, "%s: program == reference on %zu cases (%zu insns)", name, runs,
           n_insns);
    int fd = cg_bpf_dev_load(insns, n_insns, &err);
    if (!tap_ok(fd >= 0, "%s: the kernel verifier loads it", name))
        printf("#   %s\n", err.msg);
    if (fd >= 0)
        close(fd);
    free(insns);
}

static void test_devices(void)
{
    cg_dev_rule *rules = NULL;
    size_t n = 0;
    char line[64];
    ward_err err = {0};
    tap_ok(cg_dev_rules_build(NULL, &rules, &n, &err) == 0 && n == 12, "default rules: %zu", n);
    cg_dev_rule_format(&rules[0], line, sizeof(line));
    tap_streq(line, "a", "rule 0 is \"a\" (deny all)");
    tap_ok(!rules[0].allow, "  and it denies");
    cg_dev_rule_format(&rules[1], line, sizeof(line));
    tap_streq(line, "c *:* m", "rule 1 is mknod of any char device (runc's list)");
    cg_dev_rule_format(&rules[2], line, sizeof(line));
    tap_streq(line, "b *:* m", "rule 2 is mknod of any block device");
    cg_dev_rule_format(&rules[3], line, sizeof(line));
    tap_streq(line, "c 1:3 rwm", "rule 3 is /dev/null");
    cg_dev_rule_format(&rules[11], line, sizeof(line));
    tap_streq(line, "c 136:* rwm", "rule 11 is /dev/pts/*");
    tap_ok(cg_dev_rules_allow(rules, n, 'c', 1, 3, CG_ACC_READ | CG_ACC_WRITE),
           "defaults allow /dev/null rw");
    tap_ok(cg_dev_rules_allow(rules, n, 'c', 136, 4, CG_ACC_ALL), "defaults allow /dev/pts/4");
    tap_ok(!cg_dev_rules_allow(rules, n, 'c', 1, 11, CG_ACC_READ), "defaults deny /dev/kmsg");
    tap_ok(!cg_dev_rules_allow(rules, n, 'b', 8, 0, CG_ACC_READ), "defaults deny block 8:0");
    tap_ok(cg_dev_rules_allow(rules, n, 'c', 10, 200, CG_ACC_MKNOD), "defaults allow tun mknod");
    tap_ok(!cg_dev_rules_allow(rules, n, 'c', 10, 200, CG_ACC_READ), "  but not reading tun");
    tap_ok(!cg_dev_rules_allow(rules, n, 'b', 8, 0, CG_ACC_WRITE), "defaults deny writing 8:0");
    check_program("defaults", rules, n);
    free(rules);

    spec_device_cgroup spec[3] = {
        {.allow = true,
         .type = 'c',
         .has_major = true,
         .major = 10,
         .has_minor = true,
         .minor = 200,
         .access = "rwm"},
        {.allow = false,
         .type = 'c',
         .has_major = true,
         .major = 10,
         .has_minor = true,
         .minor = 200,
         .access = "w"},
        {.allow = true, .type = 'b', .has_major = true, .major = 8, .access = "r"},
    };
    spec_resources res = {.devices = spec, .n_devices = 3};
    tap_ok(cg_dev_rules_build(&res, &rules, &n, &err) == 0 && n == 15, "spec rules + defaults");
    tap_ok(cg_dev_rules_allow(rules, n, 'c', 10, 200, CG_ACC_READ), "later deny w keeps r");
    tap_ok(!cg_dev_rules_allow(rules, n, 'c', 10, 200, CG_ACC_READ | CG_ACC_WRITE),
           "later deny w denies rw");
    tap_ok(cg_dev_rules_allow(rules, n, 'b', 8, 17, CG_ACC_READ), "b 8:* r allows 8:17 r");
    tap_ok(!cg_dev_rules_allow(rules, n, 'b', 8, 17, CG_ACC_WRITE), "  but not w");
    check_program("spec rules", rules, n);
    free(rules);

    spec_device_cgroup badspec[1] = {{.allow = true, .type = 'x', .access = "rwm"}};
    res = (spec_resources){.devices = badspec, .n_devices = 1};
    tap_ok(cg_dev_rules_build(&res, &rules, &n, &err) < 0, "type x rejected");
    tap_streq(err.msg, "linux.resources.devices[0].type: must be \"a\", \"c\" or \"b\"",
              "  with its message");
    badspec[0] = (spec_device_cgroup){.allow = true, .type = 'c', .access = "rwx"};
    tap_ok(cg_dev_rules_build(&res, &rules, &n, &err) < 0, "access rwx rejected");
    badspec[0] = (spec_device_cgroup){
        .allow = true, .type = 'c', .has_major = true, .major = 1ll << 40, .access = "r"};
    tap_ok(cg_dev_rules_build(&res, &rules, &n, &err) < 0, "major 2^40 rejected");

    /* allow-all last: nothing after its unconditional block (the verifier rejects dead code) */
    cg_dev_rule all[] = {R(false, 'a', -1, -1, 7), R(true, 'c', 1, 3, 7), R(true, 'a', -1, -1, 7)};
    check_program("allow-all last", all, 3);
    cg_dev_rule wild[] = {R(false, 'a', -1, -1, 7), R(true, 'a', -1, -1, CG_ACC_MKNOD),
                          R(true, 'c', 4294967295ll, -1, 7), R(false, 'c', -1, 7, CG_ACC_READ),
                          R(true, 'b', 2147483648ll, 0, CG_ACC_READ | CG_ACC_WRITE)};
    check_program("wildcards and big numbers", wild, 5);
    cg_dev_rule none[] = {R(false, 'a', -1, -1, 7)};
    check_program("deny all only", none, 1);
}

int main(void)
{
    test_paths();
    test_modes();
    test_mountinfo();
    test_conversions();
    test_devices();
    return tap_done();
}
