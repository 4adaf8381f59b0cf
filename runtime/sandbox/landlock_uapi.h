/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Landlock uapi that Debian 12's linux-libc-dev (6.1) lacks, from the kernel's
 * include/uapi/linux/landlock.h (ABI 1..7 as of Linux 6.18), plus the syscall wrappers glibc 2.36
 * does not have. ward uses its own ruleset attribute type so that the size it passes says which
 * fields the running kernel reads.
 */
#ifndef WARD_RUNTIME_LANDLOCK_UAPI_H
#define WARD_RUNTIME_LANDLOCK_UAPI_H

#include <linux/landlock.h>
#include <linux/types.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule       445
#define __NR_landlock_restrict_self  446
#endif

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* ABI 2 */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
/* ABI 3 */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
/* ABI 5 */
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

/* ABI 4: TCP */
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP    (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#define WARD_LANDLOCK_RULE_NET_PORT 2 /* enum landlock_rule_type: LANDLOCK_RULE_NET_PORT */

struct ward_landlock_net_port_attr { /* struct landlock_net_port_attr */
    __u64 allowed_access;
    __u64 port;
} __attribute__((packed));

/* ABI 6: scoping */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL               (1ULL << 1)
#endif

/* ABI 7: audit logging flags of landlock_restrict_self() */
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF  (1U << 0)
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON    (1U << 1)
#define LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2)
#endif

/* struct landlock_ruleset_attr as of ABI 6; pass the size the kernel's ABI knows. */
struct ward_landlock_ruleset_attr {
    __u64 handled_access_fs;
    __u64 handled_access_net; /* ABI 4 */
    __u64 scoped;             /* ABI 6 */
};

#define WARD_LANDLOCK_ATTR_SIZE_V1 offsetof(struct ward_landlock_ruleset_attr, handled_access_net)
#define WARD_LANDLOCK_ATTR_SIZE_V4 offsetof(struct ward_landlock_ruleset_attr, scoped)
#define WARD_LANDLOCK_ATTR_SIZE_V6 sizeof(struct ward_landlock_ruleset_attr)

static inline int ward_landlock_create_ruleset(const struct ward_landlock_ruleset_attr *attr,
                                               size_t size, __u32 flags)
{
    return (int)syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static inline int ward_landlock_add_rule(int ruleset_fd, int rule_type, const void *attr,
                                         __u32 flags)
{
    return (int)syscall(__NR_landlock_add_rule, ruleset_fd, rule_type, attr, flags);
}

static inline int ward_landlock_restrict_self(int ruleset_fd, __u32 flags)
{
    return (int)syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

#endif
