/* SPDX-License-Identifier: Apache-2.0 */
#include "attest/tpm.h"
#include "spec/base/cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#define TCTI_MAX 512

struct ward_tpm {
    TSS2_TCTI_CONTEXT *tcti;
    ESYS_CONTEXT *esys;
    ward_tcti_kind kind;
    char *conf;
};

static bool tss_unreachable(TSS2_RC rc)
{
    return rc == TSS2_TCTI_RC_IO_ERROR || rc == TSS2_ESYS_RC_IO_ERROR;
}

/* rc decoded, with a hint for the failures an operator can fix; errnum code. */
static int tss_fail_code(ward_err *err, int code, TSS2_RC rc, const char *what)
{
    TSS2_RC base = rc & ~TSS2_RC_LAYER_MASK;
    const char *hint = "";

    if (base == TPM2_RC_OBJECT_MEMORY)
        hint = " (TPM object memory full: too many transient objects loaded; flush them, e.g. "
               "tpm2_flushcontext -t)";
    else if (base == TPM2_RC_SESSION_MEMORY)
        hint = " (TPM session memory full; flush sessions, e.g. tpm2_flushcontext -s)";
    else if (tss_unreachable(rc))
        hint = " (cannot reach the TPM)";
    return ward_fail_code(err, code, "%s: %s (0x%x)%s", what, Tss2_RC_Decode(rc), rc, hint);
}

int ward_tss_fail(ward_err *err, TSS2_RC rc, const char *what)
{
    return tss_fail_code(err, tss_unreachable(rc) ? WARD_ENOTPM : 0, rc, what);
}

static bool valid_host(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n > 253)
        return false;
    for (; *h; h++)
        if (!isalnum((unsigned char)*h) && *h != '.' && *h != '-' && *h != ':')
            return false;
    return true;
}

static bool valid_port(const char *p)
{
    char *end;
    unsigned long n;
    if (!isdigit((unsigned char)*p))
        return false;
    errno = 0;
    n = strtoul(p, &end, 10);
    /* the control channel lives at port + 1 */
    return errno == 0 && *end == '\0' && n >= 1 && n <= 65534;
}

