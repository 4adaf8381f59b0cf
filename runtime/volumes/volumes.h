/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encrypted per-container volumes. A container asks for them by annotation
 *   ward.volume.NAME=/path/in/container,size=1G[,fs=ext4|xfs][,integrity][,persist]
 * so every client (podman --annotation, ctr, containerd, Kubernetes pods) can. At create, before
 * the init's mounts, each gets a sparse backing file under the host's volume directory, a loop
 * device, LUKS2 (aes-xts-plain64) with a random volume key that lives only in mlock'ed memory
 * and is wiped right after activation (no keyslot, no PBKDF: nothing on disk can open it), a
 * fresh filesystem, and a bind mount into the container with nosuid,nodev. At delete, and at
 * delete --force after any crash, everything is found again by name and removed: mount, dm
 * device, loop device, LUKS header, backing file. libcryptsetup is loaded only here (dlopen).
 */
#ifndef WARD_RUNTIME_VOLUMES_H
#define WARD_RUNTIME_VOLUMES_H

#include <stdbool.h>
#include <stdint.h>

#include "spec/config.h"
#include "spec/hostconf.h"

#define WARD_DEFAULT_VOLUME_DIR "/var/lib/ward/volumes"
#define VOLUME_NAME_MAX 32

typedef enum { VOLUME_FS_EXT4, VOLUME_FS_XFS } volume_fs;

typedef struct volume_spec {
    char name[VOLUME_NAME_MAX + 1];
    char *destination; /* normalised absolute path in the container */
    uint64_t size;     /* bytes */
    volume_fs fs;
    bool integrity; /* dm-integrity authenticated encryption (hmac-sha256) */
    bool persist;   /* keep across restarts, key sealed to the TPM */
} volume_spec;

typedef struct volume_list {
    volume_spec *items;
    size_t len;
} volume_list;

/* Where volumes live on this host: ward.conf's volumes.dir, else the default. */
const char *volumes_dir(const ward_hostconf *hc);

/* The volumes cfg's annotations ask for, checked (names, sizes, options, no destination that a
 * config mount or another volume also has). An empty list when there are none. */
int volumes_from_config(const spec_config *cfg, volume_list *out, ward_err *err);
void volume_list_free(volume_list *v);

/* Whether this host can give v's volumes (device-mapper with dm-crypt): checked at create
 * before anything is made. */
int volumes_available(const volume_list *v, ward_err *err);

/* Make every volume of v for container id under dir and append its bind mount to cfg's mounts.
 * On failure whatever was made is torn down again. */
int volumes_setup(const char *dir, const char *id, const volume_list *v, spec_config *cfg,
                  ward_err *err);

/* Remove everything volumes_setup made for id (or a crash left of it): idempotent, and free
 * when id has no volume directory. */
int volumes_teardown(const char *dir, const char *id, ward_err *err);

/* The volumes in force as a JSON array for state and manifests (caller frees). */
int volumes_describe(const volume_list *v, char **json, ward_err *err);

#endif
