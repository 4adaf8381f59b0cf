/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exe parent|noparent SHARED PID...: CVE-2019-5736, overwrite the runtime's binary through
 * /proc/PID/exe. Tries, for write: /proc/self/exe; with "parent", /proc/<ppid>/exe (the ward
 * process that started us, when our pid namespace shows it); /proc/PID/exe for each PID (a ward
 * init waiting on its exec fifo, still running the host's ward binary). It also keeps an O_PATH
 * fd on each, signals SHARED/ready, waits for SHARED/go (the test makes sure no process runs
 * that binary any more) and reopens each kept fd through /proc/self/fd/N for writing, which is
 * how the CVE got past ETXTBSY. Nothing is ever written: a successful open is the hole.
 */
#include "result.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_KEPT 8

static int kept[MAX_KEPT];
static char kept_name[MAX_KEPT][32];
static int n_kept;

static void probe(const char *name, const char *path)
{
    char key[48];
    errno = 0;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    result_rc(name, fd, errno);
    if (fd >= 0)
        close(fd);
    snprintf(key, sizeof(key), "%s_path", name);
    errno = 0;
    fd = open(path, O_PATH | O_CLOEXEC);
    result_rc(key, fd, errno);
    if (fd >= 0 && n_kept < MAX_KEPT) {
        kept[n_kept] = fd;
        snprintf(kept_name[n_kept++], sizeof(kept_name[0]), "%s", name);
    }
}

static void wait_for(const char *path, int seconds)
{
    struct timespec ts = {0, 20 * 1000 * 1000};
    for (int i = 0; i < seconds * 50 && access(path, F_OK) != 0; i++)
        nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    char path[256];
    if (argc < 3) {
        result_add("usage", "exe");
        return result_print();
    }
    probe("self", "/proc/self/exe");
    if (strcmp(argv[1], "parent") == 0) {
        pid_t ppid = getppid();
        if (ppid > 0) {
            snprintf(path, sizeof(path), "/proc/%d/exe", (int)ppid);
            probe("parent", path);
        } else {
            result_add("parent", "invisible");
        }
    }
    for (int i = 3; i < argc; i++) {
        char name[32];
        snprintf(path, sizeof(path), "/proc/%s/exe", argv[i]);
        snprintf(name, sizeof(name), "init%d", i - 3);
        probe(name, path);
    }
    snprintf(path, sizeof(path), "%s/ready", argv[2]);
    close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    snprintf(path, sizeof(path), "%s/go", argv[2]);
    wait_for(path, 30);
    for (int i = 0; i < n_kept; i++) {
        char key[48], fdpath[64];
        if (strcmp(kept_name[i], "self") == 0)
            continue; /* we still run it: ETXTBSY proves nothing */
        snprintf(key, sizeof(key), "%s_reopen", kept_name[i]);
        snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", kept[i]);
        errno = 0;
        int fd = open(fdpath, O_WRONLY | O_CLOEXEC);
        result_rc(key, fd, errno);
        if (fd >= 0)
            close(fd);
    }
    return result_print();
}
