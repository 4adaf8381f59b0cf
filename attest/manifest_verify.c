/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verifying a result manifest: every check runs that can, and each failure has its own message
 * (envelope, statement, signature, signer, outputs, evidence).
 */
#include "attest/codec.h"
#include "attest/dsse.h"
#include "attest/manifest.h"
#include "attest/outputs.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const CHECK_NAMES[WARD_CHECK_COUNT] = {"envelope", "statement", "signature",
                                                          "signer",   "outputs",   "evidence"};

const char *ward_check_name(ward_check_id id)
{
    return id < WARD_CHECK_COUNT ? CHECK_NAMES[id] : "?";
}

static void set(ward_manifest_report *r, ward_check_id id, ward_check_status st, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));
static void set(ward_manifest_report *r, ward_check_id id, ward_check_status st, const char *fmt,
                ...)
{
    va_list ap;
    r->checks[id].status = st;
    va_start(ap, fmt);
    vsnprintf(r->checks[id].detail, sizeof(r->checks[id].detail), fmt, ap);
    va_end(ap);
}

static const char *EVIDENCE_KEY = "\"evidence\":\"";

int ward_manifest_nonce(const uint8_t *payload, size_t len, uint8_t nonce[32], char **evidence_b64,
                        ward_err *err)
{
    const char *p = (const char *)payload, *end = p + len, *at = NULL, *close_q;
    size_t klen = strlen(EVIDENCE_KEY);
    cleanup_free char *blank = NULL;

    for (const char *s = p; (s = memmem(s, (size_t)(end - s), EVIDENCE_KEY, klen)) != NULL;
         s += klen) {
        if (at != NULL)
            return ward_fail(err, "payload: \"evidence\" occurs more than once");
        at = s;
    }
    if (at == NULL)
        return ward_fail(err, "payload: no \"evidence\" string member");
    at += klen;
    close_q = memchr(at, '"', (size_t)(end - at));
    if (close_q == NULL)
        return ward_fail(err, "payload: unterminated evidence string");
    for (const char *c = at; c < close_q; c++)
        if (*c == '\\')
            return ward_fail(err, "payload: evidence must be plain base64");
    blank = malloc(len);
    if (blank == NULL)
        return ward_fail_errno(err, ENOMEM, "nonce");
    memcpy(blank, p, (size_t)(at - p));
    memcpy(blank + (at - p), close_q, (size_t)(end - close_q));
    if (ward_sha256(blank, len - (size_t)(close_q - at), nonce, err) < 0)
        return -1;
    if (evidence_b64 && (*evidence_b64 = strndup(at, (size_t)(close_q - at))) == NULL)
        return ward_fail_errno(err, ENOMEM, "nonce");
    return 0;
}

/* What the statement says, for the checks after it. */
typedef struct statement {
    jnode *root;
    const jnode *subjects;
    const jnode *predicate;
    ward_node_pub declared; /* predicate.node.public_key */
    ward_node_class claimed;
    const char *fingerprint;
} statement;

static const char *str_at(const jnode *obj, const char *key)
{
    const jnode *n = obj ? json_get(obj, key) : NULL;
    return n && n->type == JT_STRING ? n->u.s : NULL;
}

static int check_subjects(const jnode *subjects, ward_err *err)
{
    if (subjects == NULL || subjects->type != JT_ARRAY)
        return ward_fail(err, "subject: must be an array");
    for (size_t i = 0; i < subjects->len; i++) {
        const jnode *s = subjects->u.items[i];
        const jnode *d = s->type == JT_OBJECT ? json_get(s, "digest") : NULL;
        const char *sha = str_at(d, "sha256");
        uint8_t buf[32];
        ward_err e2;
        if (str_at(s, "name") == NULL || sha == NULL || strlen(sha) != 64 ||
            ward_hex_decode_exact(sha, buf, 32, &e2) < 0)
            return ward_fail(err, "subject[%zu]: needs a name and a sha256 digest of 64 hex digits",
                             i);
    }
    return 0;
}

