/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host's configuration, /etc/ward/ward.conf (or `--config FILE`): the only place that may relax
 * ward's sandbox. A strict key = value file: '#' at the start of a line or after white space
 * starts a comment, keys are the ones listed below, a key given twice, an unknown key or a bad
 * value is an error naming file and line.
 *
 *   seccomp.allow = keyctl,bpf        # baseline syscalls the host lets containers use
 *   sandbox.no_new_privileges = optional   # "required" (default): always set no_new_privs
 *   landlock.allow_special_files = true    # let containers create fifos/sockets/devices
 *   sandbox.kernel_interfaces = config     # default "readonly": /proc/sys & co., sysfs and
 *                                          # cgroupfs read-only without an own user namespace
 *   landlock = enforce | off               # off: no Landlock (recorded in state)
 *   tpm.tcti = device:/dev/tpmrm0 | swtpm:host=H,port=P | swtpm:path=SOCK | none
 *   tpm.pcr = 23
 *   tpm.ak_handle = 0x81010002
 *   tpm.ca_dir = /etc/ward/tpm-ca
 *   attest.event_log = /var/lib/ward/attest/events.log
 *   attest.node_key = /var/lib/ward/keys/node.key   # the node's secp256k1 signing key
 *   policy.path = /etc/ward/policy.json
 *   volumes.dir = /var/lib/ward/volumes    # encrypted volumes' backing files (root only)
 *   image.policy = enforce | off           # enforce: create/run check the bundle's image
 *   image.records = /var/lib/ward/images   # where `ward image unpack` records what it unpacked
 *   image.lookaside = /var/lib/containers/sigstore   # signatures beside the image (no default)
 */
#ifndef WARD_SPEC_HOSTCONF_H
#define WARD_SPEC_HOSTCONF_H

#include <stdbool.h>
#include <stdint.h>

#include "spec/base/error.h"

#define WARD_DEFAULT_HOSTCONF      "/etc/ward/ward.conf"
#define WARD_DEFAULT_IMAGE_RECORDS "/var/lib/ward/images"
#define WARD_DEFAULT_POLICY        "/etc/ward/policy.json"

typedef struct ward_hostconf {
    char **seccomp_allow; /* NULL-terminated list of syscall names, or NULL */
    bool nnp_optional;
    bool kernel_interfaces_from_config; /* do not force /proc/sys, sysfs, cgroupfs read-only */
    bool landlock_allow_special;
    bool landlock_off;
    char *tpm_tcti; /* NULL: default (device if present, else none) */
    uint32_t tpm_pcr;
    bool has_ak_handle;
    uint32_t tpm_ak_handle;
    char *tpm_ca_dir;
    char *event_log;
    char *node_key; /* NULL: /var/lib/ward/keys/node.key */
    char *policy_path;
    char *volumes_dir;     /* NULL: the default */
    bool image_policy;     /* image.policy = enforce */
    char *image_records;   /* NULL: WARD_DEFAULT_IMAGE_RECORDS */
    char *image_lookaside; /* NULL: none */
} ward_hostconf;

/* Defaults for every key (no file needed). */
void ward_hostconf_init(ward_hostconf *hc);

/*
 * Load path over the defaults. A missing file is fine only when must_exist is false (the default
 * path); an explicit --config that does not exist is an error.
 */
int ward_hostconf_load(ward_hostconf *hc, const char *path, bool must_exist, ward_err *err);

/* Parse text (name is used in messages). */
int ward_hostconf_parse(ward_hostconf *hc, const char *text, const char *name, ward_err *err);

bool ward_hostconf_seccomp_allows(const ward_hostconf *hc, const char *syscall);

void ward_hostconf_free(ward_hostconf *hc);

#endif
