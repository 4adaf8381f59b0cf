/* SPDX-License-Identifier: Apache-2.0 */
/* The init's last per-process steps: limits, identity, capabilities, fds, and the executable. */
#ifndef WARD_RUNTIME_PROCESS_SETUP_H
#define WARD_RUNTIME_PROCESS_SETUP_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "spec/config.h"

int proc_apply_rlimits(const spec_process *p, ward_err *err);
int proc_apply_oom_score_adj(const spec_process *p, ward_err *err);

/* Drop every capability not in process.capabilities.bounding from the bounding set. */
int caps_drop_bounding(const spec_capabilities *c, ward_err *err);
/*
 * setresgid + setresuid to uid/gid, then no longer dumpable and the parent-death signal it had,
 * both of which the kernel resets when effective ids change. Every change of ids uses this.
 */
int proc_setresid(uid_t uid, gid_t gid, ward_err *err);
/* Non-dumpable and pdeathsig again: after a setns(CLONE_NEWUSER), which can change credentials. */
int proc_reguard(int pdeathsig, ward_err *err);
/* setgroups, then proc_setresid keeping capabilities across the uid change. */
int proc_set_user(const spec_process *p, ward_err *err);
/*
 * Set effective, permitted, inheritable, then raise ambient. keep_admin: CAP_SYS_ADMIN stays in
 * the effective and permitted sets (for a seccomp filter loaded right before execve without
 * no_new_privs); execve takes it away again, since the sets after execve come from the bounding,
 * inheritable and ambient sets and the file's capabilities, never from the permitted set before.
 */
int caps_apply(const spec_capabilities *c, bool keep_admin, ward_err *err);

/* Find args[0] in the container's PATH (from process.env), as execvpe would, without executing. */
int proc_find_executable(const spec_process *p, char out[PATH_MAX], ward_err *err);

/* Mark every fd from 3 + preserve_fds on close-on-exec, and clear it on 3..3+preserve_fds-1. */
int proc_prepare_fds(int preserve_fds, ward_err *err);

/*
 * In ward, before it opens anything: the fds a caller preserves must really be open, otherwise
 * one of ward's own fds (a socket, a namespace fd) could take that number and reach the container.
 */
int proc_check_preserved_fds(int n, ward_err *err);

#endif
