/* SPDX-License-Identifier: Apache-2.0 */
/* DSSE: PAE, signing, and reading an envelope back. */
#include "attest/codec.h"
#include "attest/dsse.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ward_dsse_pae(const char *type, const uint8_t *body, size_t len, uint8_t **out, size_t *out_len,
                  ward_err *err)
{
    char head[128];
    size_t tl = strlen(type);
    int hl = snprintf(head, sizeof(head), "DSSEv1 %zu %s %zu ", tl, type, len);
    uint8_t *buf;

    if (hl < 0 || (size_t)hl >= sizeof(head))
        return ward_fail(err, "dsse: payload type too long");
    buf = malloc((size_t)hl + len + 1);
    if (buf == NULL)
        return ward_fail_errno(err, ENOMEM, "dsse");
    memcpy(buf, head, (size_t)hl);
    if (len)
        memcpy(buf + hl, body, len);
    *out = buf;
    *out_len = (size_t)hl + len;
    return 0;
}

int ward_dsse_sign(const char *key_path, const uint8_t *payload, size_t len, char **json,
                   size_t *json_len, ward_err *err)
{
    cleanup_free uint8_t *pae = NULL;
    cleanup_free char *b64 = NULL, *sig_hex = NULL, *der_hex = NULL, *fp = NULL, *text = NULL;
    uint8_t digest[32];
    ward_node_pub pub;
    ward_sig sig;
    jwriter w;
    size_t pae_len, n;

    if (ward_dsse_pae(WARD_DSSE_INTOTO, payload, len, &pae, &pae_len, err) < 0 ||
        ward_sha256(pae, pae_len, digest, err) < 0 ||
        ward_nodekey_sign(key_path, true, digest, &sig, &pub, err) < 0 ||
        ward_b64_encode(payload, len, &b64, err) < 0 ||
        ward_hex_encode(sig.rsv, sizeof(sig.rsv), &sig_hex, err) < 0 ||
        ward_hex_encode(sig.der, sig.der_len, &der_hex, err) < 0 ||
        ward_hex_encode(pub.fingerprint, 32, &fp, err) < 0)
        return -1;
    if (jw_init(&w, true, err) < 0)
        return -1;
    jw_open(&w);
    jw_kstr(&w, "payloadType", WARD_DSSE_INTOTO);
    jw_kstr(&w, "payload", b64);
    jw_key(&w, "signatures");
    jw_open_array(&w);
    jw_open(&w);
    jw_kstr(&w, "keyid", fp);
    jw_kstr(&w, "sig", sig_hex);
    jw_kstr(&w, "der", der_hex);
    jw_close(&w);
    jw_close_array(&w);
    jw_close(&w);
    if (jw_finish(&w, &text, &n, err) < 0)
        return -1;
    if (n == 0 || text[n - 1] != '\n') {
        char *grown = realloc(text, n + 2);
        if (grown == NULL)
            return ward_fail_errno(err, ENOMEM, "dsse");
        text = grown;
        text[n++] = '\n';
        text[n] = '\0';
    }
    *json = steal_ptr(text);
    *json_len = n;
    return 0;
}

static int bad(ward_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(ward_err *err, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err->msg, sizeof(err->msg), "envelope: ");
    va_start(ap, fmt);
    vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
    va_end(ap);
    err->errnum = EBADMSG;
    return -1;
}

static const char *str_of(const jnode *obj, const char *key)
{
    const jnode *n = json_get(obj, key);
    return n && n->type == JT_STRING ? n->u.s : NULL;
}

static int only_keys(const jnode *obj, const char *const *keys, const char *what, ward_err *err)
{
    for (size_t i = 0; i < obj->len; i++) {
        size_t k = 0;
        while (keys[k] && strcmp(keys[k], obj->u.members[i].key) != 0)
            k++;
        if (keys[k] == NULL)
            return bad(err, "%sunknown field \"%s\"", what, obj->u.members[i].key);
    }
    return 0;
}

static int parse_sig(const jnode *s, ward_dsse *e, ward_err *err)
{
    static const char *const keys[] = {"keyid", "sig", "der", NULL};
    cleanup_free uint8_t *der = NULL;
    const char *keyid, *sig, *der_hex;
    size_t der_len;
    ward_err e2;

    if (s->type != JT_OBJECT)
        return bad(err, "signatures[0]: must be an object");
    if (only_keys(s, keys, "signatures[0]: ", err) < 0)
        return -1;
    keyid = str_of(s, "keyid");
    sig = str_of(s, "sig");
    der_hex = str_of(s, "der");
    if (keyid == NULL || sig == NULL || der_hex == NULL)
        return bad(err, "signatures[0]: keyid, sig and der are required strings");
    if (strlen(sig) != 2 * WARD_SIG_LEN ||
        ward_hex_decode_exact(sig, e->sig.rsv, WARD_SIG_LEN, &e2) < 0)
        return bad(err, "signatures[0].sig: must be 65 bytes r||s||v in hex");
    if (ward_hex_decode(der_hex, &der, &der_len, &e2) < 0 || der_len > WARD_DER_MAX)
        return bad(err, "signatures[0].der: must be a DER signature in hex");
    memcpy(e->sig.der, der, der_len);
    e->sig.der_len = der_len;
    e->keyid = strdup(keyid);
    return e->keyid ? 0 : ward_fail_errno(err, ENOMEM, "envelope");
}

static int parse_tree(const jnode *root, ward_dsse *e, ward_err *err)
{
    static const char *const keys[] = {"payloadType", "payload", "signatures", NULL};
    const jnode *sigs;
    const char *type, *payload;
    ward_err e2;

    if (root->type != JT_OBJECT)
        return bad(err, "must be a JSON object");
    if (only_keys(root, keys, "", err) < 0)
        return -1;
    type = str_of(root, "payloadType");
    payload = str_of(root, "payload");
    sigs = json_get(root, "signatures");
    if (type == NULL || strcmp(type, WARD_DSSE_INTOTO) != 0)
        return bad(err, "payloadType: must be \"%s\"", WARD_DSSE_INTOTO);
    if (payload == NULL || ward_b64_decode(payload, &e->payload, &e->payload_len, &e2) < 0)
        return bad(err, "payload: must be base64");
    if (sigs == NULL || sigs->type != JT_ARRAY || sigs->len != 1)
        return bad(err, "signatures: must hold exactly one signature");
    e->payload_type = strdup(type);
    if (e->payload_type == NULL)
        return ward_fail_errno(err, ENOMEM, "envelope");
    return parse_sig(sigs->u.items[0], e, err);
}

int ward_dsse_parse(const char *json, size_t len, ward_dsse *e, ward_err *err)
{
    cleanup_json jnode *root = NULL;
    memset(e, 0, sizeof(*e));
    if (json_parse(json, len, &root, err) < 0) {
        err->errnum = EBADMSG;
        return ward_err_prefix(err, "envelope: not valid JSON");
    }
    if (parse_tree(root, e, err) < 0) {
        ward_dsse_free(e);
        return -1;
    }
    return 0;
}

void ward_dsse_free(ward_dsse *e)
{
    free(e->payload_type);
    free(e->payload);
    free(e->keyid);
    memset(e, 0, sizeof(*e));
}
