/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user namespace an idmapped mount takes its mapping from: a short-lived child unshares a user
 * namespace, we write its uid_map/gid_map from the mount's uidMappings/gidMappings (lines
 * "containerID hostID size", as crun writes them) and keep an fd of the namespace.
 */

#include "runtime/rootfs/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spec/base/cleanup.h"

static int format_map(const spec_id_mapping *m, size_t n, char *buf, size_t size)
{
    size_t used = 0;

    for (size_t i = 0; i < n; i++) {
        int len = snprintf(buf + used, size - used, "%u %u %u\n", m[i].container_id, m[i].host_id,
                           m[i].size);
        if (len < 0 || (size_t)len >= size - used)
            return -1;
        used += (size_t)len;
    }
    return (int)used;
}

static int write_map(const char *pid, const char *file, const char *map, int len, ward_err *err)
{
    char path[64];
    cleanup_close int fd = -1;

    snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return ward_fail_errno(err, errno, "open %s", file);
    if (write(fd, map, (size_t)len) != len)
        return ward_fail_errno(err, errno, "write %s", file);
    return 0;
}

/* In the child: enter a new user namespace, say our pid as /proc sees it, wait to be released. */
static void __attribute__((noreturn)) holder(int to_parent, int from_parent)
{
    char pid[32] = "";
    ssize_t n;
    char c;

    if (unshare(CLONE_NEWUSER) < 0)
        _exit(1);
    /* /proc may belong to an outer pid namespace: its own name for us is what it accepts. */
    n = readlink("/proc/self", pid, sizeof(pid) - 1);
    if (n <= 0 || write(to_parent, pid, (size_t)n) != n)
        _exit(1);
    close(to_parent);
    while (read(from_parent, &c, 1) < 0 && errno == EINTR)
        ;
    _exit(0);
}

static int open_userns(const char *uid_map, int uid_len, const char *gid_map, int gid_len,
                       ward_err *err)
{
    int up[2], down[2], status, fd = -1;
    char pid[32] = "", path[64];
    ssize_t n;
    pid_t child;

    if (pipe2(up, O_CLOEXEC) < 0)
        return ward_fail_errno(err, errno, "pipe");
    if (pipe2(down, O_CLOEXEC) < 0) {
        close(up[0]);
        close(up[1]);
        return ward_fail_errno(err, errno, "pipe");
    }
    child = fork();
    if (child == 0) {
        close(up[0]);
        close(down[1]);
        holder(up[1], down[0]);
    }
    close(up[1]);
    close(down[0]);
    if (child < 0) {
        ward_fail_errno(err, errno, "fork");
        goto out;
    }
    n = read(up[0], pid, sizeof(pid) - 1);
    if (n <= 0) {
        ward_fail(err, "idmap: the helper could not create a user namespace");
        goto out;
    }
    if (write_map(pid, "uid_map", uid_map, uid_len, err) < 0 ||
        write_map(pid, "gid_map", gid_map, gid_len, err) < 0)
        goto out;
    snprintf(path, sizeof(path), "/proc/%s/ns/user", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        ward_fail_errno(err, errno, "open %s", path);
out:
    close(up[0]);
    close(down[1]); /* releases the child */
    if (child > 0)
        while (waitpid(child, &status, 0) < 0 && errno == EINTR)
            ;
    return fd;
}

int rootfs_idmap_userns(const spec_mount *m, ward_err *err)
{
    char uid_map[4096], gid_map[4096];
    int uid_len, gid_len;

    if (m->n_uid_mappings == 0 || m->n_gid_mappings == 0)
        return ward_fail(err, "idmap: uidMappings and gidMappings are required");
    uid_len = format_map(m->uid_mappings, m->n_uid_mappings, uid_map, sizeof(uid_map));
    gid_len = format_map(m->gid_mappings, m->n_gid_mappings, gid_map, sizeof(gid_map));
    if (uid_len <= 0 || gid_len <= 0)
        return ward_fail(err, "idmap: too many mappings");
    return open_userns(uid_map, uid_len, gid_map, gid_len, err);
}
