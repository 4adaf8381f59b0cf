/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime-spec state document (what `ward state` prints and hooks read on stdin) plus ward's
 * own fields, which `ward state` also shows and which ward needs to find the container again.
 */
#ifndef WARD_SPEC_STATE_H
#define WARD_SPEC_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/config.h"

typedef enum spec_status {
    SPEC_STATUS_CREATING,
    SPEC_STATUS_CREATED,
    SPEC_STATUS_RUNNING,
    SPEC_STATUS_PAUSED,
    SPEC_STATUS_STOPPED,
} spec_status;

typedef struct spec_state {
    char *oci_version;
    char *id;
    spec_status status;
    pid_t pid; /* 0 when there is no process */
    char *bundle;
    spec_kv_list annotations;

    /* ward's own fields */
    char *rootfs;             /* absolute rootfs path */
    char *created;            /* RFC 3339 UTC time of create */
    uint64_t init_start_time; /* /proc/PID/stat starttime: tells a reused pid apart */
    char *cgroup_path;        /* the container's cgroup, relative to the hierarchy roots */
    char *cgroup_mode;        /* "v1", "hybrid" or "v2" */
    bool systemd_cgroup;
    bool started;           /* start has run (exec fifo consumed) */
    char *owner;            /* uid that created it */
    char *protections_json; /* JSON object of the protections in force, verbatim */
    /* The file the init runs until it execs the process (ward's own binary, from /proc/PID/exe):
     * while the init still runs it, the container is created, whatever the last write said. 0 in
     * state written by older versions. */
    uint64_t init_exe_dev, init_exe_ino;
    /* How the init ended, once a command saw it (has_ flags: known). */
    bool has_exit_code, has_exit_signal, has_oom_killed;
    int32_t exit_code;   /* exit status when it exited */
    int32_t exit_signal; /* the signal that killed it */
    bool oom_killed;     /* the kernel's OOM killer killed a process of the container */
    spec_strv ignored;      /* "path=value" of config settings ward does not apply (no LSM) */
} spec_state;

const char *spec_status_name(spec_status s);
int spec_status_from_name(const char *name); /* -1 if unknown */

/*
 * Full state.json as ward stores it and `ward state` prints it. The runtime-spec fields and the
 * three that runc and crun also print (rootfs, created, owner) are top-level keys; ward's own
 * fields are in a "ward" object:
 *   {"ociVersion":..,"id":..,"status":..,"pid":N (omitted when 0),"bundle":..,"rootfs":..,
 *    "created":..,"owner":..,"annotations":{..} (omitted when empty),
 *    "ward":{"initStartTime":N,"cgroupPath":..,"cgroupMode":..,"systemdCgroup":B,"started":B,
 *            "protections":{..}, "initExeDev":N,"initExeIno":N (omitted when 0),
 *            "exitCode":N,"exitSignal":N,"oomKilled":B (each omitted while unknown),
 *            "ignored":[..] (omitted when empty)}}
 */
int spec_state_to_json(const spec_state *s, char **out, size_t *len, ward_err *err);
/* Only the runtime-spec fields (what hooks receive on stdin). */
int spec_state_to_oci_json(const spec_state *s, char **out, size_t *len, ward_err *err);
/*
 * Parse state.json, treating it as hostile: every field is type-checked; ociVersion, id, status and
 * bundle are required; id must be a plain name; bundle, rootfs and ward.cgroupPath must be absolute
 * without ".."; ward.protections must be an object (kept verbatim, compact, in protections_json).
 */
int spec_state_parse(const char *json, size_t len, spec_state **out, ward_err *err);
void spec_state_free(spec_state *s);

#endif
