/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/measure.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static int now_utc(char **out, ward_err *err)
{
    char buf[32];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (gmtime_r(&ts.tv_sec, &tm) == NULL ||
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return ward_fail(err, "cannot format the time");
    *out = strdup(buf);
    return *out ? 0 : ward_fail_errno(err, ENOMEM, "time");
}

static int measure_locked(ward_tpm *tpm, const char *log_path, uint32_t pcr, ward_event *ev,
                          ward_evlog_file *f, const ward_evlog *log, ward_err *err)
{
    uint32_t reset_count;

    if (ward_tpm_reset_count(tpm, &reset_count, err) < 0)
        return -1;
    if (log->n > 0 && log->ev[log->n - 1].reset_count > reset_count)
        return ward_fail(err,
                         "event log %s: its last event is from TPM reset %u, the TPM is at "
                         "reset %u (a different TPM?)",
                         log_path, log->ev[log->n - 1].reset_count, reset_count);
    ev->seq = log->n > 0 ? log->ev[log->n - 1].seq + 1 : 0;
    ev->pcr = pcr;
    ev->reset_count = reset_count;
    free(ev->time);
    ev->time = NULL;
    if (now_utc(&ev->time, err) < 0 || ward_event_seal(ev, err) < 0)
        return -1;
    if (ward_tpm_pcr_extend(tpm, pcr, ev->digest, err) < 0)
        return -1;
    if (ward_evlog_append(f, log_path, ev, err) < 0)
        return ward_err_prefix(err,
                               "PCR %u extended but the event was not logged (the log no "
                               "longer replays until the next TPM reset)",
                               pcr);
    return 0;
}

int ward_measure(ward_tpm *tpm, const char *log_path, uint32_t pcr, ward_event *ev, ward_err *err)
{
    ward_evlog_file f;
    ward_evlog log;
    int r;

    if (pcr >= WARD_PCR_COUNT)
        return ward_fail(err, "PCR %u: out of range 0-23", pcr);
    /* the log is opened (and checked) before the PCR is touched */
    if (ward_evlog_open(log_path, true, &f, &log, err) < 0)
        return -1;
    r = measure_locked(tpm, log_path, pcr, ev, &f, &log, err);
    ward_evlog_close(&f, log_path, r < 0);
    ward_evlog_free(&log);
    return r;
}

int ward_measure_container(ward_tpm *tpm, const char *log_path, uint32_t pcr, const char *id,
                           const char *config_digest, const char *image_digest, ward_err *err)
{
    const char *keys[] = {"id", "config_digest", "image_digest"};
    const char *vals[] = {id, config_digest, image_digest};
    ward_event ev;
    int r;
    if (ward_event_new(&ev, "container", keys, vals, 3, err) < 0)
        return -1;
    r = ward_measure(tpm, log_path, pcr, &ev, err);
    ward_event_free(&ev);
    return r;
}
