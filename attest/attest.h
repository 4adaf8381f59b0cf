/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attest/'s front door for the runtime, the shim and the ward-attest helper: whole operations
 * (measure, quote, node) configured from ward.conf. Each call connects to the TPM, does its work,
 * flushes what it loaded and disconnects (swtpm serves one client at a time).
 */
#ifndef WARD_ATTEST_ATTEST_H
#define WARD_ATTEST_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attest/ek.h"
#include "attest/evidence.h"
#include "attest/evlog.h"
#include "attest/nodekey.h"
#include "spec/hostconf.h"

typedef struct ward_attest_cfg {
    char *tcti;         /* resolved: never NULL ("none" when there is no TPM) */
    uint32_t pcr;       /* the PCR measurements go to (tpm.pcr, default 23) */
    uint32_t ak_handle; /* tpm.ak_handle, 0: transient primary AK */
    char *ca_dir;       /* tpm.ca_dir, may be NULL */
    char *log_path;     /* attest.event_log, default WARD_DEFAULT_EVENT_LOG */
    char *node_key;     /* attest.node_key, default WARD_DEFAULT_NODE_KEY */
} ward_attest_cfg;

/* From ward.conf (hc may be NULL for defaults); the overrides (may be NULL) win: --tcti, --log. */
int ward_attest_cfg_init(ward_attest_cfg *c, const ward_hostconf *hc, const char *tcti,
                         const char *log_path, ward_err *err);
void ward_attest_cfg_free(ward_attest_cfg *c);

/*
 * ward.conf at config_path (NULL: the default path, which may be missing) and then the overrides,
 * as the helpers' --config, --tcti and --log give them; *ca_dir (may be NULL) gets tpm.ca_dir.
 * A bad file or value fails with errnum EINVAL.
 */
int ward_attest_cfg_load(ward_attest_cfg *c, const char *config_path, const char *tcti,
                         const char *log_path, ward_err *err);

/*
 * Measure an event: data_json is a JSON object of strings. *out (may be NULL) gets the event.
 * A bad type or data fails with errnum EINVAL before the TPM or the log is touched.
 */
int ward_attest_measure(const ward_attest_cfg *c, const char *type, const char *data_json,
                        ward_event *out, ward_err *err);

/* Quote the PCRs in mask (0: the configured PCR) with nonce; *json is the evidence document. */
int ward_attest_quote(const ward_attest_cfg *c, uint32_t mask, const uint8_t *nonce,
                      size_t nonce_len, char **json, size_t *len, ward_err *err);

typedef struct ward_node_info {
    ward_node_class node_class;
    ward_node_facts facts;
    char *ak_pem;      /* NULL for class none */
    char *ek_pem;      /* the EK (ECC P-256 default template), NULL for class none */
    char *ek_cert_pem; /* NULL when the TPM has no EK certificate */
} ward_node_info;

/* What this node is: class, keys. Class none (no TPM configured or found) is not an error. */
int ward_attest_node(const ward_attest_cfg *c, ward_node_info *info, ward_err *err);
void ward_node_info_free(ward_node_info *info);

#endif
