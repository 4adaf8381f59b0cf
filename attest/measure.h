/* SPDX-License-Identifier: Apache-2.0 */
/* Measurement: extend a PCR with an event's digest and append the event to the event log. */
#ifndef WARD_ATTEST_MEASURE_H
#define WARD_ATTEST_MEASURE_H

#include "attest/evlog.h"
#include "attest/tpm.h"

/*
 * ev comes from ward_event_new*(); this fills seq, pcr, reset_count, time and digest. Under the
 * log's exclusive lock: the whole log is read and checked first (a corrupt log is an error and
 * nothing is extended or written), then the PCR is extended, then the line appended and fsync'ed.
 */
int ward_measure(ward_tpm *tpm, const char *log_path, uint32_t pcr, ward_event *ev, ward_err *err);

/* A container's identity: type "container", data {id, config_digest, image_digest}. */
int ward_measure_container(ward_tpm *tpm, const char *log_path, uint32_t pcr, const char *id,
                           const char *config_digest, const char *image_digest, ward_err *err);

#endif