static int parse_statement(const ward_dsse *e, statement *st, ward_manifest_report *r,
                           ward_err *err)
{
    const jnode *node;
    const char *pk, *cls;

    if (json_parse((const char *)e->payload, e->payload_len, &st->root, err) < 0)
        return ward_err_prefix(err, "payload is not JSON");
    if (st->root->type != JT_OBJECT)
        return ward_fail(err, "payload: must be a JSON object");
    if (str_at(st->root, "_type") == NULL || strcmp(str_at(st->root, "_type"), WARD_STATEMENT_TYPE))
        return ward_fail(err, "_type: must be %s", WARD_STATEMENT_TYPE);
    if (str_at(st->root, "predicateType") == NULL ||
        strcmp(str_at(st->root, "predicateType"), WARD_PREDICATE_TYPE))
        return ward_fail(err, "predicateType: must be %s", WARD_PREDICATE_TYPE);
    st->subjects = json_get(st->root, "subject");
    if (check_subjects(st->subjects, err) < 0)
        return -1;
    r->n_subjects = st->subjects->len;
    st->predicate = json_get(st->root, "predicate");
    if (st->predicate == NULL || st->predicate->type != JT_OBJECT)
        return ward_fail(err, "predicate: must be an object");
    snprintf(r->container_id, sizeof(r->container_id), "%s",
             str_at(json_get(st->predicate, "container"), "id")
                 ? str_at(json_get(st->predicate, "container"), "id")
                 : "");
    node = json_get(st->predicate, "node");
    pk = str_at(node, "public_key");
    cls = str_at(node, "class");
    st->fingerprint = str_at(node, "fingerprint");
    if (pk == NULL || ward_node_pub_from_hex(pk, &st->declared, err) < 0)
        return ward_err_prefix(err, "predicate.node.public_key");
    if (cls == NULL || ward_node_class_parse(cls, &st->claimed) < 0)
        return ward_fail(err, "predicate.node.class: must be tpm, vtpm or none");
    r->claimed = st->claimed;
    return 0;
}

static bool same_key(const ward_node_pub *a, const ward_node_pub *b)
{
    return memcmp(a->uncompressed, b->uncompressed, 65) == 0;
}

static void check_signature(const ward_dsse *e, const statement *st, ward_manifest_report *r)
{
    cleanup_free uint8_t *pae = NULL;
    cleanup_free char *fp = NULL;
    uint8_t digest[32];
    size_t pae_len;
    ward_err err = {0};
    bool rsv_ok, der_ok;

    if (ward_dsse_pae(e->payload_type, e->payload, e->payload_len, &pae, &pae_len, &err) < 0 ||
        ward_sha256(pae, pae_len, digest, &err) < 0)
        return set(r, WARD_CHECK_SIGNATURE, WARD_CHECK_FAIL, "%s", err.msg);
    rsv_ok = ward_sig_recover(e->sig.rsv, digest, &r->signer, &err) == 0;
    r->have_signer = rsv_ok;
    if (st == NULL) /* no statement: only the recovered key can be reported */
        return set(r, WARD_CHECK_SIGNATURE, WARD_CHECK_FAIL,
                   "cannot be matched to a node key: the payload is not a ward statement");
    rsv_ok = rsv_ok && same_key(&r->signer, &st->declared);
    der_ok = ward_sig_der_verifies(e->sig.der, e->sig.der_len, digest, &st->declared);
    if (!rsv_ok && !der_ok)
        return set(r, WARD_CHECK_SIGNATURE, WARD_CHECK_FAIL,
                   "the payload was altered after signing: neither the recoverable signature nor "
                   "the DER signature verifies over it with the node key it names");
    if (!rsv_ok)
        return set(r, WARD_CHECK_SIGNATURE, WARD_CHECK_FAIL,
                   "sig (r||s||v) was altered: it does not recover the node key, while the DER "
                   "signature verifies");
    if (!der_ok || !ward_sig_der_matches(e->sig.rsv, e->sig.der, e->sig.der_len))
        return set(r, WARD_CHECK_SIGNATURE, WARD_CHECK_FAIL,
                   "der was altered: it is not the DER form of the verified r||s||v signature");
    if (ward_hex_encode(r->signer.fingerprint, 32, &fp, &err) < 0)
        return set(r, WARD_CHECK_SIGNATURE, WARD_CHECK_FAIL, "%s", err.msg);
    if (strcmp(fp, e->keyid) != 0)
        return set(r, WARD_CHECK_SIGNATURE, WARD_CHECK_FAIL,
                   "keyid %s is not the signing key's fingerprint %s", e->keyid, fp);
    if (st->fingerprint == NULL || strcmp(st->fingerprint, fp) != 0)
        return set(r, WARD_CHECK_SIGNATURE, WARD_CHECK_FAIL,
                   "predicate.node.fingerprint is not the signing key's fingerprint %s", fp);
    set(r, WARD_CHECK_SIGNATURE, WARD_CHECK_PASS, "recoverable ECDSA by node key %s", fp);
}

