/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by runtime/rootfs/; not for other modules. */
#ifndef WARD_RUNTIME_ROOTFS_PRIV_H
#define WARD_RUNTIME_ROOTFS_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/rootfs/mountopt.h"
#include "runtime/rootfs/rootfs.h"

/* "/proc/self/fd/N": how a mount syscall reaches an fd we resolved safely. */
typedef struct procfd_path {
    char s[32];
} procfd_path;
procfd_path rootfs_procfd(int fd);

/*
 * openat2(root_fd, path, flags, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS): symlinks and ".." in the
 * path stay inside root_fd. Leading '/' are ignored. Returns the fd or -errno.
 */
int rootfs_resolve(int root_fd, const char *path, int flags);

/*
 * Resolve path beneath root_fd, creating every missing component with mkdirat relative to the
 * already resolved parent (the last one an empty regular file when as_file). Returns an O_PATH
 * fd of the result, or -1 with err set.
 */
int rootfs_mkpath(int root_fd, const char *path, bool as_file, ward_err *err);

/*
 * Remount the bind mount at fd (an O_PATH fd of its root) with flags (MS_RDONLY, MS_NOSUID...).
 * When the kernel refuses because some flags are locked (a mount from a more privileged user
 * namespace), retry keeping the flags the mount has now, as runc does.
 */
int rootfs_remount_bind(int fd, unsigned long flags, unsigned long atime_set, ward_err *err);

/* The new mount API constants Debian 12's headers may lack. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

/* mount_setattr(fd, "", AT_EMPTY_PATH [|AT_RECURSIVE], {set, clr, propagation 0, userns_fd}). */
int rootfs_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, int userns_fd);

/* open_tree(2), move_mount(2) through syscall(2): glibc may lack them. */
int rootfs_open_tree(int dfd, const char *path, unsigned flags);
int rootfs_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags);

/* A detached, empty tmpfs mount (fsopen/fsmount) with MOUNT_ATTR_* attrs; -1 and errno. */
int rootfs_empty_tmpfs(uint64_t attrs);

/* Root propagation: linux.rootfsPropagation or crun's default, MS_PRIVATE|MS_REC. */
int rootfs_propagation(const spec_config *cfg, unsigned long *flags, ward_err *err);

/* Mount spec mount i (all of it: target creation, mount, remount, propagation, attributes). */
int rootfs_mount_one(const rootfs_opts *o, int root_fd, size_t i, ward_err *err);

/* A "cgroup"/"cgroup2" mount at target_fd (a directory). */
int rootfs_mount_cgroup(const rootfs_opts *o, int root_fd, const char *dest, const mount_opts *mo,
                        ward_err *err);

/* Recursively copy the directory dir_fd into the directory to_fd (tmpcopyup). */
int rootfs_copy_tree(int from_fd, int to_fd, ward_err *err);

/* A user namespace fd whose maps are the mount's uidMappings/gidMappings (idmapped mounts). */
int rootfs_idmap_userns(const spec_mount *m, ward_err *err);

/* Default devices, linux.devices, /dev symlinks. */
int rootfs_make_devices(const rootfs_opts *o, int root_fd, ward_err *err);

/* Masked and readonly paths, after pivot_root: root_fd is the container's "/". */
int rootfs_mask_paths(const spec_config *cfg, int root_fd, ward_err *err);
int rootfs_readonly_paths(const rootfs_opts *o, int root_fd, ward_err *err);

/* A read-only recursive clone of path (beneath root_fd) over it; nothing when it is missing. */
int rootfs_readonly_beneath(int root_fd, const char *path, ward_err *err);

/*
 * After every mount of the container is in place: /proc/sys & co., sysfs, cgroupfs and the other
 * host-wide kernel interfaces read-only (kernelfs.c), unless the container has its own user
 * namespace or the host config says "config". proc_self_fd: the host's /proc/self, opened before
 * pivot_root.
 */
int rootfs_lock_kernel_interfaces(const rootfs_opts *o, int root_fd, int proc_self_fd,
                                  ward_err *err);

#endif
