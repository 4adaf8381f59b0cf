/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/attest.h"
#include "attest/ak.h"
#include "attest/measure.h"
#include "attest/pubkey.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <string.h>

static int dup_or_null(const char *s, char **out)
{
    *out = NULL;
    if (s == NULL)
        return 0;
    *out = strdup(s);
    return *out ? 0 : -1;
}

int ward_attest_cfg_init(ward_attest_cfg *c, const ward_hostconf *hc, const char *tcti,
                         const char *log_path, ward_err *err)
{
    ward_tcti_kind kind;
    memset(c, 0, sizeof(*c));
    c->pcr = hc ? hc->tpm_pcr : 23;
    c->ak_handle = hc && hc->has_ak_handle ? hc->tpm_ak_handle : 0;
    if (tcti == NULL && hc)
        tcti = hc->tpm_tcti;
    if (log_path == NULL)
        log_path = hc && hc->event_log ? hc->event_log : WARD_DEFAULT_EVENT_LOG;
    if (log_path[0] != '/') {
        ward_attest_cfg_free(c);
        return ward_fail(err, "event log %s: must be an absolute path", log_path);
    }
    if (ward_tcti_resolve(tcti, &c->tcti, err) < 0 || ward_tcti_parse(c->tcti, &kind, err) < 0) {
        ward_attest_cfg_free(c);
        return -1;
    }
    if (dup_or_null(hc ? hc->tpm_ca_dir : NULL, &c->ca_dir) < 0 ||
        dup_or_null(log_path, &c->log_path) < 0) {
        ward_attest_cfg_free(c);
        return ward_fail_errno(err, ENOMEM, "attest config");
    }
    return 0;
}

void ward_attest_cfg_free(ward_attest_cfg *c)
{
    free(c->tcti);
    free(c->ca_dir);
    free(c->log_path);
    memset(c, 0, sizeof(*c));
}

int ward_attest_measure(const ward_attest_cfg *c, const char *type, const char *data_json,
                        ward_event *out, ward_err *err)
{
    ward_tpm *tpm = NULL;
    ward_event ev;
    int r;

    /* validate the event before touching the TPM or the log */
    if (ward_event_new_json(&ev, type, data_json, err) < 0) {
        err->errnum = EINVAL;
        return -1;
    }
    if (ward_tpm_open(c->tcti, &tpm, err) < 0) {
        ward_event_free(&ev);
        return -1;
    }
    r = ward_measure(tpm, c->log_path, c->pcr, &ev, err);
    ward_tpm_close(tpm);
    if (r == 0 && out)
        *out = ev;
    else
        ward_event_free(&ev);
    return r;
}

/*
 * Node class for a quote. Only a device TPM can be class tpm, so for anything else the EK work
 * (NV reads, an EK CreatePrimary) is skipped: it is not needed to say "vtpm".
 */
static int quote_class(ward_tpm *tpm, const ward_attest_cfg *c, ward_node_class *cls,
                       char **ek_cert, ward_err *err)
{
    ward_node_facts f;
    X509 *cert = NULL;
    int r = 0;
    *ek_cert = NULL;
    *cls = WARD_NODE_VTPM;
    if (ward_tpm_kind(tpm) != WARD_TCTI_DEVICE)
        return 0;
    if (ward_node_facts_get(tpm, c->ca_dir, &f, &cert, err) < 0)
        return -1;
    *cls = ward_node_classify(&f);
    if (cert)
        r = ward_cert_to_pem(cert, ek_cert, err);
    X509_free(cert);
    return r;
}

