/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel interfaces read-only for a container without a user namespace of its own, whatever the
 * config calls its mounts. Decided by what is actually mounted, after every mount, masked and
 * read-only path is in place: each mount of the container's table (every submount of an rbind
 * too) whose filesystem is one of host_wide_fs[] is made read-only, and in each procfs mount the
 * entries of proc_host_wide[] are covered by a read-only clone. A second "proc" at /p2, a bind of
 * the host's /sys, /sys/fs/cgroup or /proc, a bind of /proc/sys: all end read-only. The baseline
 * seccomp filter denies the mount API to such a container, so it cannot remount them.
 *
 * The mount table is read through the host's /proc/self, held open from before pivot_root:
 * mountinfo then lists the container's mounts relative to its new root, whether or not the
 * container mounts a /proc of its own.
 */

#include "runtime/rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "spec/base/cleanup.h"
#include "spec/base/mountinfo.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#define CONFIGFS_MAGIC      0x62656570 /* fs/configfs/mount.c */
#define FUSECTL_SUPER_MAGIC 0x65735543 /* fs/fuse/control.c */

/*
 * Filesystems whose files set host-wide kernel state when written from the host's user
 * namespace. Not listed: tmpfs, mqueue, devpts (namespaced or per instance), hugetlbfs (memory
 * the cgroup accounts), nsfs and pipefs (never mounted by a config), and procfs, of which only
 * some entries are host-wide (proc_host_wide below).
 */
static const struct {
    unsigned long magic;
    const char *why;
} host_wide_fs[] = {
    {SYSFS_MAGIC, "device, driver and kernel settings (uevent_helper runs a host program)"},
    {CGROUP_SUPER_MAGIC, "cgroup v1: raise the container's own limits, move host tasks"},
    {CGROUP2_SUPER_MAGIC, "cgroup v2: the same"},
    {SECURITYFS_MAGIC, "LSM policy: AppArmor profiles, IMA policy"},
    {SELINUX_MAGIC, "SELinux policy load and the enforce switch"},
    {SMACK_MAGIC, "Smack rules"},
    {DEBUGFS_MAGIC, "arbitrary driver and kernel knobs"},
    {TRACEFS_MAGIC, "kprobes and tracing of the whole host"},
    {EFIVARFS_MAGIC, "firmware variables: a write can leave the machine unbootable"},
    {CONFIGFS_MAGIC, "creates kernel objects: USB gadgets, NVMe and iSCSI targets"},
    {PSTOREFS_MAGIC, "the host's crash records"},
    {BPF_FS_MAGIC, "the host's pinned BPF programs and maps"},
    {BINFMTFS_MAGIC, "binfmt_misc: an interpreter for every binary the host runs"},
    {FUSECTL_SUPER_MAGIC, "aborts or throttles the host's FUSE connections"},
};

/*
 * Entries of a procfs that set host-wide state (runc's default readonlyPaths, plus mtrr, scsi
 * and acpi, which are writable on some hosts); the rest of /proc is per process or read-only.
 */
static const char *const proc_host_wide[] = {
    "/sys",           /* sysctls: kernel.core_pattern runs a host program as root */
    "/sysrq-trigger", /* reboot, crash, kill every process */
    "/irq",           /* IRQ affinity */
    "/bus",           /* PCI and USB device settings */
    "/fs",            /* filesystem and NFS settings */
    "/mtrr",          /* memory type ranges of the whole machine */
    "/scsi",          /* add-single-device / remove-single-device on the host's SCSI hosts */
    "/acpi",          /* wakeup sources and the like */
};

static bool host_wide_magic(unsigned long magic)
{
    for (size_t i = 0; i < sizeof(host_wide_fs) / sizeof(host_wide_fs[0]); i++)
        if (host_wide_fs[i].magic == magic)
            return true;
    return false;
}

