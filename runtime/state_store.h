/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-container state directory <root>/<id>/: state.json (written atomically), config.json
 * (the exact config the container was created from, so delete runs the same poststop hooks),
 * exec.fifo (until start). A flock on the directory serialises commands on one container.
 */
#ifndef WARD_RUNTIME_STATE_STORE_H
#define WARD_RUNTIME_STATE_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/cgroup/cgroup.h"
#include "spec/state.h"

#define WARD_DEFAULT_ROOT "/run/ward"

/* Container ids: [A-Za-z0-9][A-Za-z0-9_.+-]*, at most 255 bytes (a path component). */
int state_validate_id(const char *id, ward_err *err);

/* Open the state root (made 0700 when create and absent) after state_check_trusted and
 * state_check_root_parents. */
int state_root_open(const char *root, bool create, ward_err *err);

/* Make <root> (0700) if needed and <root>/<id> exclusively; returns a locked dir fd. <id> is
 * locked before any other command can see it. */
int state_dir_create(const char *root, const char *id, ward_err *err);

/* Remove the empty hidden directory a create of id killed before naming it <id> left behind. */
void state_dir_drop_stale(const char *root, const char *id);

/* Open <root>/<id>; lock it when lock is true. "container \"id\" does not exist" when absent. */
int state_dir_open(const char *root, const char *id, bool lock, ward_err *err);

int state_write(int dirfd, const spec_state *s, ward_err *err);
/* Read and check state.json of the container id (its own id must be in it). */
int state_read(int dirfd, const char *id, spec_state **out, ward_err *err);

/* Write any small file in the state dir atomically (temp, fsync, rename). */
int state_write_file(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                     ward_err *err);

/* Remove the state dir and the files ward puts in it. */
int state_dir_remove(const char *root, const char *id, ward_err *err);

/* starttime of a process (field 22 of /proc/PID/stat), 0 when gone; *zombie set for state Z/X. */
uint64_t proc_start_time(pid_t pid, bool *zombie);

/* Whether the init recorded in s still runs (same pid and start time, not a zombie). */
bool state_init_alive(const spec_state *s);

/* Refresh s->status from the live system: stopped when the init is gone, paused when frozen. */
void state_refresh_status(spec_state *s);

/* Write a pid file atomically (path given on the command line, relative to cwd). */
int write_pid_file(const char *path, pid_t pid, ward_err *err);

/* The config the container was created from, saved in its state dir (parsed, not re-validated:
 * it was validated at create and only ward writes it). */
int state_load_config(int dirfd, spec_config **cfg, ward_err *err);
/* Write the config copy back (update keeps it truthful). */
int state_save_config(int dirfd, const spec_config *cfg, ward_err *err);

/* The container's cgroup from state.json; -1 when the state has none. */
int state_cgroup(const spec_state *st, ward_cgroup *cg);

/* Refuse what another user may have written (state_safety.c): fd must be a directory (dir) or a
 * regular file owned by ward's user or root and writable by no one else. */
int state_check_trusted(int fd, const char *what, bool dir, ward_err *err);
/* Every directory above the state root: owned by ward's user or root, shared only when sticky. */
int state_check_root_parents(const char *root, ward_err *err);
/* Open a file of the state dir for reading, without blocking, after state_check_trusted. */
int state_open_file(int dirfd, const char *name, ward_err *err);

/* state_exit.c: the file pid runs (its exe link); whether the init has exec'd the container's
 * process (a ward binary recorded at create still runs it: not yet); and how a gone init ended:
 * the exit status of a zombie not yet reaped, the OOM kills in its cgroup. Returns whether s
 * learnt something to record. */
int state_exe_identity(pid_t pid, uint64_t *dev, uint64_t *ino);
bool state_init_started(const spec_state *s);
bool state_note_exit(spec_state *s);

void state_freep(spec_state **s);
void config_freep(spec_config **c);
#define cleanup_state  __attribute__((cleanup(state_freep)))
#define cleanup_config __attribute__((cleanup(config_freep)))

#endif
