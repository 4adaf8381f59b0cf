/* SPDX-License-Identifier: Apache-2.0 */
/* ward-attest's commands: each maps options onto one library call and prints the result. */
#include "attest/cli.h"
#include "attest/codec.h"
#include "attest/pubkey.h"
#include "attest/quote.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int nonce_arg(const cli_opts *o, const char *cmd, uint8_t **nonce, size_t *len)
{
    ward_err err = {0};
    if (o->nonce == NULL)
        return cli_usage_error(o, "%s: --nonce HEX is required", cmd);
    if (ward_hex_decode(o->nonce, nonce, len, &err) < 0)
        return cli_usage_error(o, "%s: --nonce: %s", cmd, err.msg);
    if (ward_nonce_check(*len, &err) < 0) {
        free(*nonce);
        *nonce = NULL;
        return cli_usage_error(o, "%s: --%s", cmd, err.msg); /* "--nonce: must be ..." */
    }
    return EXIT_OK;
}

/* Write all of buf to path atomically (temp file, fsync, rename): never a partial file. */
static int write_atomic(const char *path, const char *buf, size_t len, ward_err *err)
{
    char tmp[4200];
    int fd;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
        return ward_fail(err, "%s: path too long", path);
    fd = mkstemp(tmp);
    if (fd < 0)
        return ward_fail_errno(err, errno, "create %s", path);
    if (ward_write_all(fd, buf, len) < 0 || fchmod(fd, 0644) < 0 || fsync(fd) < 0 ||
        close(fd) < 0 || rename(tmp, path) < 0) {
        int saved = errno;
        unlink(tmp);
        return ward_fail_errno(err, saved, "write %s", path);
    }
    return 0;
}

int cli_quote(const cli_opts *o, const ward_attest_cfg *cfg)
{
    cleanup_free uint8_t *nonce = NULL;
    cleanup_free char *json = NULL;
    ward_err err = {0};
    uint32_t mask = 0;
    size_t nonce_len, len;
    int r = nonce_arg(o, "quote", &nonce, &nonce_len);

    if (r != EXIT_OK)
        return r;
    if (o->pcrs && ward_pcr_mask_parse(o->pcrs, &mask, &err) < 0)
        return cli_usage_error(o, "quote: --pcrs: %s", err.msg);
    if (ward_attest_quote(cfg, mask, nonce, nonce_len, &json, &len, &err) < 0)
        return cli_error(&err);
    if (o->out == NULL) {
        fwrite(json, 1, len, stdout);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
    }
    if (write_atomic(o->out, json, len, &err) < 0)
        return cli_error(&err);
    return EXIT_OK;
}

static void print_hex(const char *label, const uint8_t *buf, size_t len)
{
    cleanup_free char *hex = NULL;
    ward_err err;
    if (ward_hex_encode(buf, len, &hex, &err) == 0)
        printf("%s%s\n", label, hex);
}

int cli_verify(const cli_opts *o, const ward_attest_cfg *cfg)
{
    cleanup_free uint8_t *nonce = NULL;
    cleanup_free char *text = NULL;
    EVP_PKEY *ak = NULL;
    ward_verified v;
    ward_err err = {0};
    size_t nonce_len, len;
    int r;

    if (o->file == NULL)
        return cli_usage_error(o, "verify: the evidence FILE is required");
    r = nonce_arg(o, "verify", &nonce, &nonce_len);
    if (r != EXIT_OK)
        return r;
    if (o->ak && ward_pubkey_load_pem_file(o->ak, &ak, &err) < 0)
        return cli_usage_error(o, "verify: --ak: %s", err.msg);
    if (spec_read_file(o->file, WARD_EVIDENCE_MAX, &text, &len, &err) < 0) {
        EVP_PKEY_free(ak);
        return cli_error(&err);
    }
    r = ward_evidence_verify(text, nonce, nonce_len, ak, cfg->ca_dir, &v, &err);
    EVP_PKEY_free(ak);
    if (r < 0)
        return cli_error(&err);
    printf("verified: yes\nnode class: %s%s\nclaimed class: %s\n",
           ward_node_class_name(v.node_class), ward_node_class_weak(v.node_class) ? " (weak)" : "",
           ward_node_class_name(v.claimed));
    printf("attestation key: %s\n",
           v.ak_from_evidence ? "from the evidence (not authenticated: pass --ak)" : "given");
    printf("tpm reset count: %u\nevents: %zu\n", v.info.reset_count, v.n_events);
    for (unsigned i = 0; i < WARD_PCR_COUNT; i++) {
        char label[32];
        if (!(v.info.pcr_mask & (1u << i)))
            continue;
        snprintf(label, sizeof(label), "pcr %u: ", i);
        print_hex(label, v.pcrs[i], 32);
    }
    return EXIT_OK;
}

