/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp baseline, loaded in forked children: each dangerous call fails with the baseline's
 * errno, and the same call without the filter does something else (the control), so the test
 * proves the filter and not the kernel refused it.
 */

#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include "runtime/sandbox/internal.h"
#include "tests/unit/tap.h"
#include "tests/unit/seccomp_helpers.h"

#include <sys/uio.h>

/*
 * A classic-BPF evaluator for seccomp programs, so that the foreign-arch decision can be checked
 * for syscalls this host's kernel never delivers (this VM has no working int 0x80).
 * Returns the filter's SECCOMP_RET_* value, or 0xdeadbeef on an instruction it does not know.
 */
static uint32_t bpf_eval(const struct sock_filter *f, size_t n, const struct seccomp_data *d)
{
    uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
    const unsigned char *data = (const unsigned char *)d;
    for (size_t pc = 0; pc < n; pc++) {
        const struct sock_filter *i = &f[pc];
        uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
        switch (i->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (i->k + 4 > sizeof(*d))
                return 0xdeadbeef;
            memcpy(&a, data + i->k, 4);
            continue;
        case BPF_LD | BPF_IMM:
            a = i->k;
            continue;
        case BPF_LD | BPF_MEM:
            a = mem[i->k % BPF_MEMWORDS];
            continue;
        case BPF_LDX | BPF_IMM:
            x = i->k;
            continue;
        case BPF_LDX | BPF_MEM:
            x = mem[i->k % BPF_MEMWORDS];
            continue;
        case BPF_ST:
            mem[i->k % BPF_MEMWORDS] = a;
            continue;
        case BPF_STX:
            mem[i->k % BPF_MEMWORDS] = x;
            continue;
        case BPF_MISC | BPF_TAX:
            x = a;
            continue;
        case BPF_MISC | BPF_TXA:
            a = x;
            continue;
        case BPF_RET | BPF_K:
            return i->k;
        case BPF_RET | BPF_A:
            return a;
        case BPF_JMP | BPF_JA:
            pc += i->k;
            continue;
        }
        if (BPF_CLASS(i->code) == BPF_ALU) {
            switch (BPF_OP(i->code)) {
            case BPF_AND:
                a &= src;
                continue;
            case BPF_OR:
                a |= src;
                continue;
            case BPF_ADD:
                a += src;
                continue;
            case BPF_SUB:
                a -= src;
                continue;
            }
            return 0xdeadbeef;
        }
        if (BPF_CLASS(i->code) == BPF_JMP) {
            bool t;
            switch (BPF_OP(i->code)) {
            case BPF_JEQ:
                t = a == src;
                break;
            case BPF_JGT:
                t = a > src;
                break;
            case BPF_JGE:
                t = a >= src;
                break;
            case BPF_JSET:
                t = (a & src) != 0;
                break;
            default:
                return 0xdeadbeef;
            }
            pc += t ? i->jt : i->jf;
            continue;
        }
        return 0xdeadbeef;
    }
    return 0xdeadbeef;
}

static uint32_t eval_call(const seccomp_prog *p, uint32_t arch, int nr, uint64_t a0)
{
    struct seccomp_data d = {.nr = nr, .arch = arch, .args = {a0}};
    return bpf_eval(p->insns, p->len, &d);
}

