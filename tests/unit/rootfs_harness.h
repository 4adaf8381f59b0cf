/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness for the rootfs behaviour tests: each scenario runs in a forked child in its own mount
 * namespace (so every mount vanishes with it) and reports one line per check through a pipe; the
 * parent turns them into TAP. Temp dirs are removed by the parent whatever happened.
 */
#ifndef WARD_TESTS_TEST_ROOTFS_HARNESS_H
#define WARD_TESTS_TEST_ROOTFS_HARNESS_H

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

#define CHILD_TIMEOUT 60

static int report_fd = -1;

/* In the child: one check, sent to the parent. */
static void check(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static __attribute__((unused)) void check(bool cond, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n = snprintf(line, sizeof(line), "%s ", cond ? "ok" : "not ok");

    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    if (write(report_fd, line, (size_t)n) < 0)
        _exit(3);
}

/* In the child: a diagnostic line (shown as a TAP comment). */
static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static __attribute__((unused)) void diag(const char *fmt, ...)
{
    char line[1200] = "# ";
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = 2 + vsnprintf(line + 2, sizeof(line) - 4, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    if (write(report_fd, line, (size_t)n) < 0)
        _exit(3);
}

/* In the child: a call that must succeed; its error message is the diagnostic. */
static __attribute__((unused)) bool check_call(bool ok, const char *what, const ward_err *err)
{
    if (ok)
        check(true, "%s succeeds", what);
    else
        check(false, "%s succeeds: %s", what, err->msg);
    return ok;
}

/*
 * Run fn in a child with new mount, IPC and UTS namespaces. Each "ok"/"not ok" line becomes a TAP
 * test named "<scenario>: <check>"; the child's clean exit is one more test.
 */
static __attribute__((unused)) void run_scenario(const char *name, void (*fn)(void *), void *arg)
{
    int p[2], status = 0;
    char line[1200];
    FILE *in;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0) {
        tap_ok(0, "%s: pipe: %s", name, strerror(errno));
        return;
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        report_fd = p[1];
        alarm(CHILD_TIMEOUT);
        if (unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS) < 0) {
            check(false, "unshare: %s", strerror(errno));
            _exit(1);
        }
        fn(arg);
        _exit(0);
    }
    close(p[1]);
    in = fdopen(p[0], "r");
    while (in && fgets(line, sizeof(line), in)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "ok ", 3) == 0)
            tap_ok(1, "%s: %s", name, line + 3);
        else if (strncmp(line, "not ok ", 7) == 0)
            tap_ok(0, "%s: %s", name, line + 7);
        else
            printf("%s\n", line);
    }
    if (in)
        fclose(in);
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        status = -1;
    tap_ok(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "%s: child completed (status 0x%x)", name, (unsigned)status);
}

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
