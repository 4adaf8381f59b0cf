/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup v2 device control: a BPF_PROG_TYPE_CGROUP_DEVICE program generated from the rule list and
 * attached with BPF_CGROUP_DEVICE (the same job as runc's devicefilter and crun's ebpf.c; this is
 * ward's own generator).
 *
 * The program decides each access bit by the LAST rule that matches the device and names the bit
 * (cg_dev_rules_allow() is the reference). It walks the rules backwards keeping the still-undecided
 * bits in r3: an allow rule clears its bits and allows once none are left; a deny rule denies if
 * any undecided bit is its own. Whatever is left at the end is denied. Registers:
 *   r2 = device type (BPF_DEVCG_DEV_*), r3 = access bits (BPF_DEVCG_ACC_*), r4 = major,
 *   r5 = minor, r1 scratch after the loads, r0 = verdict.
 */

#include "runtime/cgroup/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "spec/base/cleanup.h"

#ifndef BPF_JMP32
#define BPF_JMP32 0x06
#endif
#ifndef BPF_F_ALLOW_MULTI
#define BPF_F_ALLOW_MULTI (1U << 1)
#endif

#define INSN(c, d, s, o, i)                                                                        \
    ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(dst, src, off)  INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define ALU32_K(op, dst, imm) INSN(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV64_REG(dst, src)   INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_K(dst, imm)     INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JMP32_K(op, dst, imm) INSN(BPF_JMP32 | (op) | BPF_K, dst, 0, 0, imm)
#define EXIT_INSN()           INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

typedef struct prog {
    struct bpf_insn *insns;
    size_t len, cap;
} prog;

static int emit(prog *p, struct bpf_insn insn, ward_err *err)
{
    if (p->len == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        /* The verifier's limit for unprivileged-sized programs is far above what rules need. */
        if (cap > 1000000)
            return ward_fail(err, "device filter: too many instructions");
        struct bpf_insn *n = realloc(p->insns, cap * sizeof(*n));
        if (n == NULL)
            return ward_fail_errno(err, ENOMEM, "device filter");
        p->insns = n;
        p->cap = cap;
    }
    p->insns[p->len++] = insn;
    return 0;
}

/* Emit one rule; its "no match" jumps go to the next block. *final: nothing after is reachable. */
static int emit_rule(prog *p, const cg_dev_rule *r, bool *final, ward_err *err)
{
    size_t jumps[8], nj = 0, start = p->len;
    int rc = 0;
    if (r->type != 'a') {
        jumps[nj++] = p->len;
        rc |= emit(
            p,
            JMP32_K(BPF_JNE, BPF_REG_2, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK),
            err);
    }
    if (r->major >= 0) {
        jumps[nj++] = p->len;
        rc |= emit(p, JMP32_K(BPF_JNE, BPF_REG_4, (int32_t)(uint32_t)r->major), err);
    }
    if (r->minor >= 0) {
        jumps[nj++] = p->len;
        rc |= emit(p, JMP32_K(BPF_JNE, BPF_REG_5, (int32_t)(uint32_t)r->minor), err);
    }
    if (r->allow) {
        if (r->access != CG_ACC_ALL) {
            rc |= emit(p, ALU32_K(BPF_AND, BPF_REG_3, (int32_t)~r->access), err);
            jumps[nj++] = p->len;
            rc |= emit(p, JMP32_K(BPF_JNE, BPF_REG_3, 0), err);
        }
        rc |= emit(p, MOV64_K(BPF_REG_0, 1), err);
    } else {
        rc |= emit(p, MOV64_REG(BPF_REG_1, BPF_REG_3), err);
        rc |= emit(p, ALU32_K(BPF_AND, BPF_REG_1, (int32_t)r->access), err);
        jumps[nj++] = p->len;
        rc |= emit(p, JMP32_K(BPF_JEQ, BPF_REG_1, 0), err);
        rc |= emit(p, MOV64_K(BPF_REG_0, 0), err);
    }
    rc |= emit(p, EXIT_INSN(), err);
    if (rc)
        return -1;
    for (size_t i = 0; i < nj; i++)
        p->insns[jumps[i]].off = (int16_t)(p->len - jumps[i] - 1);
    if (p->len - start > 32767)
        return ward_fail(err, "device filter: block too long");
    *final = nj == 0; /* an unconditional verdict: the verifier rejects unreachable code after it */
    return 0;
}

int cg_bpf_dev_program(const cg_dev_rule *rules, size_t n, struct bpf_insn **insns, size_t *n_insns,
                       ward_err *err)
{
    prog p = {0};
    bool final = false;
    int rc = 0;
    rc |= emit(&p, LDX_W(BPF_REG_2, BPF_REG_1, 0), err);
    rc |= emit(&p, ALU32_K(BPF_AND, BPF_REG_2, 0xffff), err);
    rc |= emit(&p, LDX_W(BPF_REG_3, BPF_REG_1, 0), err);
    rc |= emit(&p, ALU32_K(BPF_RSH, BPF_REG_3, 16), err);
    rc |= emit(&p, LDX_W(BPF_REG_4, BPF_REG_1, 4), err);
    rc |= emit(&p, LDX_W(BPF_REG_5, BPF_REG_1, 8), err);
    for (size_t i = n; rc == 0 && !final && i-- > 0;)
        rc = emit_rule(&p, &rules[i], &final, err);
    if (rc == 0 && !final) {
        rc |= emit(&p, MOV64_K(BPF_REG_0, 0), err); /* default: deny */
        rc |= emit(&p, EXIT_INSN(), err);
    }
    if (rc) {
        free(p.insns);
        return -1;
    }
    *insns = p.insns;
    *n_insns = p.len;
    return 0;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
    return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int cg_bpf_dev_load(const struct bpf_insn *insns, size_t n_insns, ward_err *err)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = (uint32_t)n_insns;
    attr.license = (uint64_t)(uintptr_t) "Apache-2.0";
    int fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
    if (fd >= 0)
        return fd;
    int saved = errno;
    if (saved != EINVAL && saved != EACCES)
        return ward_fail_errno(err, saved, "device filter: BPF_PROG_LOAD");
    /* Load again with the verifier's log so that the error says why. */
    cleanup_free char *log = calloc(1, 65536);
    if (log != NULL) {
        attr.log_buf = (uint64_t)(uintptr_t)log;
        attr.log_size = 65536;
        attr.log_level = 1;
        fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
        if (fd >= 0)
            return fd;
        size_t len = strlen(log);
        while (len > 0 && log[len - 1] == '\n')
            log[--len] = '\0';
        char *last = strrchr(log, '\n');
        return ward_fail_errno(err, saved, "device filter: the verifier refused it (%s)",
                               last ? last + 1 : log);
    }
    return ward_fail_errno(err, saved, "device filter: BPF_PROG_LOAD");
}

static int query_ids(int dirfd, uint32_t *ids, uint32_t *count, ward_err *err)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.query.target_fd = (uint32_t)dirfd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
    attr.query.prog_cnt = *count;
    if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
        return ward_fail_errno(err, errno, "device filter: BPF_PROG_QUERY");
    *count = attr.query.prog_cnt;
    return 0;
}

int cg_bpf_dev_count(const char *dir, size_t *count, ward_err *err)
{
    uint32_t ids[64], n = 64;
    cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return ward_fail_errno(err, errno, "open %s", dir);
    if (query_ids(dirfd, ids, &n, err) < 0)
        return -1;
    *count = n;
    return 0;
}

static int detach(int dirfd, uint32_t id, ward_err *err)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_id = id;
    cleanup_close int fd = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
    if (fd < 0)
        return errno == ENOENT ? 0 : ward_fail_errno(err, errno, "device filter: prog %u", id);
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t)dirfd;
    attr.attach_bpf_fd = (uint32_t)fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
        return ward_fail_errno(err, errno, "device filter: BPF_PROG_DETACH");
    return 0;
}

