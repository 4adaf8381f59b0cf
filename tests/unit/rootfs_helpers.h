/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers of the rootfs behaviour tests: a spec_config built in C, files on the host, and checks
 * made inside a container's filesystem. Each scenario runs in tap.h's run_scenario with
 * ROOTFS_SCENARIO_NS (its mounts vanish with it); the parent removes the temp dirs whatever
 * happened.
 */
#ifndef WARD_TESTS_ROOTFS_HELPERS_H
#define WARD_TESTS_ROOTFS_HELPERS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/rootfs/rootfs.h"
#include "tests/unit/tap.h"

/* The namespaces a rootfs scenario's child gets. */
#define ROOTFS_SCENARIO_NS (CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS)

/* ---- building a spec_config in C ---- */
/* A heap copy: compound literals inside a function die with it. */
static __attribute__((unused)) spec_strv make_strv(size_t n, char *const *items)
{
    spec_strv v = {calloc(n, sizeof(char *)), n};
    for (size_t i = 0; i < n; i++)
        v.items[i] = items[i];
    return v;
}
#define OPTS(...)                                                                                  \
    make_strv(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *), (char *[]){__VA_ARGS__})
#define NO_OPTS ((spec_strv){NULL, 0})

static __attribute__((unused)) spec_mount mnt(const char *dest, const char *type, const char *src,
                                              spec_strv opts)
{
    spec_mount m = {0};
    m.destination = (char *)dest;
    m.type = (char *)type;
    m.source = (char *)src;
    m.options = opts;
    return m;
}

/* ---- host-side helpers ---- */
static __attribute__((unused)) int write_file(const char *path, const char *content)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ssize_t n;
    if (fd < 0)
        return -1;
    n = write(fd, content, strlen(content));
    close(fd);
    return n == (ssize_t)strlen(content) ? 0 : -1;
}

/* Read a whole small file; returns bytes read or -1 (errno set). */
static __attribute__((unused)) ssize_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;
    if (fd < 0)
        return -1;
    n = read(fd, buf, size - 1);
    close(fd);
    if (n >= 0)
        buf[n] = '\0';
    return n;
}

static __attribute__((unused)) int copy_file(const char *from, const char *to, mode_t mode)
{
    char buf[65536];
    int in = open(from, O_RDONLY | O_CLOEXEC), out;
    ssize_t n;
    if (in < 0)
        return -1;
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (out < 0) {
        close(in);
        return -1;
    }
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n) {
            n = -1;
            break;
        }
    close(in);
    close(out);
    return n < 0 ? -1 : 0;
}

static __attribute__((unused)) int rm_entry(const char *path, const struct stat *st, int type,
                                            struct FTW *f)
{
    (void)st;
    (void)f;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* rm -rf without crossing into a mount (there should be none left on the host). */
static __attribute__((unused)) void remove_tree(const char *path)
{
    if (path[0])
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* Whether the host's mount table mentions path (a leak out of a child's namespace). */
static __attribute__((unused)) bool host_mounts_mention(const char *path)
{
    char line[4096];
    bool found = false;
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (f == NULL)
        return true;
    while (fgets(line, sizeof(line), f))
        if (strstr(line, path))
            found = true;
    fclose(f);
    return found;
}

static __attribute__((unused)) bool dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int entries = 0;

    if (d == NULL)
        return false;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            entries++;
    closedir(d);
    return entries == 0;
}

/* ---- in-container helpers ---- */
static __attribute__((unused)) bool fs_is(const char *path, long magic)
{
    struct statfs sf;
    return statfs(path, &sf) == 0 && sf.f_type == magic;
}

static __attribute__((unused)) bool mount_flags_have(const char *path, unsigned long st_flags)
{
    struct statfs sf;
    return statfs(path, &sf) == 0 && (sf.f_flags & st_flags) == st_flags;
}

static __attribute__((unused)) bool is_chardev(const char *path, unsigned maj, unsigned min,
                                               mode_t perm)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == maj &&
           minor(st.st_rdev) == min && (st.st_mode & 07777) == perm;
}

static __attribute__((unused)) bool symlink_is(const char *path, const char *target)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    if (n < 0)
        return false;
    buf[n] = '\0';
    return strcmp(buf, target) == 0;
}

/* open(path, flags) fails with exactly this errno. */
static __attribute__((unused)) bool open_fails_with(const char *path, int flags, int err)
{
    int fd = open(path, flags | O_CLOEXEC, 0644);
    if (fd >= 0) {
        close(fd);
        return false;
    }
    return errno == err;
}

static __attribute__((unused)) bool open_works(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

#endif
