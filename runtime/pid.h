/* SPDX-License-Identifier: Apache-2.0 */
/* A process seen from the host by its pid: its start time, and the pid file a caller asks for. */
#ifndef WARD_RUNTIME_PID_H
#define WARD_RUNTIME_PID_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/base/error.h"

/*
 * starttime of a process (field 22 of /proc/PID/stat), 0 when gone; *zombie set for state Z/X.
 * With the pid it names one process: a pid the kernel reuses gets another start time.
 */
uint64_t proc_start_time(pid_t pid, bool *zombie);

/* Write a pid file atomically (path given on the command line, relative to cwd). */
int write_pid_file(const char *path, pid_t pid, ward_err *err);

#endif