static int p_keyctl(void *a)
{
    return ERRNO_OF(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1));
}
static int p_bpf(void *a)
{
    return ERRNO_OF(syscall(SYS_bpf, 0xffff, NULL, 0));
}
static int p_perf(void *a)
{
    return ERRNO_OF(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
}
static int p_kexec(void *a)
{
    return ERRNO_OF(syscall(SYS_kexec_load, 0, 0, NULL, 0xdead0000UL));
}
static int p_init_module(void *a)
{
    return ERRNO_OF(syscall(SYS_init_module, NULL, 0, ""));
}
static int p_open_by_handle(void *a)
{
    return ERRNO_OF(syscall(SYS_open_by_handle_at, -1, NULL, 0));
}
static int p_userfaultfd(void *a)
{
    return ERRNO_OF(syscall(SYS_userfaultfd, 0x7fffffff));
}
static int p_unshare_user(void *a)
{
    return ERRNO_OF(unshare(CLONE_NEWUSER));
}
static int p_mount(void *a)
{
    return ERRNO_OF(mount("none", "/nonexistent-ward-test", "tmpfs", 0, NULL));
}
static int p_setns(void *a)
{
    return ERRNO_OF(setns(-1, 0));
}
static int p_clone3(void *a)
{
    return ERRNO_OF(syscall(SYS_clone3, NULL, 0));
}
static int p_clone_newns(void *a)
{
    long pid = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, 0);
    if (pid == 0)
        _exit(0);
    if (pid < 0)
        return errno;
    waitpid((pid_t)pid, NULL, 0);
    return 0;
}
static int p_fork(void *a)
{
    int st;
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    if (pid < 0)
        return errno;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 7 && getpid() > 0 ? 0 : 99;
}
static int p_personality(void *a)
{
    unsigned long v = (unsigned long)a;
    return personality(v) == -1 ? errno : 0;
}
static int p_quotactl_fd(void *a)
{
    return ERRNO_OF(syscall(443 /* quotactl_fd */, -1, 0, 0, NULL));
}
static int p_newer(void *a)
{
    return ERRNO_OF(syscall(490, 0, 0, 0)); /* unassigned: ENOSYS either way; see below */
}
static int p_open_tree_attr(void *a)
{
    return ERRNO_OF(syscall(467, -1, "", 0, NULL, 0));
}

/* getpid through the i386 ABI: int 0x80 with eax = 20 */
static int p_int80_getpid(void *a)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory", "r8", "r9", "r10", "r11");
    return ret == getpid() ? 0 : 99;
}

/* keyctl through the i386 ABI (288) */
static int p_int80_keyctl(void *a)
{
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(288L), "b"((long)KEYCTL_GET_KEYRING_ID),
                       "c"((long)KEY_SPEC_SESSION_KEYRING), "d"(1L)
                     : "memory", "r8", "r9", "r10", "r11");
    return ret < 0 ? (int)-ret : 0;
}

/* process_vm_readv of our own memory: EFAULT-free success when allowed */
static int p_vm_readv(void *a)
{
    char src[8] = "ward", dst[8];
    struct iovec l = {dst, sizeof(dst)}, r = {src, sizeof(src)};
    (void)a;
    return process_vm_readv(getpid(), &l, 1, &r, 1, 0) < 0 ? errno : 0;
}

static spec_config base_config(void)
{
    spec_config c;
    memset(&c, 0, sizeof(c));
    c.has_process = true;
    return c;
}

static sandbox_seccomp *prepare(const spec_config *cfg, const ward_hostconf *hc)
{
    sandbox_seccomp *s = NULL;
    ward_err err = {0};
    if (sandbox_seccomp_prepare(cfg, hc, NULL, &s, &err) < 0)
        printf("# prepare: %s\n", err.msg);
    return s;
}

/* The denied call under the baseline gets want; the control without a filter does not. */
static void denied(const sandbox_seccomp *s, const char *name, probe_fn fn, void *arg, int want)
{
    int got = child_exit_code(run_confined(s, fn, arg));
    int ctl = child_exit_code(run_confined(NULL, fn, arg));
    tap_ok(got == want, "baseline: %s fails with %s (got %d)", name, strerror(want), got);
    tap_ok(ctl != want && ctl >= 0, "control: %s without the baseline gives %d (%s)", name, ctl,
           ctl > 0 ? strerror(ctl) : "ok");
}

static void test_denials(const sandbox_seccomp *s)
{
    denied(s, "keyctl", p_keyctl, NULL, EPERM);
    denied(s, "bpf", p_bpf, NULL, EPERM);
    denied(s, "perf_event_open", p_perf, NULL, EPERM);
    denied(s, "kexec_load", p_kexec, NULL, EPERM);
    denied(s, "init_module", p_init_module, NULL, EPERM);
    denied(s, "open_by_handle_at", p_open_by_handle, NULL, EPERM);
    denied(s, "userfaultfd", p_userfaultfd, NULL, EPERM);
    denied(s, "unshare(CLONE_NEWUSER)", p_unshare_user, NULL, EPERM);
    denied(s, "mount", p_mount, NULL, EPERM);
    denied(s, "setns", p_setns, NULL, EPERM);
    denied(s, "clone(CLONE_NEWNS)", p_clone_newns, NULL, EPERM);
    denied(s, "clone3 (libc falls back)", p_clone3, NULL, ENOSYS);
    denied(s, "quotactl_fd", p_quotactl_fd, NULL, EPERM);
    denied(s, "open_tree_attr (by number)", p_open_tree_attr, NULL, EPERM);
    tap_ok(child_exit_code(run_confined(s, p_newer, NULL)) == ENOSYS,
           "baseline: an unassigned syscall number gives ENOSYS");
    tap_ok(child_exit_code(run_confined(s, p_fork, NULL)) == 0,
           "control: fork (plain clone) and getpid work under the baseline");
}

