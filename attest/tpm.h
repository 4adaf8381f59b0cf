/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A connection to a TPM 2.0 through tpm2-tss ESYS, from a TCTI string as written in ward.conf:
 *   device:/dev/tpmrm0 | swtpm | swtpm:host=H,port=P | swtpm:path=SOCK | none
 * No resource manager is assumed (swtpm has 3 transient object slots): every function that loads
 * a transient object flushes it again, on error paths too.
 */
#ifndef WARD_ATTEST_TPM_H
#define WARD_ATTEST_TPM_H

#include <stdbool.h>
#include <stdint.h>

#include <tss2/tss2_esys.h>

#include "spec/base/error.h"

#define WARD_PCR_COUNT    24
#define WARD_PCR_ALL_MASK 0x00ffffffu
#define WARD_DEFAULT_TCTI "device:/dev/tpmrm0"

/* Error numbers the library sets in ward_err.errnum so that callers can tell failures apart. */
#define WARD_ENOTPM ENODEV /* no TPM configured, device missing, swtpm unreachable */

typedef enum ward_tcti_kind {
    WARD_TCTI_NONE,
    WARD_TCTI_DEVICE,
    WARD_TCTI_SWTPM,
} ward_tcti_kind;

typedef struct ward_tpm ward_tpm;

/* Check the syntax of a TCTI string (not whether the TPM is there). */
int ward_tcti_parse(const char *tcti, ward_tcti_kind *kind, ward_err *err);

/*
 * The TCTI to use: configured (ward.conf or --tcti) when not NULL, else device:/dev/tpmrm0 when
 * that exists, else "none". *out is malloc'ed.
 */
int ward_tcti_resolve(const char *configured, char **out, ward_err *err);

/*
 * Connect and make sure the TPM is started (an already started TPM is fine). "none" and an
 * unreachable TPM fail with errnum WARD_ENOTPM.
 */
int ward_tpm_open(const char *tcti, ward_tpm **out, ward_err *err);
void ward_tpm_close(ward_tpm *tpm);

ESYS_CONTEXT *ward_tpm_esys(ward_tpm *tpm);
ward_tcti_kind ward_tpm_kind(const ward_tpm *tpm);
const char *ward_tpm_tcti(const ward_tpm *tpm);

/* Extend one sha256 PCR with a 32-byte digest. */
int ward_tpm_pcr_extend(ward_tpm *tpm, uint32_t pcr, const uint8_t digest[32], ward_err *err);

/* Read the sha256 PCRs in mask (bit n = PCR n) into values[n]. */
int ward_tpm_pcr_read(ward_tpm *tpm, uint32_t mask, uint8_t values[WARD_PCR_COUNT][32],
                      ward_err *err);

/* clockInfo.resetCount: changes on every TPM reset (reboot), when the PCRs start again from 0. */
int ward_tpm_reset_count(ward_tpm *tpm, uint32_t *reset_count, ward_err *err);

/* Flush a transient object or session and set *handle to ESYS_TR_NONE (no-op for NONE). */
void ward_tpm_flush(ward_tpm *tpm, ESYS_TR *handle);

/* For attest/ modules: fill err with "what: <decoded TSS2 rc> (0xRC)" plus a hint; returns -1. */
int ward_tss_fail(ward_err *err, TSS2_RC rc, const char *what);

/* The TPML_PCR_SELECTION for sha256 PCRs in mask. */
void ward_pcr_selection(uint32_t mask, TPML_PCR_SELECTION *sel);

#endif
