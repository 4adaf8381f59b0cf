/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One line of /proc/PID/mountinfo (proc(5)): "id parent major:minor root mountpoint options
 * [optional fields...] - fstype source superoptions". Shared by everything that reads the mount
 * table (the cgroup layout, the cgroup mount, the kernel-interface lockdown).
 */
#ifndef WARD_SPEC_BASE_MOUNTINFO_H
#define WARD_SPEC_BASE_MOUNTINFO_H

typedef struct mountinfo_line {
    int id;     /* the mount's id (statx STATX_MNT_ID gives the same number) */
    char *root; /* the directory of the filesystem mounted here, "/" for the whole of it */
    char *mountpoint;
    char *fstype; /* as the kernel names it: "proc", "sysfs", "cgroup2"... */
    char *source;
    char *superopts; /* the filesystem's options: "rw,cpu,cpuacct" */
} mountinfo_line;

/*
 * Split line (modified in place; a trailing newline is dropped) into out, with the \ooo escapes
 * of root and mountpoint undone. -1 when the line is not a mountinfo line.
 */
int mountinfo_parse_line(char *line, mountinfo_line *out);

#endif