static int quote_with(ward_tpm *tpm, const ward_attest_cfg *c, uint32_t mask, const uint8_t *nonce,
                      size_t nonce_len, char **json, size_t *len, ward_err *err)
{
    cleanup_free char *ek_cert = NULL;
    cleanup_free char *ak_pem = NULL;
    ward_evlog_file f = {.lock_fd = -1, .fd = -1};
    ward_evidence e = {.nonce = nonce, .nonce_len = nonce_len, .tcti = c->tcti};
    ward_evlog log = {0};
    ward_quote q = {0};
    ward_ak *ak = NULL;
    uint32_t reset_count;
    int r = -1;

    if (quote_class(tpm, c, &e.node_class, &ek_cert, err) < 0 ||
        ward_ak_load(tpm, c->ak_handle, &ak, err) < 0)
        return -1;
    /* the shared lock keeps measurements out between reading the log and quoting */
    if (ward_ak_pem(ak, &ak_pem, err) < 0 || ward_evlog_open(c->log_path, false, &f, &log, err) < 0)
        goto out;
    if (ward_tpm_reset_count(tpm, &reset_count, err) < 0 ||
        ward_quote_make(tpm, ak, mask, nonce, nonce_len, &q, err) < 0)
        goto out;
    e.quote = &q;
    e.ak_pem = ak_pem;
    e.ek_cert_pem = ek_cert;
    e.log = &log;
    e.log_from = ward_evlog_since_reset(&log, reset_count);
    r = ward_evidence_to_json(&e, json, len, err);
out:
    ward_evlog_close(&f, c->log_path, false);
    ward_quote_free(&q);
    ward_evlog_free(&log);
    ward_ak_free(tpm, ak);
    return r;
}

int ward_attest_quote(const ward_attest_cfg *c, uint32_t mask, const uint8_t *nonce,
                      size_t nonce_len, char **json, size_t *len, ward_err *err)
{
    ward_tpm *tpm = NULL;
    int r;
    if (mask == 0)
        mask = 1u << c->pcr;
    if (ward_nonce_check(nonce_len, err) < 0)
        return -1;
    if (ward_tpm_open(c->tcti, &tpm, err) < 0)
        return -1;
    r = quote_with(tpm, c, mask, nonce, nonce_len, json, len, err);
    ward_tpm_close(tpm);
    return r;
}

static int node_with(ward_tpm *tpm, const ward_attest_cfg *c, ward_node_info *info, ward_err *err)
{
    X509 *cert = NULL;
    EVP_PKEY *ek = NULL;
    ward_ak *ak = NULL;
    int r = -1;

    if (ward_node_facts_get(tpm, c->ca_dir, &info->facts, &cert, err) < 0)
        return -1;
    info->node_class = ward_node_classify(&info->facts);
    if (cert && ward_cert_to_pem(cert, &info->ek_cert_pem, err) < 0)
        goto out;
    if (ward_ek_public(tpm, false, &ek, err) < 0 || ward_pubkey_to_pem(ek, &info->ek_pem, err) < 0)
        goto out;
    if (ward_ak_load(tpm, c->ak_handle, &ak, err) < 0 || ward_ak_pem(ak, &info->ak_pem, err) < 0)
        goto out;
    r = 0;
out:
    ward_ak_free(tpm, ak);
    EVP_PKEY_free(ek);
    X509_free(cert);
    return r;
}

int ward_attest_node(const ward_attest_cfg *c, ward_node_info *info, ward_err *err)
{
    ward_tpm *tpm = NULL;
    ward_tcti_kind kind;
    int r;

    memset(info, 0, sizeof(*info));
    if (ward_tcti_parse(c->tcti, &kind, err) < 0)
        return -1;
    if (kind == WARD_TCTI_NONE)
        return 0;
    if (ward_tpm_open(c->tcti, &tpm, err) < 0)
        return -1;
    r = node_with(tpm, c, info, err);
    ward_tpm_close(tpm);
    if (r < 0)
        ward_node_info_free(info);
    return r;
}

void ward_node_info_free(ward_node_info *info)
{
    free(info->ak_pem);
    free(info->ek_pem);
    free(info->ek_cert_pem);
    memset(info, 0, sizeof(*info));
}