static void check_signer(const ward_manifest_opts *o, ward_manifest_report *r)
{
    char want[43], got[43];
    if (o->pubkey == NULL && o->address == NULL)
        return set(r, WARD_CHECK_SIGNER, WARD_CHECK_SKIP, "no --pubkey or --address given");
    if (!r->have_signer || r->checks[WARD_CHECK_SIGNATURE].status != WARD_CHECK_PASS)
        return set(r, WARD_CHECK_SIGNER, WARD_CHECK_FAIL, "no valid signature to compare");
    if (o->pubkey && !same_key(o->pubkey, &r->signer))
        return set(r, WARD_CHECK_SIGNER, WARD_CHECK_FAIL,
                   "signed by another key than the --pubkey given (a different node)");
    if (o->address && memcmp(o->address, r->signer.address, 20) != 0) {
        ward_address_format(o->address, want);
        ward_address_format(r->signer.address, got);
        return set(r, WARD_CHECK_SIGNER, WARD_CHECK_FAIL,
                   "signed by address %s, not the --address %s given", got, want);
    }
    set(r, WARD_CHECK_SIGNER, WARD_CHECK_PASS, "the key the caller expects");
}

static const char *base_name(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    return path + n;
}

static int hash_given(const ward_manifest_opts *o, ward_outputs *got, ward_err *err)
{
    for (size_t i = 0; i < o->n_outputs; i++) {
        char name[256];
        const char *b = base_name(o->outputs[i]);
        size_t n = strcspn(b, "/");
        cleanup_close int fd = open(o->outputs[i], O_PATH | O_CLOEXEC);
        if (fd < 0)
            return ward_fail_errno(err, errno, "%s", o->outputs[i]);
        snprintf(name, sizeof(name), "%.*s", (int)n, b);
        if (ward_outputs_add(fd, name, 0, got, err) < 0)
            return -1;
    }
    return ward_outputs_sort(got, err);
}

/* Subjects and files side by side (both sorted by name): first difference wins. */
static void compare_outputs(const jnode *subjects, const ward_outputs *got, ward_manifest_report *r)
{
    size_t i = 0, j = 0;
    while (i < subjects->len || j < got->n) {
        const jnode *s = i < subjects->len ? subjects->u.items[i] : NULL;
        const char *sname = s ? str_at(s, "name") : NULL;
        int c = !s ? 1 : j >= got->n ? -1 : strcmp(sname, got->v[j].name);
        char hex[65];
        if (c < 0)
            return set(r, WARD_CHECK_OUTPUTS, WARD_CHECK_FAIL,
                       "%s: in the manifest but missing from the outputs", sname);
        if (c > 0)
            return set(r, WARD_CHECK_OUTPUTS, WARD_CHECK_FAIL,
                       "%s: in the outputs but not in the manifest", got->v[j].name);
        for (int k = 0; k < 32; k++)
            snprintf(hex + 2 * k, 3, "%02x", got->v[j].sha256[k]);
        if (strcmp(hex, str_at(json_get(s, "digest"), "sha256")) != 0)
            return set(r, WARD_CHECK_OUTPUTS, WARD_CHECK_FAIL,
                       "%s: SHA-256 %s differs from the manifest's (the file was changed)", sname,
                       hex);
        i++;
        j++;
    }
    set(r, WARD_CHECK_OUTPUTS, WARD_CHECK_PASS, "%zu files match", got->n);
}

static void check_outputs(const ward_manifest_opts *o, const statement *st, ward_manifest_report *r)
{
    ward_outputs got = {0};
    ward_err err = {0};
    if (o->n_outputs == 0)
        return set(r, WARD_CHECK_OUTPUTS, WARD_CHECK_SKIP, "no --outputs given");
    if (st == NULL)
        return set(r, WARD_CHECK_OUTPUTS, WARD_CHECK_FAIL, "no statement to compare with");
    if (hash_given(o, &got, &err) < 0)
        set(r, WARD_CHECK_OUTPUTS, WARD_CHECK_FAIL, "%s", err.msg);
    else
        compare_outputs(st->subjects, &got, r);
    ward_outputs_free(&got);
}