int cli_node(const cli_opts *o, const ward_attest_cfg *cfg)
{
    ward_node_info info;
    ward_err err = {0};
    const ward_node_facts *f = &info.facts;

    if (ward_attest_node(cfg, &info, &err) < 0)
        return cli_error(&err);
    printf("class: %s%s\ntcti: %s\n", ward_node_class_name(info.node_class),
           ward_node_class_weak(info.node_class) ? " (weak)" : "", cfg->tcti);
    if (info.node_class != WARD_NODE_NONE)
        printf("ek certificate: %s\n",
               !f->ek_cert_present      ? "none"
               : cfg->ca_dir == NULL    ? "present (no tpm.ca_dir to check it against)"
               : !f->ek_cert_chains     ? "present, does not chain to tpm.ca_dir"
               : !f->ek_cert_matches_ek ? "chains to tpm.ca_dir but does not certify this TPM's EK"
                                        : "chains to tpm.ca_dir, certifies this TPM's EK");
    if (info.ak_pem)
        printf("attestation key:\n%s", info.ak_pem);
    if (info.ek_pem)
        printf("endorsement key:\n%s", info.ek_pem);
    if (info.ek_cert_pem)
        printf("endorsement key certificate:\n%s", info.ek_cert_pem);
    ward_node_info_free(&info);
    return EXIT_OK;
}

static int print_replay(const ward_evlog *log)
{
    size_t from = log->n ? ward_evlog_since_reset(log, log->ev[log->n - 1].reset_count) : 0;
    uint32_t pcrs = 0;
    ward_err err = {0};

    for (size_t i = from; i < log->n; i++)
        pcrs |= 1u << log->ev[i].pcr;
    for (unsigned p = 0; p < WARD_PCR_COUNT; p++) {
        uint8_t value[32];
        size_t count;
        char label[64];
        if (!(pcrs & (1u << p)))
            continue;
        if (ward_evlog_replay(log, from, p, value, &count, &err) < 0)
            return cli_error(&err);
        snprintf(label, sizeof(label), "pcr %u (%zu events, reset %u): ", p, count,
                 log->ev[log->n - 1].reset_count);
        print_hex(label, value, 32);
    }
    return EXIT_OK;
}

int cli_log(const cli_opts *o, const ward_attest_cfg *cfg)
{
    ward_evlog_file f;
    ward_evlog log;
    ward_err err = {0};
    int r = EXIT_OK;

    if (ward_evlog_open(cfg->log_path, false, &f, &log, &err) < 0)
        return cli_error(&err);
    ward_evlog_close(&f, cfg->log_path, false); /* parsed and checked: the lock is not needed */
    if (o->replay) {
        r = print_replay(&log);
    } else {
        for (size_t i = 0; i < log.n && r == EXIT_OK; i++) {
            cleanup_free char *line = NULL;
            size_t len;
            if (ward_event_to_line(&log.ev[i], &line, &len, &err) < 0)
                r = cli_error(&err);
            else
                printf("%s\n", line);
        }
    }
    ward_evlog_free(&log);
    return r;
}

int cli_measure(const cli_opts *o, const ward_attest_cfg *cfg)
{
    cleanup_free char *line = NULL;
    ward_event ev;
    ward_err err = {0};
    size_t len;

    if (o->type == NULL || o->data == NULL)
        return cli_usage_error(o, "measure: --type TYPE and --data JSON are required");
    if (ward_attest_measure(cfg, o->type, o->data, &ev, &err) < 0)
        return cli_error(&err);
    if (ward_event_to_line(&ev, &line, &len, &err) == 0)
        printf("%s\n", line);
    ward_event_free(&ev);
    return EXIT_OK;
}