static bool valid_path(const char *p)
{
    if (p[0] != '/' || strlen(p) > 4096)
        return false;
    for (; *p; p++)
        if (*p == ',' || isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
            return false;
    return true;
}

static int parse_swtpm_opts(const char *opts, const char *tcti, ward_err *err)
{
    char buf[TCTI_MAX];
    char *cursor = buf, *kv;
    bool host = false, port = false, path = false;

    snprintf(buf, sizeof(buf), "%s", opts);
    while ((kv = strsep(&cursor, ",")) != NULL) {
        char *v = strchr(kv, '=');
        bool *seen;
        if (v == NULL)
            return ward_fail(err, "TCTI \"%s\": expected key=value, got \"%s\"", tcti, kv);
        *v++ = '\0';
        if (strcmp(kv, "host") == 0 && valid_host(v))
            seen = &host;
        else if (strcmp(kv, "port") == 0 && valid_port(v))
            seen = &port;
        else if (strcmp(kv, "path") == 0 && valid_path(v))
            seen = &path;
        else if (strcmp(kv, "host") && strcmp(kv, "port") && strcmp(kv, "path"))
            return ward_fail(err, "TCTI \"%s\": unknown swtpm option \"%s\" (host, port, path)",
                             tcti, kv);
        else
            return ward_fail(err, "TCTI \"%s\": bad value for %s", tcti, kv);
        if (*seen)
            return ward_fail(err, "TCTI \"%s\": %s given twice", tcti, kv);
        *seen = true;
    }
    if (path && (host || port))
        return ward_fail(err, "TCTI \"%s\": path excludes host and port", tcti);
    return 0;
}

int ward_tcti_parse(const char *tcti, ward_tcti_kind *kind, ward_err *err)
{
    if (tcti == NULL || *tcti == '\0')
        return ward_fail(err, "TCTI: empty string");
    if (strlen(tcti) >= TCTI_MAX)
        return ward_fail(err, "TCTI: longer than %d bytes", TCTI_MAX - 1);
    if (strcmp(tcti, "none") == 0) {
        *kind = WARD_TCTI_NONE;
        return 0;
    }
    if (strncmp(tcti, "device:", 7) == 0) {
        if (!valid_path(tcti + 7))
            return ward_fail(err, "TCTI \"%s\": device: needs an absolute path", tcti);
        *kind = WARD_TCTI_DEVICE;
        return 0;
    }
    if (strcmp(tcti, "swtpm") == 0 || strcmp(tcti, "swtpm:") == 0) {
        *kind = WARD_TCTI_SWTPM;
        return 0;
    }
    if (strncmp(tcti, "swtpm:", 6) == 0) {
        if (parse_swtpm_opts(tcti + 6, tcti, err) < 0)
            return -1;
        *kind = WARD_TCTI_SWTPM;
        return 0;
    }
    return ward_fail(err,
                     "TCTI \"%s\": unsupported (use device:PATH, swtpm:host=H,port=P, "
                     "swtpm:path=SOCK or none)",
                     tcti);
}

int ward_tcti_resolve(const char *configured, char **out, ward_err *err)
{
    struct stat st;
    const char *t = configured;
    if (t == NULL)
        t = stat(WARD_DEFAULT_TCTI + 7, &st) == 0 ? WARD_DEFAULT_TCTI : "none";
    *out = strdup(t);
    if (*out == NULL)
        return ward_fail_errno(err, ENOMEM, "TCTI");
    return 0;
}

static int start_up(ward_tpm *tpm, ward_err *err)
{
    TSS2_RC rc;
    /* the kernel starts a device TPM; swtpm may or may not have been started */
    if (tpm->kind == WARD_TCTI_DEVICE)
        return 0;
    rc = Esys_Startup(tpm->esys, TPM2_SU_CLEAR);
    if (rc != TSS2_RC_SUCCESS && (rc & ~TSS2_RC_LAYER_MASK) != TPM2_RC_INITIALIZE)
        return ward_tss_fail(err, rc, "TPM2_Startup");
    return 0;
}

int ward_tpm_open(const char *tcti, ward_tpm **out, ward_err *err)
{
    ward_tpm *tpm;
    ward_tcti_kind kind;
    TSS2_RC rc;

    if (ward_tcti_parse(tcti, &kind, err) < 0)
        return -1;
    if (kind == WARD_TCTI_NONE)
        return ward_fail_code(err, WARD_ENOTPM, "no TPM (TCTI is \"none\")");
    if (kind == WARD_TCTI_DEVICE && access(tcti + 7, R_OK | W_OK) < 0) {
        int saved = errno;
        if (saved == ENOENT || saved == ENODEV || saved == ENXIO) /* not there: no TPM */
            return ward_fail_code(err, WARD_ENOTPM, "TPM device %s: %s", tcti + 7, strerror(saved));
        return ward_fail_errno(err, saved, "TPM device %s", tcti + 7);
    }
    tpm = calloc(1, sizeof(*tpm));
    if (tpm == NULL || (tpm->conf = strdup(tcti)) == NULL) {
        free(tpm);
        return ward_fail_errno(err, ENOMEM, "TPM");
    }
    tpm->kind = kind;
    rc = Tss2_TctiLdr_Initialize(tcti, &tpm->tcti);
    if (rc != TSS2_RC_SUCCESS) {
        ward_tpm_close(tpm);
        tss_fail_code(err, WARD_ENOTPM, rc, "connect");
        return ward_err_prefix(err, "TPM at \"%s\"", tcti);
    }
    rc = Esys_Initialize(&tpm->esys, tpm->tcti, NULL);
    if (rc != TSS2_RC_SUCCESS) {
        ward_tpm_close(tpm);
        ward_tss_fail(err, rc, "Esys_Initialize");
        return ward_err_prefix(err, "TPM at \"%s\"", tcti);
    }
    if (start_up(tpm, err) < 0) {
        ward_tpm_close(tpm);
        return ward_err_prefix(err, "TPM at \"%s\"", tcti);
    }
    *out = tpm;
    return 0;
}

void ward_tpm_close(ward_tpm *tpm)
{
    if (tpm == NULL)
        return;
    if (tpm->esys)
        Esys_Finalize(&tpm->esys);
    if (tpm->tcti)
        Tss2_TctiLdr_Finalize(&tpm->tcti);
    free(tpm->conf);
    free(tpm);
}

ESYS_CONTEXT *ward_tpm_esys(ward_tpm *tpm)
{
    return tpm->esys;
}

ward_tcti_kind ward_tpm_kind(const ward_tpm *tpm)
{
    return tpm->kind;
}

const char *ward_tpm_tcti(const ward_tpm *tpm)
{
    return tpm->conf;
}

void ward_tpm_flush(ward_tpm *tpm, ESYS_TR *handle)
{
    if (*handle != ESYS_TR_NONE)
        Esys_FlushContext(tpm->esys, *handle);
    *handle = ESYS_TR_NONE;
}

void ward_pcr_selection(uint32_t mask, TPML_PCR_SELECTION *sel)
{
    memset(sel, 0, sizeof(*sel));
    sel->count = 1;
    sel->pcrSelections[0].hash = TPM2_ALG_SHA256;
    sel->pcrSelections[0].sizeofSelect = 3;
    for (unsigned i = 0; i < WARD_PCR_COUNT; i++)
        if (mask & (1u << i))
            sel->pcrSelections[0].pcrSelect[i / 8] |= (uint8_t)(1u << (i % 8));
}

int ward_tpm_pcr_extend(ward_tpm *tpm, uint32_t pcr, const uint8_t digest[32], ward_err *err)
{
    TPML_DIGEST_VALUES values = {.count = 1};
    TSS2_RC rc;

    if (pcr >= WARD_PCR_COUNT)
        return ward_fail(err, "PCR %u: out of range 0-23", pcr);
    values.digests[0].hashAlg = TPM2_ALG_SHA256;
    memcpy(values.digests[0].digest.sha256, digest, 32);
    rc = Esys_PCR_Extend(tpm->esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                         ESYS_TR_NONE, &values);
    if (rc != TSS2_RC_SUCCESS) {
        ward_tss_fail(err, rc, "TPM2_PCR_Extend");
        return ward_err_prefix(err, "PCR %u", pcr);
    }
    return 0;
}

/* Mark what one PCR_Read answer covered; returns the mask of PCRs it returned. */
static uint32_t take_values(const TPML_PCR_SELECTION *got, const TPML_DIGEST *vals,
                            uint8_t values[WARD_PCR_COUNT][32])
{
    uint32_t done = 0;
    size_t k = 0;
    for (uint32_t s = 0; s < got->count; s++) {
        const TPMS_PCR_SELECTION *ps = &got->pcrSelections[s];
        for (unsigned i = 0; i < WARD_PCR_COUNT && i / 8 < ps->sizeofSelect; i++) {
            if (!(ps->pcrSelect[i / 8] & (1u << (i % 8))))
                continue;
            if (k >= vals->count || ps->hash != TPM2_ALG_SHA256 || vals->digests[k].size != 32)
                return 0;
            memcpy(values[i], vals->digests[k++].buffer, 32);
            done |= 1u << i;
        }
    }
    return done;
}

int ward_tpm_pcr_read(ward_tpm *tpm, uint32_t mask, uint8_t values[WARD_PCR_COUNT][32],
                      ward_err *err)
{
    uint32_t left = mask & WARD_PCR_ALL_MASK;
    /* a TPM returns at most 8 digests per call: ask again for what is left */
    while (left != 0) {
        TPML_PCR_SELECTION sel, *got = NULL;
        TPML_DIGEST *vals = NULL;
        uint32_t done;
        TSS2_RC rc;

        ward_pcr_selection(left, &sel);
        rc = Esys_PCR_Read(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &sel, NULL, &got,
                           &vals);
        if (rc != TSS2_RC_SUCCESS)
            return ward_tss_fail(err, rc, "TPM2_PCR_Read");
        done = take_values(got, vals, values) & left;
        Esys_Free(got);
        Esys_Free(vals);
        if (done == 0)
            return ward_fail(err, "TPM2_PCR_Read: the TPM has no sha256 bank for the selection");
        left &= ~done;
    }
    return 0;
}

int ward_tpm_reset_count(ward_tpm *tpm, uint32_t *reset_count, ward_err *err)
{
    TPMS_TIME_INFO *info = NULL;
    TSS2_RC rc = Esys_ReadClock(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &info);
    if (rc != TSS2_RC_SUCCESS)
        return ward_tss_fail(err, rc, "TPM2_ReadClock");
    *reset_count = info->clockInfo.resetCount;
    Esys_Free(info);
    return 0;
}
