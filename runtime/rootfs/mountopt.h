/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI mount options (config.json mounts[].options) turned into what the kernel takes: mount(2)
 * flags, propagation changes, recursive attributes for mount_setattr(2) and the filesystem data
 * string. Pure parsing, no syscalls.
 */
#ifndef WARD_RUNTIME_MOUNTOPT_H
#define WARD_RUNTIME_MOUNTOPT_H

#include <stddef.h>
#include <stdint.h>

#include "spec/config.h"

#define MOUNTOPT_MAX_PROPAGATION 4
#define MOUNTOPT_DATA_MAX        4095 /* the kernel copies one page of mount data */

/* ward's own options, not kernel flags. */
#define MOUNTOPT_TMPCOPYUP (1u << 0) /* copy the underlying directory into the new tmpfs */
#define MOUNTOPT_IDMAP     (1u << 1) /* idmapped mount, top mount only */
#define MOUNTOPT_RIDMAP    (1u << 2) /* idmapped mount, every mount of the tree */

typedef struct mount_opts {
    unsigned long flags;     /* MS_RDONLY, MS_NOSUID, ..., MS_BIND (MS_REC with it for rbind) */
    unsigned long atime_set; /* which atime option was given, so a remount keeps it */
    /* propagation changes in the order given: MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE,
     * each possibly with MS_REC. */
    unsigned long propagation[MOUNTOPT_MAX_PROPAGATION];
    size_t n_propagation;
    uint64_t attr_set; /* MOUNT_ATTR_* set recursively (rro, rnosuid, ...) */
    uint64_t attr_clr; /* MOUNT_ATTR_* cleared recursively (rrw, rsuid, ...) */
    unsigned extra;    /* MOUNTOPT_* */
    char *data;        /* unknown options joined with ',' (e.g. "mode=755,size=65536k"); or NULL */
} mount_opts;

/* Parse options; later options win ("ro" then "rw" is rw). *out is filled even on error. */
int mountopt_parse(const spec_strv *options, mount_opts *out, ward_err *err);

/* Free what mountopt_parse allocated. */
void mountopt_clear(mount_opts *o);

/* A single propagation word ("rprivate", "shared", ...) as flags; -1 if it is not one. */
int mountopt_propagation(const char *name, unsigned long *flags);

/* Whether data (comma-separated) already holds key (e.g. "newinstance", "ptmxmode"). */
int mountopt_data_has(const char *data, const char *key);

#endif
