/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward's seccomp baseline, as data. It is a DENYLIST (its default action is ALLOW): it removes
 * what no untrusted workload needs and what has a history of kernel exploits, and always applies,
 * whatever config.json says. The spec's own profile (usually an allowlist) is stacked on top as a
 * second filter; the kernel runs both and the more restrictive action wins. Only the host's
 * ward.conf (seccomp.allow = name,...) can take an entry out; the table never changes at run time.
 *
 * Foreign architectures are not entries: the baseline filter contains only the native
 * architecture (plus i386/x32 when the spec's profile lists them), and every syscall made with
 * another ABI (int 0x80, x32) hits libseccomp's bad-architecture action, which ward sets to
 * KILL_PROCESS (see seccomp_baseline_build.c for why).
 *
 * Syscalls newer than this review: ENOSYS, so that libc and runtimes fall back as they do on an
 * older kernel. libseccomp 2.5.4 names syscalls up to 456 (futex_requeue); later ones are listed
 * here by number (unified numbering, the same on x86_64 and i386 since 5.1) and the rest of the
 * native range up to 511 is denied as "unassigned at review time". These number rules apply to
 * the native architecture only (libseccomp refuses unknown numbers for other arches).
 *
 * Compared rule by rule with moby's default profile (an allowlist: what it never allows, or
 * allows only with a capability, or only for some arguments). Everything it denies whatever the
 * container holds is denied here too, except:
 *   - _sysctl, afs_syscall, create_module, get_kernel_syms, query_module, getpmsg, putpmsg,
 *     security, tuxcall, vserver: no current kernel implements them (ENOSYS already).
 * What it allows only with a capability is left to the kernel's own check of that capability
 * unless the capability reaches beyond the container's namespaces (then it has an entry here:
 * the clock, the kernel log, fanotify, modules, kexec, raw I/O, accounting, reboot, the mount
 * API, namespaces, ptrace-like calls), so these stay allowed:
 *   - chroot (CAP_SYS_CHROOT): stays inside the container's own mount namespace;
 *   - mbind, get_mempolicy, set_mempolicy, set_mempolicy_home_node (CAP_SYS_NICE in moby): the
 *     caller's own memory policy; moving pages shared with others (MPOL_MF_MOVE_ALL) is the
 *     kernel's CAP_SYS_NICE check;
 *   - vhangup (CAP_SYS_TTY_CONFIG): hangs up the caller's own terminal.
 * Argument filters: clone and unshare namespace flags (BL_NS_FLAGS, as moby's clone mask, plus
 * CLONE_NEWTIME for unshare), personality (BL_PERSONALITY: moby's five values, LINUX32 only when
 * asked), socket(AF_VSOCK). moby allows ptrace, process_vm_readv/writev and name_to_handle_at to
 * everyone: here they are limited (see their entries).
 *
 * Compared with gVisor's table (pkg/sentry/syscalls/linux/linux64.go, the calls its sandbox
 * does not implement or refuses without a capability): all are denied here too except
 * setfsuid/setfsgid and sched_setparam (the caller's own, under the kernel's capability checks),
 * sched_rr_get_interval, remap_file_pages, copy_file_range, pkey_*, io_pgetevents and the mq_*
 * calls (the caller's own resources; POSIX queues are per IPC namespace), set/get_thread_area
 * and modify_ldt (the caller's own TLS and LDT; Wine and 32-bit code need them, moby allows
 * them), vmsplice (ordinary pipes; moby allows it), vhangup (above), fanotify_mark (needs a group
 * from fanotify_init) and epoll_ctl_old/epoll_wait_old (never implemented by Linux). Kata
 * Containers has no list of its own: it applies the OCI profile inside its guest.
 *
 * Not filtered, although they reach host processes when the container shares the host's pid
 * namespace: prlimit64, sched_setaffinity, sched_setscheduler/setparam/setattr, setpriority,
 * ioprio_set and get_robust_list take a pid, and a thread of the caller passes its own tid
 * (pthread_setaffinity_np, pthread_setschedparam), which seccomp cannot tell from another
 * process's pid. The kernel's uid and capability checks (CAP_SYS_NICE, CAP_SYS_RESOURCE) are
 * what stands there; a config that shares the host's pid namespace should not grant those.
 */

#include "runtime/sandbox/internal.h"

#define ALWAYS(n, a, why)                                                                          \
    {                                                                                              \
        n, a, BL_ALWAYS, 0, 0, why                                                                 \
    }
#define OWN_ADMIN(n, why)                                                                          \
    {                                                                                              \
        n, BL_EPERM, BL_UNLESS_OWN_ADMIN, 0, 0, why                                                \
    }
#define NUMBER(n, nr, a, why)                                                                      \
    {                                                                                              \
        n, a, BL_NUMBER, nr, nr, why                                                               \
    }

const baseline_entry ward_seccomp_baseline[] = {
    /* replacing or extending the running kernel */
    ALWAYS("kexec_load", BL_EPERM, "loads a new kernel to boot into"),
    ALWAYS("kexec_file_load", BL_EPERM, "loads a new kernel to boot into"),
    ALWAYS("init_module", BL_EPERM, "loads kernel code"),
    ALWAYS("finit_module", BL_EPERM, "loads kernel code"),
    ALWAYS("delete_module", BL_EPERM, "unloads kernel code the host relies on"),
    ALWAYS("bpf", BL_EPERM, "eBPF programs and maps: a large kernel attack surface"),
    ALWAYS("perf_event_open", BL_EPERM, "kernel profiling: leaks addresses, many CVEs"),
    ALWAYS("lookup_dcookie", BL_EPERM, "kernel profiling interface (oprofile), leaks paths"),
    /* the kernel keyring is not namespaced */
    ALWAYS("keyctl", BL_EPERM, "kernel keyring is shared with the host, not namespaced"),
    ALWAYS("add_key", BL_EPERM, "kernel keyring is shared with the host, not namespaced"),
    ALWAYS("request_key", BL_EPERM, "kernel keyring is shared with the host, not namespaced"),
    /* file handles bypass path-based confinement */
    ALWAYS("open_by_handle_at", BL_EPERM, "opens any inode by handle: escapes the rootfs"),
    ALWAYS("name_to_handle_at", BL_EPERM, "makes handles for open_by_handle_at; leaks inodes"),
    ALWAYS("userfaultfd", BL_EPERM, "stalls kernel page faults: a race-exploit primitive"),
    /* host-wide state */
    ALWAYS("acct", BL_EPERM, "process accounting is host-wide"),
    ALWAYS("swapon", BL_EPERM, "host swap configuration"),
    ALWAYS("swapoff", BL_EPERM, "host swap configuration"),
    ALWAYS("reboot", BL_EPERM, "reboots the host (or the pid namespace)"),
    ALWAYS("iopl", BL_EPERM, "raw I/O port access"),
    ALWAYS("ioperm", BL_EPERM, "raw I/O port access"),
    ALWAYS("quotactl", BL_EPERM, "host filesystem quotas"),
    ALWAYS("quotactl_fd", BL_EPERM, "host filesystem quotas"),
    ALWAYS("nfsservctl", BL_EPERM, "kernel NFS server control (removed, never needed)"),
    ALWAYS("uselib", BL_EPERM, "obsolete a.out loader"),
    ALWAYS("vm86", BL_EPERM, "i386 virtual-8086 mode"),
    ALWAYS("vm86old", BL_EPERM, "i386 virtual-8086 mode"),
    ALWAYS("io_uring_setup", BL_EPERM, "io_uring: bypasses seccomp per-call checks, many CVEs"),
    ALWAYS("io_uring_enter", BL_EPERM, "io_uring: bypasses seccomp per-call checks, many CVEs"),
    ALWAYS("io_uring_register", BL_EPERM, "io_uring: bypasses seccomp per-call checks, many CVEs"),
    /* mounts: only in the container's own user namespace */
    OWN_ADMIN("mount", "mounting needs the container's own user namespace"),
    OWN_ADMIN("umount2", "unmounting could reveal what masked paths hide"),
    OWN_ADMIN("umount", "unmounting could reveal what masked paths hide"),
    OWN_ADMIN("pivot_root", "changes the root; only for the container's own mount namespace"),
    OWN_ADMIN("fsopen", "new mount API"),
    OWN_ADMIN("fsconfig", "new mount API"),
    OWN_ADMIN("fsmount", "new mount API"),
    OWN_ADMIN("fspick", "new mount API"),
    OWN_ADMIN("move_mount", "new mount API"),
    OWN_ADMIN("open_tree", "new mount API: clones mounts"),
    OWN_ADMIN("mount_setattr", "new mount API: changes mount flags (ro, idmap)"),
    /* namespaces: a new user namespace is the usual first step of a kernel exploit */
    {"unshare", BL_EPERM, BL_NS_FLAGS, 0, 0, "new namespaces only in the container's own user ns"},
    {"clone", BL_EPERM, BL_NS_FLAGS, 0, 0, "new namespaces only in the container's own user ns"},
    {"clone3", BL_ENOSYS, BL_UNLESS_OWN_ADMIN, 0, 0,
     "flags are in memory seccomp cannot read: ENOSYS makes libc fall back to clone"},
    OWN_ADMIN("setns", "joining namespaces only in the container's own user ns"),
    /* reaching into other processes: where the container shares the host's pid namespace these
     * reach host processes (Landlock's signal scoping does not cover them, and a kernel may
     * lack Landlock); in a pid namespace of its own they are debugging tools and stay */
    {"ptrace", BL_EPERM, BL_UNLESS_OWN_PID, 0, 0, "traces host processes in a shared pid ns"},
    {"process_vm_readv", BL_EPERM, BL_UNLESS_OWN_PID, 0, 0, "reads host process memory"},
    {"process_vm_writev", BL_EPERM, BL_UNLESS_OWN_PID, 0, 0, "writes host process memory"},
    {"pidfd_getfd", BL_EPERM, BL_UNLESS_OWN_PID, 0, 0, "steals fds of host processes"},
    {"kcmp", BL_EPERM, BL_UNLESS_OWN_PID, 0, 0, "compares kernel objects of host processes"},
    {"process_madvise", BL_EPERM, BL_UNLESS_OWN_PID, 0, 0,
     "advises on (reclaims, pages out) host processes' memory"},
    {"migrate_pages", BL_EPERM, BL_UNLESS_OWN_PID, 0, 0,
     "moves host processes' memory between NUMA nodes"},
    {"move_pages", BL_EPERM, BL_UNLESS_OWN_PID, 0, 0,
     "moves host processes' pages between NUMA nodes"},
    /* host-wide state that the container's namespaces do not cover */
    ALWAYS("settimeofday", BL_EPERM, "the realtime clock is the host's: no namespace has it"),
    ALWAYS("clock_settime", BL_EPERM, "the realtime clock is the host's: no namespace has it"),
    {"adjtimex", BL_EPERM, BL_IF_CAP_SYS_TIME, 0, 0,
     "with CAP_SYS_TIME it sets the host's clock, and its modes are in memory seccomp cannot "
     "read; without it the kernel allows only reading"},
    {"clock_adjtime", BL_EPERM, BL_IF_CAP_SYS_TIME, 0, 0, "adjtimex on a clock: the same"},
    ALWAYS("syslog", BL_EPERM,
           "the host's kernel log: leaks kernel addresses, clearing it hides "
           "the host's messages"),
    {"sethostname", BL_EPERM, BL_UNLESS_OWN_UTS, 0, 0,
     "without a UTS namespace of its own the names are the host's"},
    {"setdomainname", BL_EPERM, BL_UNLESS_OWN_UTS, 0, 0,
     "without a UTS namespace of its own the names are the host's"},
    OWN_ADMIN("fanotify_init",
              "watches and blocks file access on whole host filesystems and mounts"),
    {"socket", BL_EPERM, BL_ARG0_EQ, 40 /* AF_VSOCK */, 0,
     "AF_VSOCK has no network namespace: it reaches the hypervisor and the host's services"},
    /* obsolete: glibc no longer calls them; ENOSYS as a kernel without them would answer */
    ALWAYS("ustat", BL_ENOSYS, "obsolete (statfs replaced it); leaks host device numbers"),
    ALWAYS("sysfs", BL_ENOSYS, "obsolete (/proc/filesystems replaced it)"),
    /* personality: only the harmless ones */
    {"personality", BL_EPERM, BL_PERSONALITY, 0, 0,
     "only PER_LINUX, PER_LINUX32 (when the spec asks), UNAME26 and the query"},
    /* newer than libseccomp 2.5.4 and this review (unified numbers) */
    NUMBER("statmount", 457, BL_ENOSYS, "newer than ward's review (6.8)"),
    NUMBER("listmount", 458, BL_ENOSYS, "newer than ward's review (6.8)"),
    NUMBER("lsm_get_self_attr", 459, BL_ENOSYS, "newer than ward's review (6.8)"),
    NUMBER("lsm_set_self_attr", 460, BL_ENOSYS, "newer than ward's review (6.8)"),
    NUMBER("lsm_list_modules", 461, BL_ENOSYS, "newer than ward's review (6.8)"),
    NUMBER("mseal", 462, BL_ENOSYS, "newer than ward's review (6.10)"),
    NUMBER("setxattrat", 463, BL_ENOSYS, "newer than ward's review (6.13)"),
    NUMBER("getxattrat", 464, BL_ENOSYS, "newer than ward's review (6.13)"),
    NUMBER("listxattrat", 465, BL_ENOSYS, "newer than ward's review (6.13)"),
    NUMBER("removexattrat", 466, BL_ENOSYS, "newer than ward's review (6.13)"),
    NUMBER("open_tree_attr", 467, BL_EPERM, "new mount API (6.15): clones mounts with new flags"),
    NUMBER("file_getattr", 468, BL_ENOSYS, "newer than ward's review (6.17)"),
    NUMBER("file_setattr", 469, BL_ENOSYS, "newer than ward's review (6.17)"),
    {"(unassigned)", BL_ENOSYS, BL_NUMBER_RANGE, 470, 511,
     "numbers not assigned when this table was reviewed: unknown calls fail as on an old kernel"},
};

const size_t ward_seccomp_baseline_len =
    sizeof(ward_seccomp_baseline) / sizeof(ward_seccomp_baseline[0]);