/* Whether path is dir or beneath it ("/sys" covers "/sys" and "/sys/vm", not "/sysrq-trigger"). */
static bool path_within(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* A procfs mount whose root (in the filesystem) is root: lock what of proc_host_wide it shows. */
static int lock_proc(int mnt_fd, const char *root, ward_err *err)
{
    bool whole = strcmp(root, "/") == 0;
    for (size_t i = 0; i < sizeof(proc_host_wide) / sizeof(proc_host_wide[0]); i++) {
        const char *entry = proc_host_wide[i];
        if (path_within(root, entry)) /* e.g. a bind of /proc/sys/vm: all of it */
            return rootfs_setattr(mnt_fd, true, MOUNT_ATTR_RDONLY, 0, -1) < 0
                       ? ward_fail_errno(err, errno, "make it read-only")
                       : 0;
        if (whole || path_within(entry, root))
            if (rootfs_readonly_beneath(mnt_fd, whole ? entry : entry + strlen(root), err) < 0)
                return ward_err_prefix(err, "%s", entry);
    }
    return 0;
}

/*
 * The mount with this id, if a path of the container reaches it: -1 when it is covered by
 * another mount (which has its own line) or its mount point no longer resolves, so nothing in
 * the container can reach it either.
 */
static int open_reachable(int root_fd, const mountinfo_line *mi, ward_err *err)
{
    struct statx stx;
    int fd = rootfs_resolve(root_fd, mi->mountpoint, O_PATH);
    if (fd == -ENOENT || fd == -ENOTDIR)
        return -1;
    if (fd < 0)
        return ward_fail_errno(err, -fd, "open"), -2;
    if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID)) {
        ward_fail_errno(err, errno ? errno : ENOSYS, "statx mount id");
        close(fd);
        return -2;
    }
    if (stx.stx_mnt_id != (uint64_t)mi->id) {
        close(fd);
        return -1;
    }
    return fd;
}

static int lock_one(int root_fd, const mountinfo_line *mi, ward_err *err)
{
    cleanup_close int fd = open_reachable(root_fd, mi, err);
    struct statfs sfs;

    if (fd == -2)
        return -1;
    if (fd < 0)
        return 0;
    if (fstatfs(fd, &sfs) < 0)
        return ward_fail_errno(err, errno, "statfs");
    if ((unsigned long)sfs.f_type == PROC_SUPER_MAGIC)
        return lock_proc(fd, mi->root, err);
    if (host_wide_magic((unsigned long)sfs.f_type) &&
        rootfs_setattr(fd, false, MOUNT_ATTR_RDONLY, 0, -1) < 0)
        return ward_fail_errno(err, errno, "make it read-only");
    return 0;
}

/* The whole of a (proc) file read through fd; NUL-terminated. */
static char *read_all(int fd)
{
    size_t used = 0, cap = 16384;
    char *buf = malloc(cap);
    for (ssize_t n; buf != NULL; used += (size_t)n) {
        if (cap - used < 4096) {
            char *grown = realloc(buf, cap *= 2);
            if (grown == NULL)
                break;
            buf = grown;
        }
        n = read(fd, buf + used, cap - used - 1);
        if (n == 0) {
            buf[used] = '\0';
            return buf;
        }
        if (n < 0 && errno != EINTR)
            break;
        if (n < 0)
            n = 0;
    }
    free(buf);
    return NULL;
}

int rootfs_lock_kernel_interfaces(const rootfs_opts *o, int root_fd, int proc_self_fd,
                                  ward_err *err)
{
    cleanup_close int fd = -1;
    cleanup_free char *table = NULL;
    char *save = NULL;

    /* with its own user namespace the kernel itself refuses host-wide writes */
    if (!o->kernel_ro || o->userns)
        return 0;
    /* read whole before changing it: the new read-only clones need no visit of their own */
    fd = openat(proc_self_fd, "mountinfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (table = read_all(fd)) == NULL)
        return ward_fail_errno(err, errno, "kernel interfaces: read the container's mountinfo");
    for (char *line = strtok_r(table, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        mountinfo_line mi;
        if (mountinfo_parse_line(line, &mi) < 0)
            return ward_fail(err, "kernel interfaces: a mountinfo line ward cannot read");
        if (lock_one(root_fd, &mi, err) < 0)
            return ward_err_prefix(err, "kernel interfaces: %s (%s)", mi.mountpoint, mi.fstype);
    }
    return 0;
}
