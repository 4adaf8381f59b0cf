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

/* Make <root> (0700) if needed and <root>/<id> exclusively; returns a locked dir fd. */
int state_dir_create(const char *root, const char *id, ward_err *err);

/* Open <root>/<id>; lock it when lock is true. "container \"id\" does not exist" when absent. */
int state_dir_open(const char *root, const char *id, bool lock, ward_err *err);

int state_write(int dirfd, const spec_state *s, ward_err *err);
int state_read(int dirfd, spec_state **out, ward_err *err);

/* Write any small file in the state dir atomically (temp, fsync, rename). */
int state_write_file(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                     ward_err *err);

/* Remove the state dir and the files ward puts in it. */
int state_dir_remove(const char *root, const char *id, ward_err *err);

/* Whether the init recorded in s still runs (same pid and start time, not a zombie). */
bool state_init_alive(const spec_state *s);

/* Refresh s->status from the live system: stopped when the init is gone, paused when frozen. */
void state_refresh_status(spec_state *s);

/* The config the container was created from, saved in its state dir (parsed, not re-validated:
 * it was validated at create and only ward writes it). */
int state_load_config(int dirfd, spec_config **cfg, ward_err *err);
/* Write the config copy back (update keeps it truthful). */
int state_save_config(int dirfd, const spec_config *cfg, ward_err *err);

/* The container's cgroup from state.json; -1 when the state has none. */
int state_cgroup(const spec_state *st, ward_cgroup *cg);

void state_freep(spec_state **s);
void config_freep(spec_config **c);
#define cleanup_state  __attribute__((cleanup(state_freep)))
#define cleanup_config __attribute__((cleanup(config_freep)))

#endif
