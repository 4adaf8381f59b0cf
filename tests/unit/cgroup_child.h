/* SPDX-License-Identifier: Apache-2.0 */
/* A child process for the cgroup tests (tap.h's child processes): it counts (to show freezing) and
 * probes device access. */
#ifndef WARD_TESTS_CGROUP_CHILD_H
#define WARD_TESTS_CGROUP_CHILD_H

#include <poll.h>
#include <stdint.h>
#include <sys/mman.h>

#include "tests/unit/tap.h"

static const char *const probes[] = {"/dev/null", "/dev/zero", "/dev/kmsg"};
#define N_PROBES 3

typedef struct child {
    pid_t pid;
    int cmd_w, res_r;
    volatile uint64_t *counter;
} child;

/* The child counts in shared memory and, on each command byte, tries to open the probe devices. */
static inline void child_main(int cmd_r, int res_w, volatile uint64_t *counter)
{
    struct pollfd p = {.fd = cmd_r, .events = POLLIN};
    for (;;) {
        (*counter)++;
        if (poll(&p, 1, 1) == 1) {
            char c;
            if (read(cmd_r, &c, 1) != 1)
                _exit(0);
            int res[N_PROBES];
            for (int i = 0; i < N_PROBES; i++) {
                int fd = open(probes[i], O_RDONLY | O_CLOEXEC);
                res[i] = fd >= 0 ? 0 : errno;
                if (fd >= 0)
                    close(fd);
            }
            if (write(res_w, res, sizeof(res)) != sizeof(res))
                _exit(1);
        }
    }
}

static inline int spawn(child *c)
{
    int cmd[2], res[2];
    c->counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (c->counter == MAP_FAILED || pipe2(cmd, O_CLOEXEC) < 0 || pipe2(res, O_CLOEXEC) < 0)
        return -1;
    c->pid = child_fork();
    if (c->pid < 0)
        return -1;
    if (c->pid == 0) {
        close(cmd[1]);
        close(res[0]);
        child_main(cmd[0], res[1], c->counter);
    }
    close(cmd[0]);
    close(res[1]);
    c->cmd_w = cmd[1];
    c->res_r = res[0];
    return 0;
}

static inline int probe(child *c, int res[N_PROBES])
{
    if (write(c->cmd_w, "p", 1) != 1)
        return -1;
    struct pollfd p = {.fd = c->res_r, .events = POLLIN};
    if (poll(&p, 1, 3000) != 1)
        return -1;
    return read(c->res_r, res, sizeof(int) * N_PROBES) == (ssize_t)(sizeof(int) * N_PROBES) ? 0
                                                                                            : -1;
}

/* Wait up to 3 s for the child to exit, then kill it. */
static inline void reap(child *c, int *status)
{
    if (c->pid <= 0)
        return;
    *status = child_wait(c->pid, 3000);
    c->pid = 0;
}

static inline void msleep(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#endif
