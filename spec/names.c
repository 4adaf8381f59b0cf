/* SPDX-License-Identifier: Apache-2.0 */
#include "spec/names.h"

#include <string.h>

/* Linux capability numbers 0..40 (include/uapi/linux/capability.h). */
const char *const spec_capability_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
    NULL,
};

const char *const spec_rlimit_names[] = {
    "RLIMIT_AS",
    "RLIMIT_CORE",
    "RLIMIT_CPU",
    "RLIMIT_DATA",
    "RLIMIT_FSIZE",
    "RLIMIT_LOCKS",
    "RLIMIT_MEMLOCK",
    "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",
    "RLIMIT_NOFILE",
    "RLIMIT_NPROC",
    "RLIMIT_RSS",
    "RLIMIT_RTPRIO",
    "RLIMIT_RTTIME",
    "RLIMIT_SIGPENDING",
    "RLIMIT_STACK",
    NULL,
};

const char *const spec_seccomp_actions[] = {
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      NULL,
};

const char *const spec_seccomp_errno_actions[] = {"SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", NULL};

const char *const spec_seccomp_arches[] = {
    "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     NULL,
};

const char *const spec_seccomp_operators[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

const char *const spec_seccomp_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

/* What ward can apply with the libseccomp it builds against (2.5: no WAIT_KILLABLE_RECV). */
const char *const spec_seccomp_supported_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    NULL,
};

const char *const spec_propagations[] = {
    "shared", "slave",    "private",     "unbindable", "rshared",
    "rslave", "rprivate", "runbindable", NULL,
};

const char *const spec_ioprio_classes[] = {
    "IOPRIO_CLASS_RT",
    "IOPRIO_CLASS_BE",
    "IOPRIO_CLASS_IDLE",
    NULL,
};

const char *const spec_sched_policies[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
    "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};

const char *const spec_sched_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
    "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
    "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

const char *const spec_personality_domains[] = {"LINUX", "LINUX32", NULL};

const char *const spec_time_clocks[] = {"monotonic", "boottime", NULL};

const char *const spec_hook_names[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

const char *const spec_mount_options[] = {
    "async",         "atime",        "bind",        "defaults",     "dev",         "diratime",
    "dirsync",       "exec",         "idmap",       "lazytime",     "mand",        "noatime",
    "nodev",         "nodiratime",   "noexec",      "nolazytime",   "nomand",      "norelatime",
    "nostrictatime", "nosuid",       "nosymfollow", "private",      "ratime",      "rbind",
    "rdev",          "rdiratime",    "relatime",    "remount",      "rexec",       "ridmap",
    "rnoatime",      "rnodev",       "rnodiratime", "rnoexec",      "rnorelatime", "rnostrictatime",
    "rnosuid",       "rnosymfollow", "ro",          "rprivate",     "rrelatime",   "rro",
    "rrw",           "rshared",      "rslave",      "rstrictatime", "rsuid",       "rsymfollow",
    "runbindable",   "rw",           "shared",      "slave",        "strictatime", "suid",
    "symfollow",     "sync",         "tmpcopyup",   "unbindable",   NULL,
};

int spec_name_index(const char *const *table, const char *name)
{
    int i;
    for (i = 0; table[i] != NULL; i++)
        if (strcmp(table[i], name) == 0)
            return i;
    return -1;
}

int spec_capability_from_name(const char *name)
{
    return spec_name_index(spec_capability_names, name);
}

/* Parse a SemVer numeric identifier (no leading zeros) at *s; -1 when there is none. */
static long semver_number(const char **s)
{
    const char *p = *s;
    long v = 0;
    if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > 100000)
            return -1;
        v = v * 10 + (*p - '0');
    }
    *s = p;
    return v;
}

/* SemVer 2.0.0 pre-release / build suffix: "-" or "+" then dot-separated [0-9A-Za-z-] identifiers.
 */
static bool semver_suffix_ok(const char *s)
{
    bool need_ident = true;
    if (*s == '\0')
        return true;
    if (*s != '-' && *s != '+')
        return false;
    for (s++; *s != '\0'; s++) {
        if (*s == '.' || *s == '+') {
            if (need_ident)
                return false;
            need_ident = true;
        } else if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
                   (*s >= 'A' && *s <= 'Z') || *s == '-') {
            need_ident = false;
        } else {
            return false;
        }
    }
    return !need_ident;
}

bool spec_oci_version_supported(const char *version)
{
    const char *s = version;
    long major, minor, patch;
    if (s == NULL)
        return false;
    if ((major = semver_number(&s)) < 0 || *s++ != '.')
        return false;
    if ((minor = semver_number(&s)) < 0 || *s++ != '.')
        return false;
    if ((patch = semver_number(&s)) < 0 || !semver_suffix_ok(s))
        return false;
    if (major != 1 || minor > 3)
        return false;
    /* 1.0.0-rc* is older than 1.0.0 and used a different schema (e.g. capabilities as an array). */
    if (minor == 0 && patch == 0 && *s == '-')
        return false;
    return true;
}
