/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the init is doing, asked of the process itself rather than of the last state write (which
 * a ward killed in the middle of start or of the init's exit never made): has it exec'd the
 * container's process, and, once it is gone, how did it end.
 */
#include "runtime/cgroup/cgroup.h"
#include "runtime/state_store.h"
#include "spec/base/cleanup.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int state_exe_identity(pid_t pid, uint64_t *dev, uint64_t *ino)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
    if (stat(path, &st) < 0)
        return -1;
    *dev = (uint64_t)st.st_dev;
    *ino = (uint64_t)st.st_ino;
    return 0;
}

/*
 * The init is a clone of ward: until it execs the container's process, /proc/PID/exe is the ward
 * binary create recorded. (A container whose process is that very file, through a bind mount of
 * the host's ward, would read as created: ward never gives a container its own binary.)
 */
bool state_init_started(const spec_state *s)
{
    uint64_t dev, ino;
    if (s->init_exe_ino == 0 || state_exe_identity(s->pid, &dev, &ino) < 0)
        return s->started;
    return dev != s->init_exe_dev || ino != s->init_exe_ino;
}

/* Fields 22 (starttime) and 52 (exit_code, a wait status) of /proc/PID/stat of a zombie. */
static int zombie_wait_status(pid_t pid, uint64_t start_time, int *status)
{
    char path[64], buf[2048];
    cleanup_close int fd = -1;
    unsigned long long start = 0;
    ssize_t n;
    char *p;
    int field = 3;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
        return -1;
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* comm may hold spaces and parens */
    if (p == NULL || p[1] != ' ' || p[2] != 'Z')
        return -1;
    for (p += 2; p && field < 52; field++) {
        if (field == 22 && sscanf(p, "%llu", &start) != 1)
            return -1;
        p = strchr(p, ' ');
        p = p ? p + 1 : NULL;
    }
    if (p == NULL || start != start_time || sscanf(p, "%d", status) != 1)
        return -1;
    return 0;
}

bool state_note_exit(spec_state *s)
{
    bool changed = false;
    ward_cgroup cg;
    ward_err err;
    uint64_t kills;
    int status;
    if (!s->has_exit_code && !s->has_exit_signal && s->pid > 0 && s->init_start_time != 0 &&
        zombie_wait_status(s->pid, s->init_start_time, &status) == 0) {
        if (WIFSIGNALED(status)) {
            s->has_exit_signal = true;
            s->exit_signal = WTERMSIG(status);
        } else {
            s->has_exit_code = true;
            s->exit_code = WEXITSTATUS(status);
        }
        changed = true;
    }
    if (!s->oom_killed && state_cgroup(s, &cg) == 0 && cgroup_oom_kills(&cg, &kills, &err) == 0) {
        changed = changed || !s->has_oom_killed || kills > 0;
        s->has_oom_killed = true;
        s->oom_killed = kills > 0;
    }
    return changed;
}
