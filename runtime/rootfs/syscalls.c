/* SPDX-License-Identifier: Apache-2.0 */
/* Mount syscalls glibc may lack, and the bind remount that keeps locked flags. */

#include "runtime/rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

/* The kernel's struct mount_attr (linux/mount.h), spelled out: headers may lack it. */
struct ward_mount_attr {
    uint64_t attr_set;
    uint64_t attr_clr;
    uint64_t propagation;
    uint64_t userns_fd;
};

int rootfs_open_tree(int dfd, const char *path, unsigned flags)
{
    return (int)syscall(SYS_open_tree, dfd, path, flags);
}

int rootfs_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags)
{
    return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

int rootfs_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, int userns_fd)
{
    struct ward_mount_attr attr = {.attr_set = set, .attr_clr = clr};
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);

    if (set & MOUNT_ATTR_IDMAP)
        attr.userns_fd = (uint64_t)userns_fd;
    return (int)syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof(attr));
}

/* The flags a mount has now, in MS_* terms, among those a remount could be refused to clear. */
static unsigned long current_flags(int fd, unsigned long atime_set)
{
    struct statvfs sv;
    unsigned long f = 0;

    if (fstatvfs(fd, &sv) < 0)
        return 0;
    if (sv.f_flag & ST_RDONLY)
        f |= MS_RDONLY;
    if (sv.f_flag & ST_NOSUID)
        f |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV)
        f |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC)
        f |= MS_NOEXEC;
    if (atime_set == 0) {
        if (sv.f_flag & ST_NOATIME)
            f |= MS_NOATIME;
        if (sv.f_flag & ST_NODIRATIME)
            f |= MS_NODIRATIME;
        if (sv.f_flag & ST_RELATIME)
            f |= MS_RELATIME;
    }
    return f;
}

int rootfs_remount_bind(int fd, unsigned long flags, unsigned long atime_set, ward_err *err)
{
    procfd_path p = rootfs_procfd(fd);
    unsigned long f = MS_BIND | MS_REMOUNT | (flags & ~(MS_BIND | MS_REC | MS_REMOUNT));

    if (mount(NULL, p.s, NULL, f, NULL) == 0)
        return 0;
    if (errno != EPERM)
        return ward_fail_errno(err, errno, "remount bind");
    /* Locked flags (set by a more privileged mount namespace owner) may not be cleared: keep
     * them; this can only make the mount stricter than asked. */
    f |= current_flags(fd, atime_set);
    if (mount(NULL, p.s, NULL, f, NULL) < 0)
        return ward_fail_errno(err, errno, "remount bind");
    return 0;
}

#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif
#ifndef FSCONFIG_SET_STRING
#define FSCONFIG_SET_STRING 1
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif

int rootfs_empty_tmpfs(uint64_t attrs)
{
    int fs, mnt, saved;

    fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0)
        return -1;
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
        syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
        syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
        saved = errno;
        close(fs);
        errno = saved;
        return -1;
    }
    mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
    saved = errno;
    close(fs);
    errno = saved;
    return mnt;
}
