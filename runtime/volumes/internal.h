/* SPDX-License-Identifier: Apache-2.0 */
/* Inside runtime/volumes/: libcryptsetup loaded on demand, loop devices, names and paths. */
#ifndef WARD_RUNTIME_VOLUMES_INTERNAL_H
#define WARD_RUNTIME_VOLUMES_INTERNAL_H

#include <libcryptsetup.h>
#include <limits.h>

#include "runtime/volumes/volumes.h"

/* libcryptsetup's entry points ward uses, typed from its own header, resolved by dlopen so that
 * a container without volumes never loads it. */
typedef struct cryptsetup_api {
    __typeof__(crypt_init) *init;
    __typeof__(crypt_init_by_name) *init_by_name;
    __typeof__(crypt_format) *format;
    __typeof__(crypt_activate_by_volume_key) *activate_by_volume_key;
    __typeof__(crypt_deactivate_by_name) *deactivate_by_name;
    __typeof__(crypt_wipe) *wipe;
    __typeof__(crypt_get_device_name) *get_device_name;
    __typeof__(crypt_set_log_callback) *set_log_callback;
    __typeof__(crypt_free) *free;
    __typeof__(crypt_volume_key_keyring) *volume_key_keyring;
} cryptsetup_api;

/* Load libcryptsetup once; the table stays valid for the process's life. */
int cryptsetup_load(const cryptsetup_api **api, ward_err *err);

/* Attach file to a free loop device (autoclear, direct I/O where the kernel can); the device's
 * path in dev. The returned fd keeps it attached until closed. */
int loop_attach(const char *file, char dev[PATH_MAX], ward_err *err);
/* The loop device backed by file, "" when none. */
void loop_find(const char *file, char dev[PATH_MAX]);
/* Whether device (a /dev/loopN path) is backed by file. */
bool loop_backed_by(const char *device, const char *file);
int loop_detach(const char *dev, ward_err *err);

/* Paths and names of volume name of container id under dir. */
typedef struct volume_paths {
    char dir[PATH_MAX];     /* <dir>/<id> */
    char backing[PATH_MAX]; /* <dir>/<id>/<name>.img */
    char staging[PATH_MAX]; /* <dir>/<id>/<name>.mnt: the filesystem, bind-mounted in */
    char dm_name[128];      /* ward-<hash of id>-<name> */
    char dm_path[160];      /* /dev/mapper/<dm_name> */
} volume_paths;
int volume_paths_make(const char *dir, const char *id, const char *name, volume_paths *p,
                      ward_err *err);

/* Tear down one volume (every step idempotent). */
int volume_teardown_one(const char *dir, const char *id, const char *name, ward_err *err);

#endif
