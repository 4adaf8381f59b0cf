/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GPG simple signing with gpgme. Each check gets a fresh GNUPGHOME holding only the policy's
 * keys (never the user's keyring), removed afterwards. gpgme hands out the plaintext even for an
 * expired or unknown key, so the status and the signer's fingerprint are checked first and the
 * payload is given to the caller only after both passed.
 */
#include "attest/imgsig.h"
#include "attest/unpack_fs.h"
#include "spec/base/cleanup.h"
#include "spec/parse.h"
#include "spec/base/file.h"

#include <errno.h>
#include <gpgme.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GPG_MAX_KEYS 64

typedef struct trusted {
    char fpr[GPG_MAX_KEYS][64];
    size_t n;
} trusted;

static void remove_home(char *home)
{
    unpack_remove_tree(home);
    home[0] = '\0';
}

static int import(gpgme_ctx_t ctx, const char *name, const void *buf, size_t len, trusted *t,
                  ward_err *err)
{
    gpgme_data_t data;
    gpgme_import_result_t res;
    gpgme_error_t e = gpgme_data_new_from_mem(&data, buf, len, 0);
    if (e)
        return ward_fail(err, "%s: %s", name, gpgme_strerror(e));
    e = gpgme_op_import(ctx, data);
    gpgme_data_release(data);
    if (e)
        return ward_fail(err, "importing %s: %s", name, gpgme_strerror(e));
    res = gpgme_op_import_result(ctx);
    if (res == NULL || res->considered == 0 || res->not_imported > 0)
        return ward_fail(err, "importing %s: not a usable OpenPGP public key ring", name);
    for (gpgme_import_status_t s = res->imports; s; s = s->next) {
        if (s->result || s->fpr == NULL)
            continue;
        if (t->n == GPG_MAX_KEYS)
            return ward_fail(err, "%s: more than %d keys", name, GPG_MAX_KEYS);
        snprintf(t->fpr[t->n++], sizeof(t->fpr[0]), "%s", s->fpr);
    }
    if (t->n == 0)
        return ward_fail(err, "importing %s: no key imported", name);
    return 0;
}

static int import_keys(gpgme_ctx_t ctx, const pol_req *req, trusted *t, ward_err *err)
{
    for (size_t i = 0; i < req->n_key_paths; i++) {
        cleanup_free char *text = NULL;
        size_t len;
        if (spec_read_file(req->key_paths[i], SIG_MAX_BYTES, &text, &len, err) < 0 ||
            import(ctx, req->key_paths[i], text, len, t, err) < 0)
            return -1;
    }
    if (req->key_data != NULL &&
        import(ctx, "keyData", req->key_data, req->key_data_len, t, err) < 0)
        return -1;
    return 0;
}

static bool is_trusted(const trusted *t, const char *fpr)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcasecmp(t->fpr[i], fpr) == 0)
            return true;
    return false;
}

static int verify(gpgme_ctx_t ctx, const img_sig *s, const trusted *t, uint8_t **payload,
                  size_t *payload_len, char *fpr, size_t fpr_len, ward_err *err)
{
    gpgme_data_t sig = NULL, out = NULL;
    gpgme_verify_result_t res;
    gpgme_signature_t one;
    gpgme_error_t e;
    int rc = -1;

    if ((e = gpgme_data_new_from_mem(&sig, (const char *)s->gpg, s->gpg_len, 0)) ||
        (e = gpgme_data_new(&out))) {
        ward_fail(err, "gpgme: %s", gpgme_strerror(e));
        goto done;
    }
    e = gpgme_op_verify(ctx, sig, NULL, out);
    if (e) {
        ward_fail(err, "not a valid OpenPGP signed message: %s", gpgme_strerror(e));
        goto done;
    }
    res = gpgme_op_verify_result(ctx);
    if (res == NULL || res->signatures == NULL || res->signatures->next != NULL) {
        ward_fail(err, "the message must carry exactly one signature");
        goto done;
    }
    one = res->signatures;
    snprintf(fpr, fpr_len, "%s", one->fpr ? one->fpr : "");
    if (gpgme_err_code(one->status) != GPG_ERR_NO_ERROR) {
        ward_fail(err, "GPG signature by %s: %s", one->fpr ? one->fpr : "unknown key",
                  gpgme_strerror(one->status));
        goto done;
    }
    if (one->wrong_key_usage || one->validity == GPGME_VALIDITY_NEVER ||
        (one->summary & (GPGME_SIGSUM_KEY_EXPIRED | GPGME_SIGSUM_SIG_EXPIRED |
                         GPGME_SIGSUM_KEY_REVOKED | GPGME_SIGSUM_KEY_MISSING | GPGME_SIGSUM_RED))) {
        ward_fail(err, "GPG signature by %s is not valid (summary 0x%x)", fpr, one->summary);
        goto done;
    }
    if (!is_trusted(t, fpr)) {
        ward_fail(err, "signed by %s, which is not one of the policy's keys", fpr);
        goto done;
    }
    {
        size_t len;
        char *buf = gpgme_data_release_and_get_mem(out, &len);
        out = NULL;
        if (buf == NULL) {
            ward_fail(err, "GPG signature without a payload");
            goto done;
        }
        *payload = malloc(len ? len : 1);
        if (*payload == NULL) {
            gpgme_free(buf);
            ward_fail_errno(err, ENOMEM, "payload");
            goto done;
        }
        memcpy(*payload, buf, len);
        *payload_len = len;
        gpgme_free(buf);
    }
    rc = 0;
done:
    gpgme_data_release(sig);
    gpgme_data_release(out);
    return rc;
}

int sig_gpg_verify(const pol_req *req, const img_sig *s, uint8_t **payload, size_t *payload_len,
                   char *fpr, size_t fpr_len, ward_err *err)
{
    char home[] = "/tmp/ward-gpg-XXXXXX";
    gpgme_ctx_t ctx = NULL;
    gpgme_error_t e;
    trusted t = {.n = 0};
    int rc = -1;

    fpr[0] = '\0';
    gpgme_check_version(NULL);
    if (mkdtemp(home) == NULL)
        return ward_fail_errno(err, errno, "GNUPGHOME");
    if ((e = gpgme_new(&ctx)) ||
        (e = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL, home)) ||
        (e = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP))) {
        ward_fail(err, "gpgme: %s", gpgme_strerror(e));
        goto out;
    }
    gpgme_set_offline(ctx, 1);
    if (import_keys(ctx, req, &t, err) < 0)
        goto out;
    rc = verify(ctx, s, &t, payload, payload_len, fpr, fpr_len, err);
out:
    gpgme_release(ctx);
    remove_home(home);
    return rc;
}