static void check_evidence(const ward_dsse *e, const statement *st, const ward_manifest_opts *o,
                           ward_manifest_report *r)
{
    cleanup_free char *b64 = NULL;
    cleanup_free uint8_t *doc = NULL;
    cleanup_free char *text = NULL;
    ward_verified v;
    ward_err err = {0};
    size_t len;

    r->proven = WARD_NODE_NONE;
    if (st == NULL)
        return set(r, WARD_CHECK_EVIDENCE, WARD_CHECK_FAIL, "no statement");
    if (ward_manifest_nonce(e->payload, e->payload_len, r->nonce, &b64, &err) < 0)
        return set(r, WARD_CHECK_EVIDENCE, WARD_CHECK_FAIL, "nonce rule: %s", err.msg);
    r->have_nonce = true;
    if (b64[0] == '\0') {
        if (st->claimed != WARD_NODE_NONE)
            return set(r, WARD_CHECK_EVIDENCE, WARD_CHECK_FAIL,
                       "the node claims class %s but the manifest holds no TPM evidence",
                       ward_node_class_name(st->claimed));
        return set(r, WARD_CHECK_EVIDENCE, WARD_CHECK_SKIP,
                   "node class none: no TPM evidence (weak node)");
    }
    if (ward_b64_decode(b64, &doc, &len, &err) < 0 || (text = strndup((char *)doc, len)) == NULL ||
        strlen(text) != len)
        return set(r, WARD_CHECK_EVIDENCE, WARD_CHECK_FAIL, "evidence: not base64 of a document");
    if (ward_evidence_verify(text, r->nonce, sizeof(r->nonce), o->ak, o->ca_dir, &v, &err) < 0)
        return set(r, WARD_CHECK_EVIDENCE, WARD_CHECK_FAIL, "%s%s", err.msg,
                   strstr(err.msg, "nonce") ? " (the quote was not made for this payload)" : "");
    r->proven = v.node_class;
    if (v.node_class > st->claimed)
        r->proven = st->claimed;
    set(r, WARD_CHECK_EVIDENCE, WARD_CHECK_PASS,
        "TPM quote over this payload's nonce, %zu events replay to the quoted PCRs, attestation "
        "key %s",
        v.n_events, v.ak_from_evidence ? "taken from the evidence (pass --ak to pin it)" : "given");
}

int ward_manifest_verify(const char *json, size_t len, const ward_manifest_opts *o,
                         ward_manifest_report *r, ward_err *err)
{
    ward_dsse e;
    statement st = {0};
    ward_err e2 = {0};
    bool have_st;

    (void)err;
    memset(r, 0, sizeof(*r));
    for (int i = 0; i < WARD_CHECK_COUNT; i++)
        set(r, (ward_check_id)i, WARD_CHECK_SKIP, "not reached");
    if (ward_dsse_parse(json, len, &e, &e2) < 0) {
        set(r, WARD_CHECK_ENVELOPE, WARD_CHECK_FAIL, "%s", e2.msg);
        r->ok = false;
        return 0;
    }
    set(r, WARD_CHECK_ENVELOPE, WARD_CHECK_PASS, "DSSE, %s, %zu payload bytes", e.payload_type,
        e.payload_len);
    have_st = parse_statement(&e, &st, r, &e2) == 0;
    if (have_st)
        set(r, WARD_CHECK_STATEMENT, WARD_CHECK_PASS, "in-toto Statement v1, %zu subjects",
            r->n_subjects);
    else
        set(r, WARD_CHECK_STATEMENT, WARD_CHECK_FAIL, "%s", e2.msg);
    check_signature(&e, have_st ? &st : NULL, r);
    check_signer(o, r);
    check_outputs(o, have_st ? &st : NULL, r);
    check_evidence(&e, have_st ? &st : NULL, o, r);
    r->weak = ward_node_class_weak(r->proven);
    r->ok = true;
    for (int i = 0; i < WARD_CHECK_COUNT; i++)
        if (r->checks[i].status == WARD_CHECK_FAIL)
            r->ok = false;
    json_free(st.root);
    ward_dsse_free(&e);
    return 0;
}