int cg_bpf_dev_apply(const char *dir, const cg_dev_rule *rules, size_t n, ward_err *err)
{
    cleanup_free struct bpf_insn *insns = NULL;
    size_t n_insns = 0;
    uint32_t old[64], n_old = 64;
    union bpf_attr attr;
    cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return ward_fail_errno(err, errno, "open %s", dir);
    if (cg_bpf_dev_program(rules, n, &insns, &n_insns, err) < 0)
        return -1;
    cleanup_close int progfd = cg_bpf_dev_load(insns, n_insns, err);
    if (progfd < 0)
        return -1;
    if (query_ids(dirfd, old, &n_old, err) < 0)
        return -1;
    if (n_old > 64)
        return ward_fail(err, "device filter: %u programs already attached to %s", n_old, dir);
    /*
     * Attach the new program before detaching the old ones: with BPF_F_ALLOW_MULTI every attached
     * program must allow an access, so the switch-over is never more permissive than either set.
     */
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t)dirfd;
    attr.attach_bpf_fd = (uint32_t)progfd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
        return ward_fail_errno(err, errno, "device filter: BPF_PROG_ATTACH to %s", dir);
    for (uint32_t i = 0; i < n_old; i++)
        if (detach(dirfd, old[i], err) < 0)
            return -1;
    return 0;
}
