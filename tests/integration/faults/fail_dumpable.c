/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LD_PRELOAD fault injection for ward's own process: prctl(PR_SET_DUMPABLE) fails with EPERM (in
 * the process that loaded this, not in the children it clones), and at exit the library writes
 * to $WARD_FAULT_REPORT whether the process's pid_for_children namespace is its own pid
 * namespace again: "pid_for_children_is_own=yes" or "=no".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

static pid_t loader;

__attribute__((constructor)) static void remember_loader(void)
{
    loader = getpid();
}

int prctl(int option, ...)
{
    static int (*real)(int, ...);
    unsigned long arg[4];
    va_list ap;
    va_start(ap, option);
    for (int i = 0; i < 4; i++)
        arg[i] = va_arg(ap, unsigned long);
    va_end(ap);
    if (option == PR_SET_DUMPABLE && getpid() == loader) {
        errno = EPERM;
        return -1;
    }
    if (real == NULL)
        real = (int (*)(int, ...))dlsym(RTLD_NEXT, "prctl");
    return real(option, arg[0], arg[1], arg[2], arg[3]);
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("WARD_FAULT_REPORT");
    struct stat own, children;
    FILE *f;
    if (path == NULL || getpid() != loader)
        return;
    f = fopen(path, "w");
    if (f == NULL)
        return;
    if (stat("/proc/self/ns/pid", &own) < 0 ||
        stat("/proc/self/ns/pid_for_children", &children) < 0)
        fprintf(f, "pid_for_children_is_own=unknown\n");
    else
        fprintf(f, "pid_for_children_is_own=%s\n",
                own.st_ino == children.st_ino && own.st_dev == children.st_dev ? "yes" : "no");
    fclose(f);
}