static void test_personality(const sandbox_seccomp *s, const spec_config *cfg32)
{
    sandbox_seccomp *s32 = prepare(cfg32, NULL);
    denied(s, "personality(PER_LINUX32) without LINUX32", p_personality, (void *)0x0008UL, EPERM);
    denied(s, "personality(0x0100 MMAP_PAGE_ZERO)", p_personality, (void *)0x0100000UL, EPERM);
    denied(s, "personality(0x80000000)", p_personality, (void *)0x80000000UL, EPERM);
    tap_ok(child_exit_code(run_confined(s, p_personality, (void *)0xffffffffUL)) == 0,
           "personality query (0xffffffff) works");
    tap_ok(child_exit_code(run_confined(s, p_personality, (void *)0UL)) == 0,
           "personality(PER_LINUX)");
    tap_ok(child_exit_code(run_confined(s, p_personality, (void *)0x20000UL)) == 0,
           "personality(UNAME26) works");
    tap_ok(s32 && child_exit_code(run_confined(s32, p_personality, (void *)0x0008UL)) == 0,
           "personality(PER_LINUX32) works when the spec asks LINUX32");
    sandbox_seccomp_free(s32);
}

/* What the compiled baseline decides for foreign ABIs, instruction by instruction. */
static void test_foreign_arch_bpf(const sandbox_seccomp *s, const sandbox_seccomp *sx)
{
    tap_ok(eval_call(&s->baseline, AUDIT_ARCH_I386, 20, 0) == SECCOMP_RET_KILL_PROCESS,
           "baseline BPF: i386 getpid -> KILL_PROCESS");
    tap_ok(eval_call(&s->baseline, AUDIT_ARCH_X86_64, 0x40000000 | 39, 0) ==
               SECCOMP_RET_KILL_PROCESS,
           "baseline BPF: x32 getpid -> KILL_PROCESS");
    tap_ok(eval_call(&s->baseline, AUDIT_ARCH_X86_64, 39, 0) == SECCOMP_RET_ALLOW,
           "baseline BPF: x86_64 getpid -> ALLOW (control)");
    tap_ok(eval_call(&s->baseline, AUDIT_ARCH_X86_64, 250, 0) == (SECCOMP_RET_ERRNO | EPERM),
           "baseline BPF: x86_64 keyctl -> ERRNO(EPERM)");
    tap_ok(sx && eval_call(&sx->baseline, AUDIT_ARCH_I386, 20, 0) == SECCOMP_RET_ALLOW,
           "baseline BPF with SCMP_ARCH_X86 in the spec: i386 getpid -> ALLOW");
    tap_ok(sx && eval_call(&sx->baseline, AUDIT_ARCH_I386, 288, 0) == (SECCOMP_RET_ERRNO | EPERM),
           "baseline BPF with SCMP_ARCH_X86: i386 keyctl -> ERRNO(EPERM)");
    tap_ok(sx && eval_call(&sx->baseline, AUDIT_ARCH_X86_64, 0x40000000 | 39, 0) ==
                     SECCOMP_RET_KILL_PROCESS,
           "baseline BPF with SCMP_ARCH_X86 only: x32 still KILL_PROCESS");
}

