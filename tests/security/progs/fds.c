/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fds [PID...]: CVE-2024-21626, a host fd or cwd leaked into the container. Checks every fd of
 * ours and of each PID (/proc/PID/fd), our cwd and each PID's cwd and root: a directory must
 * lead, by "..", up to our own "/" (not to some other top, which would be the host's tree), and
 * a regular file must be reachable at the path the kernel shows for it. Prints how many were
 * checked and the bad ones.
 */
#include "result.h"

#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct stat root;
static char bad[2048];
static int checked;

static void note_bad(const char *what, const char *why)
{
    size_t n = strlen(bad);
    snprintf(bad + n, sizeof(bad) - n, "%s%.60s:%.200s", n ? "," : "", what, why);
}

/* True when climbing ".." from dir ends at our root. */
static bool dir_inside(int dir)
{
    int fd = dup(dir);
    for (int i = 0; fd >= 0 && i < 4096; i++) {
        struct stat here, up;
        int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (parent < 0 || fstat(fd, &here) < 0 || fstat(parent, &up) < 0) {
            close(fd);
            if (parent >= 0)
                close(parent);
            return false;
        }
        close(fd);
        fd = parent;
        if (here.st_dev == up.st_dev && here.st_ino == up.st_ino) {
            close(fd);
            return here.st_dev == root.st_dev && here.st_ino == root.st_ino;
        }
    }
    if (fd >= 0)
        close(fd);
    return false;
}

/* Check what /proc/.../fd/N (or cwd, root) refers to. */
static void check_link(const char *link, const char *what)
{
    struct stat st, at;
    char target[4096];
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    int fd;

    if (n < 0)
        return; /* gone or not ours to see */
    target[n] = 0;
    checked++;
    fd = open(link, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENXIO || errno == EACCES || errno == EPERM || errno == ENOENT)
            return; /* socket, or not openable: nothing reachable through it */
        fd = open(link, O_PATH | O_CLOEXEC);
        if (fd < 0)
            return;
    }
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            if (!dir_inside(fd))
                note_bad(what, target);
        } else if (S_ISREG(st.st_mode)) {
            if (stat(target, &at) < 0 || at.st_dev != st.st_dev || at.st_ino != st.st_ino)
                note_bad(what, target);
        }
    }
    close(fd);
}

static void check_fds(const char *pid)
{
    char dirpath[64], link[336], what[64];
    snprintf(dirpath, sizeof(dirpath), "/proc/%s/fd", pid);
    DIR *d = opendir(dirpath);
    if (d == NULL)
        return;
    int own = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (strcmp(pid, "self") == 0 && atoi(e->d_name) == own))
            continue;
        snprintf(link, sizeof(link), "%s/%s", dirpath, e->d_name);
        snprintf(what, sizeof(what), "%.16s/fd/%.16s", pid, e->d_name);
        check_link(link, what);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    char cwd[4096], link[64], what[64];
    if (stat("/", &root) < 0) {
        result_add("setup", "%s", strerrorname_np(errno));
        return result_print();
    }
    int dot = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dot < 0 || !dir_inside(dot))
        note_bad("cwd", getcwd(cwd, sizeof(cwd)) ? cwd : "unreachable");
    if (dot >= 0)
        close(dot);
    check_fds("self");
    for (int i = 1; i < argc; i++) {
        check_fds(argv[i]);
        snprintf(link, sizeof(link), "/proc/%s/cwd", argv[i]);
        snprintf(what, sizeof(what), "%s/cwd", argv[i]);
        check_link(link, what);
        snprintf(link, sizeof(link), "/proc/%s/root", argv[i]);
        snprintf(what, sizeof(what), "%s/root", argv[i]);
        check_link(link, what);
    }
    result_add("checked", "%d", checked);
    result_add("leaks", "%s", *bad ? bad : "none");
    return result_print();
}
