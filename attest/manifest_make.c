/* SPDX-License-Identifier: Apache-2.0 */
/* Making a result manifest: run record + outputs + node key + TPM evidence -> signed envelope. */
#include "attest/codec.h"
#include "attest/dsse.h"
#include "attest/manifest.h"
#include "spec/base/file.h"
#include "attest/outputs.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"
#include "spec/parse.h"

#include <errno.h>
#include <string.h>

/* The predicate members copied from the run record, in the order they are written. */
static const char *const RUN_MEMBERS[] = {"image", "process",   "started",    "ended",
                                          "exit",  "resources", "protections"};
#define N_RUN_MEMBERS (sizeof(RUN_MEMBERS) / sizeof(RUN_MEMBERS[0]))

typedef struct facts {
    const jnode *run;
    const char *id;
    char config_sha256[65];
    const char *image_digest; /* may be NULL */
    ward_outputs outputs;
    ward_node_pub pub;
    ward_node_class node_class;
} facts;

static void hex32(const uint8_t in[32], char out[65])
{
    static const char d[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[64] = '\0';
}

static void emit_subjects(jwriter *w, const ward_outputs *o)
{
    char hex[65];
    jw_key(w, "subject");
    jw_open_array(w);
    for (size_t i = 0; i < o->n; i++) {
        jw_open(w);
        jw_kstr(w, "name", o->v[i].name);
        jw_key(w, "digest");
        jw_open(w);
        hex32(o->v[i].sha256, hex);
        jw_kstr(w, "sha256", hex);
        jw_close(w);
        if (o->v[i].link_target) {
            jw_key(w, "annotations");
            jw_open(w);
            jw_kstr(w, "symlink", o->v[i].link_target);
            jw_close(w);
        }
        jw_close(w);
    }
    jw_close_array(w);
}

static void emit_node(jwriter *w, const facts *f)
{
    char hex[67], fp[65], addr[43];
    for (int i = 0; i < 33; i++)
        snprintf(hex + 2 * i, 3, "%02x", f->pub.compressed[i]);
    hex32(f->pub.fingerprint, fp);
    ward_address_format(f->pub.address, addr);
    jw_key(w, "node");
    jw_open(w);
    jw_kstr(w, "public_key", hex);
    jw_kstr(w, "fingerprint", fp);
    jw_kstr(w, "address", addr);
    jw_kstr(w, "class", ward_node_class_name(f->node_class));
    jw_kbool(w, "weak", ward_node_class_weak(f->node_class));
    jw_close(w);
}

/* The payload (compact JSON); evidence_b64 "" for the nonce computation and for class none. */
static int payload(const facts *f, const char *evidence_b64, char **out, size_t *len, ward_err *err)
{
    jwriter w;
    if (jw_init(&w, false, err) < 0)
        return -1;
    jw_open(&w);
    jw_kstr(&w, "_type", WARD_STATEMENT_TYPE);
    emit_subjects(&w, &f->outputs);
    jw_kstr(&w, "predicateType", WARD_PREDICATE_TYPE);
    jw_key(&w, "predicate");
    jw_open(&w);
    jw_key(&w, "container");
    jw_open(&w);
    jw_kstr(&w, "id", f->id);
    jw_kstr(&w, "config_sha256", f->config_sha256);
    jw_close(&w);
    jw_kstr(&w, "ward_version", PACKAGE_VERSION);
    for (size_t i = 0; i < N_RUN_MEMBERS; i++) {
        const jnode *n = json_get(f->run, RUN_MEMBERS[i]);
        if (n == NULL)
            continue;
        jw_key(&w, RUN_MEMBERS[i]);
        jw_node(&w, n);
    }
    emit_node(&w, f);
    jw_kstr(&w, "evidence", evidence_b64); /* last: the nonce rule relies on it being unique */
    jw_close(&w);
    jw_close(&w);
    return jw_finish(&w, out, len, err);
}

static int read_run(const ward_result_req *req, jnode **root, facts *f, ward_err *err)
{
    const jnode *id, *config, *image, *digest;
    cleanup_free char *text = NULL;
    uint8_t sum[32];
    size_t len;

    if (json_parse(req->run_json, req->run_len, root, err) < 0)
        return ward_err_prefix(err, "run record");
    if ((*root)->type != JT_OBJECT)
        return ward_fail(err, "run record: must be a JSON object");
    f->run = *root;
    id = json_get(*root, "id");
    config = json_get(*root, "config");
    if (id == NULL || id->type != JT_STRING || config == NULL || config->type != JT_STRING)
        return ward_fail(err, "run record: id and config are required strings");
    f->id = id->u.s;
    image = json_get(*root, "image");
    digest = image ? json_get(image, "digest") : NULL;
    f->image_digest = digest && digest->type == JT_STRING ? digest->u.s : NULL;
    if (spec_read_file(config->u.s, (size_t)16 << 20, &text, &len, err) < 0 ||
        ward_sha256(text, len, sum, err) < 0)
        return ward_err_prefix(err, "bundle config");
    hex32(sum, f->config_sha256);
    return 0;
}

static int node_class(const ward_attest_cfg *cfg, ward_node_class *out, ward_err *err)
{
    ward_tcti_kind kind;
    ward_node_info info;
    if (ward_tcti_parse(cfg->tcti, &kind, err) < 0)
        return -1;
    *out = kind == WARD_TCTI_NONE ? WARD_NODE_NONE : WARD_NODE_VTPM;
    if (kind != WARD_TCTI_DEVICE)
        return 0;
    if (ward_attest_node(cfg, &info, err) < 0)
        return -1;
    *out = info.node_class;
    ward_node_info_free(&info);
    return 0;
}

/* The container's identity into the PCR and the event log, so the quote replays to it. */
static int measure(const ward_attest_cfg *cfg, const facts *f, ward_err *err)
{
    cleanup_free char *data = NULL;
    char digest[72];
    jwriter w;
    if (jw_init(&w, false, err) < 0)
        return -1;
    snprintf(digest, sizeof(digest), "sha256:%s", f->config_sha256);
    jw_open(&w);
    jw_kstr(&w, "id", f->id);
    jw_kstr(&w, "config_digest", digest);
    jw_kstr(&w, "image_digest", f->image_digest);
    jw_close(&w);
    if (jw_finish(&w, &data, NULL, err) < 0)
        return -1;
    return ward_attest_measure(cfg, "container", data, NULL, err);
}

static int evidence(const ward_result_req *req, const facts *f, char **b64, ward_err *err)
{
    cleanup_free char *p0 = NULL, *ev = NULL;
    uint8_t nonce[32];
    size_t p0_len, ev_len;

    *b64 = NULL;
    if (f->node_class == WARD_NODE_NONE)
        return (*b64 = strdup("")) ? 0 : ward_fail_errno(err, ENOMEM, "manifest");
    if (measure(req->cfg, f, err) < 0)
        return ward_err_prefix(err, "measure the container");
    if (payload(f, "", &p0, &p0_len, err) < 0 || ward_sha256(p0, p0_len, nonce, err) < 0)
        return -1;
    if (ward_attest_quote(req->cfg, 0, nonce, sizeof(nonce), &ev, &ev_len, err) < 0)
        return ward_err_prefix(err, "TPM quote");
    return ward_b64_encode((const uint8_t *)ev, ev_len, b64, err);
}

static int make(const ward_result_req *req, facts *f, char **json, size_t *len, ward_err *err)
{
    cleanup_json jnode *run = NULL;
    cleanup_free char *ev = NULL, *p = NULL;
    size_t p_len;

    if (read_run(req, &run, f, err) < 0)
        return -1;
    for (size_t i = 0; i < req->n_outputs; i++)
        if (ward_outputs_add(req->outputs[i].fd, req->outputs[i].name, req->threads, &f->outputs,
                             err) < 0)
            return -1;
    if (ward_outputs_sort(&f->outputs, err) < 0 ||
        ward_nodekey_public(req->key_path, true, &f->pub, err) < 0 ||
        node_class(req->cfg, &f->node_class, err) < 0 || evidence(req, f, &ev, err) < 0 ||
        payload(f, ev, &p, &p_len, err) < 0)
        return -1;
    return ward_dsse_sign(req->key_path, (const uint8_t *)p, p_len, json, len, err);
}

int ward_result_make(const ward_result_req *req, char **json, size_t *len, ward_err *err)
{
    facts f;
    int r;
    memset(&f, 0, sizeof(f));
    r = make(req, &f, json, len, err);
    ward_outputs_free(&f.outputs);
    return r < 0 ? ward_err_prefix(err, "result manifest") : 0;
}