static void test_foreign_arch(const sandbox_seccomp *s)
{
    static char *arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
    spec_config c = base_config();
    sandbox_seccomp *sx;
    int ctl = run_confined(NULL, p_int80_getpid, NULL);
    bool int80 = child_exit_code(ctl) == 0;
    int st = run_confined(s, p_int80_getpid, NULL);

    c.linux_.seccomp.present = true;
    c.linux_.seccomp.default_action = "SCMP_ACT_ALLOW";
    c.linux_.seccomp.architectures.items = arches;
    c.linux_.seccomp.architectures.len = 2;
    sx = prepare(&c, NULL);
    test_foreign_arch_bpf(s, sx);
    /* Live int 0x80: only where the kernel delivers it (IA32 emulation present and enabled). */
    if (!int80) {
        /* not a test here: the BPF checks above decide it, and tests/security runs the live
         * int 0x80 attempt (with its control) in the VM, whose kernel has IA32 emulation */
        printf("# int 0x80 does not work on this kernel even without a filter (status 0x%x):\n"
               "# no live check here; tests/security runs it in the VM\n",
               ctl);
    } else {
        tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
               "baseline: i386 getpid via int 0x80 is killed with SIGSYS");
        tap_ok(sx && child_exit_code(run_confined(sx, p_int80_getpid, NULL)) == 0,
               "int 0x80 getpid works when the spec lists SCMP_ARCH_X86");
        tap_ok(sx && child_exit_code(run_confined(sx, p_int80_keyctl, NULL)) == EPERM,
               "with SCMP_ARCH_X86 the baseline still denies i386 keyctl (EPERM)");
    }
    sandbox_seccomp_free(sx);
}

static void test_relaxations(void)
{
    static char *allow[] = {"keyctl", NULL};
    static char *caps[] = {"CAP_SYS_ADMIN"};
    spec_namespace ns[] = {{SPEC_NS_USER, NULL}, {SPEC_NS_MOUNT, NULL}};
    spec_config c = base_config();
    ward_hostconf hc;
    sandbox_seccomp *s;

    ward_hostconf_init(&hc);
    hc.seccomp_allow = allow;
    s = prepare(&c, &hc);
    tap_ok(s && child_exit_code(run_confined(s, p_keyctl, NULL)) == 0,
           "host seccomp.allow = keyctl relaxes keyctl");
    tap_ok(s && child_exit_code(run_confined(s, p_bpf, NULL)) == EPERM,
           "... and nothing else (bpf)");
    sandbox_seccomp_free(s);

    c.process.capabilities.present = true;
    c.process.capabilities.bounding.items = caps;
    c.process.capabilities.bounding.len = 1;
    s = prepare(&c, NULL);
    tap_ok(s && child_exit_code(run_confined(s, p_mount, NULL)) == EPERM,
           "CAP_SYS_ADMIN without a new user namespace: mount still EPERM");
    sandbox_seccomp_free(s);
    c.linux_.namespaces = ns;
    c.linux_.n_namespaces = 2;
    s = prepare(&c, NULL);
    tap_ok(s && child_exit_code(run_confined(s, p_unshare_user, NULL)) == 0,
           "own user ns + CAP_SYS_ADMIN: unshare(CLONE_NEWUSER) allowed");
    tap_ok(s && child_exit_code(run_confined(s, p_mount, NULL)) == ENOENT,
           "own user ns + CAP_SYS_ADMIN: mount reaches the kernel (ENOENT)");
    tap_ok(s && child_exit_code(run_confined(s, p_keyctl, NULL)) == EPERM,
           "own user ns + CAP_SYS_ADMIN: keyctl still EPERM");
    sandbox_seccomp_free(s);
}

/* ptrace-like calls reach host processes only where the pid namespace is the host's */
static void test_own_pid_namespace(void)
{
    spec_namespace ns[] = {{SPEC_NS_PID, NULL}};
    spec_config c = base_config();
    sandbox_seccomp *s = prepare(&c, NULL);
    denied(s, "process_vm_readv (host pid namespace)", p_vm_readv, NULL, EPERM);
    sandbox_seccomp_free(s);
    c.linux_.namespaces = ns;
    c.linux_.n_namespaces = 1;
    s = prepare(&c, NULL);
    tap_ok(s && child_exit_code(run_confined(s, p_vm_readv, NULL)) == 0,
           "own pid namespace: process_vm_readv allowed (a debugging tool there)");
    sandbox_seccomp_free(s);
}

int main(void)
{
    spec_config c = base_config(), c32 = base_config();
    sandbox_seccomp *s = prepare(&c, NULL);

    c32.linux_.personality.present = true;
    c32.linux_.personality.domain = "LINUX32";
    tap_ok(s != NULL, "baseline prepares");
    if (s == NULL)
        return tap_done();
    test_denials(s);
    test_personality(s, &c32);
    test_foreign_arch(s);
    test_relaxations();
    test_own_pid_namespace();
    sandbox_seccomp_free(s);
    return tap_done();
}
