/* SPDX-License-Identifier: Apache-2.0 */
/*
 * containers-policy.json, parsed as strictly as containers/image does (and a little more: a null
 * value is an error, not "absent"). Every error names the JSON path of what was wrong.
 */
#include "attest/codec.h"
#include "attest/policy.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"
#include "spec/parse.h"
#include "spec/base/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLICY_MAX_BYTES ((size_t)4 << 20)

/* Every member of object n must be one of the NULL-terminated keys. */
static int only_keys(const jnode *n, jpath *p, const char *const *keys, ward_err *err)
{
    for (size_t i = 0; i < n->len; i++) {
        const char *k = n->u.members[i].key;
        size_t j;
        for (j = 0; keys[j] != NULL; j++)
            if (strcmp(keys[j], k) == 0)
                break;
        if (keys[j] == NULL) {
            size_t saved = jp_key(p, k);
            jp_fail(p, err, "unknown field");
            jp_pop(p, saved);
            return -1;
        }
    }
    return 0;
}

/* A member that must be a non-empty string when present (null is not "absent" here). */
static const jnode *member(const jnode *n, const char *key)
{
    for (size_t i = 0; i < n->len; i++)
        if (strcmp(n->u.members[i].key, key) == 0)
            return n->u.members[i].val;
    return NULL;
}

static int get_string(const jnode *n, jpath *p, const char *key, bool required, const char **out,
                      ward_err *err)
{
    const jnode *v = member(n, key);
    size_t saved;
    *out = NULL;
    if (v == NULL) {
        if (!required)
            return 0;
        saved = jp_key(p, key);
        jp_fail(p, err, "missing");
        jp_pop(p, saved);
        return -1;
    }
    if (v->type != JT_STRING) {
        saved = jp_key(p, key);
        jp_fail(p, err, "must be a string");
        jp_pop(p, saved);
        return -1;
    }
    *out = v->u.s;
    return 0;
}

static int parse_ref_field(const jnode *n, jpath *p, const char *key, img_ref *out, ward_err *err)
{
    const char *s;
    if (get_string(n, p, key, true, &s, err) < 0)
        return -1;
    if (img_ref_parse(s, out, err) < 0) {
        size_t saved = jp_key(p, key);
        char msg[WARD_ERR_MSG_MAX];
        snprintf(msg, sizeof(msg), "%s", err->msg);
        jp_fail(p, err, "%s", msg);
        jp_pop(p, saved);
        return -1;
    }
    return 0;
}

/* remapIdentity prefixes: a host[:port], or a name that starts with one (host/ns, host/repo). */
static int parse_prefix(const jnode *n, jpath *p, const char *key, char *out, ward_err *err)
{
    const char *s;
    img_ref r;
    ward_err ignored;
    size_t saved;
    if (get_string(n, p, key, true, &s, err) < 0)
        return -1;
    saved = jp_key(p, key);
    if (strlen(s) > IMG_NAME_MAX || s[0] == '\0')
        goto bad;
    if (strchr(s, '/') == NULL) {
        /* a bare host: valid when "<host>/x" parses with that host kept */
        char probe[IMG_NAME_MAX + 8];
        snprintf(probe, sizeof(probe), "%s/x", s);
        if (strpbrk(s, ".:") == NULL && strcmp(s, "localhost") != 0)
            goto bad;
        if (img_ref_parse(probe, &r, &ignored) < 0)
            goto bad;
    } else {
        size_t host_len = strcspn(s, "/");
        if ((strcspn(s, ".:") > host_len && strncmp(s, "localhost/", 10) != 0) ||
            img_ref_parse(s, &r, &ignored) < 0 || !img_ref_name_only(&r) || strcmp(r.name, s) != 0)
            goto bad;
    }
    snprintf(out, IMG_NAME_MAX + 1, "%s", s);
    jp_pop(p, saved);
    return 0;
bad:
    jp_fail(p, err, "prefix \"%.300s\" is not valid (a host, or host/namespace)", s);
    jp_pop(p, saved);
    return -1;
}

static const struct {
    const char *name;
    pol_id_type type;
} ID_TYPES[] = {
    {"matchRepoDigestOrExact", PID_MATCH_REPO_DIGEST_OR_EXACT},
    {"matchExact", PID_MATCH_EXACT},
    {"matchRepository", PID_MATCH_REPOSITORY},
    {"exactReference", PID_EXACT_REFERENCE},
    {"exactRepository", PID_EXACT_REPOSITORY},
    {"remapIdentity", PID_REMAP_IDENTITY},
};

const char *policy_identity_name(pol_id_type t)
{
    for (size_t i = 0; i < sizeof(ID_TYPES) / sizeof(ID_TYPES[0]); i++)
        if (ID_TYPES[i].type == t)
            return ID_TYPES[i].name;
    return "?";
}

static int parse_identity(const jnode *n, jpath *p, pol_identity *id, ward_err *err)
{
    static const char *const plain[] = {"type", NULL};
    static const char *const exact_ref[] = {"type", "dockerReference", NULL};
    static const char *const exact_repo[] = {"type", "dockerRepository", NULL};
    static const char *const remap[] = {"type", "prefix", "signedPrefix", NULL};
    const char *type;
    size_t i;

    memset(id, 0, sizeof(*id));
    if (jr_object(n, p, err) < 0 || get_string(n, p, "type", true, &type, err) < 0)
        return -1;
    for (i = 0; i < sizeof(ID_TYPES) / sizeof(ID_TYPES[0]); i++)
        if (strcmp(ID_TYPES[i].name, type) == 0)
            break;
    if (i == sizeof(ID_TYPES) / sizeof(ID_TYPES[0])) {
        size_t saved = jp_key(p, "type");
        jp_fail(p, err, "unknown signedIdentity type \"%.64s\"", type);
        jp_pop(p, saved);
        return -1;
    }
    id->type = ID_TYPES[i].type;
    switch (id->type) {
    case PID_EXACT_REFERENCE:
        if (only_keys(n, p, exact_ref, err) < 0 ||
            parse_ref_field(n, p, "dockerReference", &id->ref, err) < 0)
            return -1;
        if (img_ref_name_only(&id->ref)) {
            size_t saved = jp_key(p, "dockerReference");
            jp_fail(p, err, "%s contains neither a tag nor a digest", id->ref.name);
            jp_pop(p, saved);
            return -1;
        }
        return 0;
    case PID_EXACT_REPOSITORY:
        return only_keys(n, p, exact_repo, err) < 0 ||
                       parse_ref_field(n, p, "dockerRepository", &id->ref, err) < 0
                   ? -1
                   : 0;
    case PID_REMAP_IDENTITY:
        return only_keys(n, p, remap, err) < 0 ||
                       parse_prefix(n, p, "prefix", id->prefix, err) < 0 ||
                       parse_prefix(n, p, "signedPrefix", id->signed_prefix, err) < 0
                   ? -1
                   : 0;
    default:
        return only_keys(n, p, plain, err);
    }
}

static int add_path(pol_req *r, const char *path)
{
    char **grown = realloc(r->key_paths, (r->n_key_paths + 1) * sizeof(*grown));
    if (grown == NULL)
        return -1;
    r->key_paths = grown;
    r->key_paths[r->n_key_paths] = strdup(path);
    if (r->key_paths[r->n_key_paths] == NULL)
        return -1;
    r->n_key_paths++;
    return 0;
}

/* keyPath | keyPaths | keyData: exactly one of those allowed for this requirement type. */
static int parse_keys(const jnode *n, jpath *p, pol_req *r, bool allow_paths, ward_err *err)
{
    const jnode *path = member(n, "keyPath"), *paths = member(n, "keyPaths");
    const jnode *data = member(n, "keyData");
    int given = (path != NULL) + (paths != NULL) + (data != NULL);
    size_t saved;

    if (given != 1)
        return jp_fail(p, err, "exactly one of keyPath, %skeyData must be given (%d are)",
                       allow_paths ? "keyPaths, " : "", given);
    if (path != NULL) {
        const char *s;
        if (get_string(n, p, "keyPath", true, &s, err) < 0)
            return -1;
        if (s[0] == '\0') {
            saved = jp_key(p, "keyPath");
            jp_fail(p, err, "must not be empty");
            jp_pop(p, saved);
            return -1;
        }
        if (add_path(r, s) < 0)
            return ward_fail_errno(err, ENOMEM, "policy");
        return 0;
    }
    if (paths != NULL) {
        saved = jp_key(p, "keyPaths");
        if (paths->type != JT_ARRAY || paths->len == 0) {
            jp_fail(p, err, "must be a non-empty array of paths");
            jp_pop(p, saved);
            return -1;
        }
        for (size_t i = 0; i < paths->len; i++) {
            const jnode *v = paths->u.items[i];
            size_t at = jp_index(p, i);
            if (v->type != JT_STRING || v->u.s[0] == '\0')
                return jp_fail(p, err, "must be a non-empty string");
            jp_pop(p, at);
            if (add_path(r, v->u.s) < 0)
                return ward_fail_errno(err, ENOMEM, "policy");
        }
        jp_pop(p, saved);
        return 0;
    }
    saved = jp_key(p, "keyData");
    if (data->type != JT_STRING || data->len == 0) {
        jp_fail(p, err, "must be a non-empty base64 string");
        jp_pop(p, saved);
        return -1;
    }
    if (ward_b64_decode(data->u.s, &r->key_data, &r->key_data_len, err) < 0) {
        char msg[WARD_ERR_MSG_MAX];
        snprintf(msg, sizeof(msg), "%s", err->msg);
        jp_fail(p, err, "%s", msg);
        jp_pop(p, saved);
        return -1;
    }
    jp_pop(p, saved);
    return 0;
}

static int parse_signed_identity(const jnode *n, jpath *p, pol_req *r, ward_err *err)
{
    const jnode *id = member(n, "signedIdentity");
    size_t saved;
    if (id == NULL) {
        r->identity.type = PID_MATCH_REPO_DIGEST_OR_EXACT;
        return 0;
    }
    saved = jp_key(p, "signedIdentity");
    if (parse_identity(id, p, &r->identity, err) < 0)
        return -1;
    jp_pop(p, saved);
    return 0;
}

const char *policy_req_name(pol_req_type t)
{
    switch (t) {
    case PR_INSECURE_ACCEPT_ANYTHING:
        return "insecureAcceptAnything";
    case PR_REJECT:
        return "reject";
    case PR_SIGNED_BY:
        return "signedBy";
    case PR_SIGSTORE_SIGNED:
        return "sigstoreSigned";
    case PR_SIGNED_BASE_LAYER:
        return "signedBaseLayer";
    }
    return "?";
}

static int parse_req(const jnode *n, jpath *p, void *elem, ward_err *err)
{
    static const char *const plain[] = {"type", NULL};
    static const char *const signed_by[] = {"type",    "keyType",        "keyPath", "keyPaths",
                                            "keyData", "signedIdentity", NULL};
    static const char *const base_layer[] = {"type", "baseLayerIdentity", NULL};
    static const char *const sigstore[] = {"type", "keyPath", "keyData", "signedIdentity", NULL};
    pol_req *r = elem;
    const char *type, *key_type;

    if (jr_object(n, p, err) < 0 || get_string(n, p, "type", true, &type, err) < 0)
        return -1;
    if (strcmp(type, "insecureAcceptAnything") == 0 || strcmp(type, "reject") == 0) {
        r->type = type[0] == 'r' ? PR_REJECT : PR_INSECURE_ACCEPT_ANYTHING;
        return only_keys(n, p, plain, err);
    }
    if (strcmp(type, "signedBy") == 0) {
        r->type = PR_SIGNED_BY;
        if (only_keys(n, p, signed_by, err) < 0 ||
            get_string(n, p, "keyType", true, &key_type, err) < 0)
            return -1;
        /* signedByGPGKeys, X509Certificates and signedByX509CAs parse but never verify */
        if (strcmp(key_type, "GPGKeys") != 0 && strcmp(key_type, "signedByGPGKeys") != 0 &&
            strcmp(key_type, "X509Certificates") != 0 && strcmp(key_type, "signedByX509CAs") != 0) {
            size_t saved = jp_key(p, "keyType");
            jp_fail(p, err, "unknown keyType \"%.64s\"", key_type);
            jp_pop(p, saved);
            return -1;
        }
        snprintf(r->key_type, sizeof(r->key_type), "%s", key_type);
        return parse_keys(n, p, r, true, err) < 0 || parse_signed_identity(n, p, r, err) < 0 ? -1
                                                                                             : 0;
    }
    if (strcmp(type, "sigstoreSigned") == 0) {
        r->type = PR_SIGSTORE_SIGNED;
        return only_keys(n, p, sigstore, err) < 0 || parse_keys(n, p, r, false, err) < 0 ||
                       parse_signed_identity(n, p, r, err) < 0
                   ? -1
                   : 0;
    }
    if (strcmp(type, "signedBaseLayer") == 0) {
        const jnode *id = member(n, "baseLayerIdentity");
        size_t saved;
        r->type = PR_SIGNED_BASE_LAYER;
        if (only_keys(n, p, base_layer, err) < 0)
            return -1;
        if (id == NULL)
            return jp_fail(p, err, "baseLayerIdentity: missing");
        saved = jp_key(p, "baseLayerIdentity");
        if (parse_identity(id, p, &r->identity, err) < 0)
            return -1;
        jp_pop(p, saved);
        return 0;
    }
    {
        size_t saved = jp_key(p, "type");
        jp_fail(p, err, "unknown requirement type \"%.64s\"", type);
        jp_pop(p, saved);
    }
    return -1;
}

static void reqs_free(pol_reqs *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        pol_req *r = &rs->items[i];
        for (size_t j = 0; j < r->n_key_paths; j++)
            free(r->key_paths[j]);
        free(r->key_paths);
        free(r->key_data);
    }
    free(rs->items);
    rs->items = NULL;
    rs->n = 0;
}

static int parse_reqs(const jnode *n, jpath *p, pol_reqs *out, ward_err *err)
{
    if (n == NULL || n->type != JT_ARRAY)
        return jp_fail(p, err, "must be an array of requirements");
    if (n->len == 0)
        return jp_fail(p, err, "the list of requirements must not be empty");
    return jr_array(n, p, sizeof(pol_req), (void **)&out->items, &out->n, parse_req, err);
}

/* dir: and oci: scopes are absolute, clean paths other than "/" (an oci: scope may add :tag). */
static int check_path_scope(const char *transport, const char *scope, jpath *p, ward_err *err)
{
    size_t len = strcmp(transport, "oci") == 0 ? strcspn(scope, ":") : strlen(scope);
    if (scope[0] != '/')
        return jp_fail(p, err, "scope must be an absolute path");
    if (len == 1)
        return jp_fail(p, err, "scope \"/\" is not allowed: use the default scope \"\"");
    if (scope[len - 1] == '/' || strstr(scope, "//") != NULL)
        goto unclean;
    for (const char *c = scope; c < scope + len;
         c = strchr(c, '/') ? strchr(c, '/') : scope + len) {
        c++;
        size_t clen = strcspn(c, "/");
        if (c + clen > scope + len)
            clen = (size_t)(scope + len - c);
        if ((clen == 1 && c[0] == '.') || (clen == 2 && c[0] == '.' && c[1] == '.'))
            goto unclean;
    }
    return 0;
unclean:
    return jp_fail(p, err, "scope is not a clean path (no \".\", \"..\", \"//\" or trailing /)");
}

static int parse_transport(const jnode *n, jpath *p, pol_transport *t, ward_err *err)
{
    if (jr_object(n, p, err) < 0)
        return -1;
    t->scopes = calloc(n->len ? n->len : 1, sizeof(*t->scopes));
    if (t->scopes == NULL)
        return ward_fail_errno(err, ENOMEM, "policy");
    for (size_t i = 0; i < n->len; i++) {
        const jmember *m = &n->u.members[i];
        pol_scope *s = &t->scopes[t->n];
        size_t saved = jp_key(p, m->key);
        if (m->key[0] != '\0' && (strcmp(t->name, "dir") == 0 || strcmp(t->name, "oci") == 0) &&
            check_path_scope(t->name, m->key, p, err) < 0)
            return -1;
        s->scope = strdup(m->key);
        if (s->scope == NULL)
            return ward_fail_errno(err, ENOMEM, "policy");
        t->n++;
        if (parse_reqs(m->val, p, &s->reqs, err) < 0)
            return -1;
        jp_pop(p, saved);
    }
    return 0;
}

void policy_free(img_policy *pol)
{
    reqs_free(&pol->def);
    for (size_t i = 0; i < pol->n_transports; i++) {
        pol_transport *t = &pol->transports[i];
        for (size_t j = 0; j < t->n; j++) {
            free(t->scopes[j].scope);
            reqs_free(&t->scopes[j].reqs);
        }
        free(t->scopes);
        free(t->name);
    }
    free(pol->transports);
    memset(pol, 0, sizeof(*pol));
}

static int parse_root(const jnode *root, img_policy *out, ward_err *err)
{
    static const char *const top[] = {"default", "transports", NULL};
    const jnode *tr;
    jpath p;

    jp_init(&p, "");
    if (jr_object(root, &p, err) < 0 || only_keys(root, &p, top, err) < 0)
        return -1;
    if (member(root, "default") == NULL)
        return ward_fail(err, "default: missing (the policy must say what applies to the rest)");
    {
        size_t saved = jp_key(&p, "default");
        if (parse_reqs(member(root, "default"), &p, &out->def, err) < 0)
            return -1;
        jp_pop(&p, saved);
    }
    tr = member(root, "transports");
    if (tr == NULL)
        return 0;
    {
        size_t saved = jp_key(&p, "transports");
        if (jr_object(tr, &p, err) < 0)
            return -1;
        out->transports = calloc(tr->len ? tr->len : 1, sizeof(*out->transports));
        if (out->transports == NULL)
            return ward_fail_errno(err, ENOMEM, "policy");
        for (size_t i = 0; i < tr->len; i++) {
            pol_transport *t = &out->transports[out->n_transports];
            size_t at = jp_key(&p, tr->u.members[i].key);
            t->name = strdup(tr->u.members[i].key);
            if (t->name == NULL)
                return ward_fail_errno(err, ENOMEM, "policy");
            out->n_transports++;
            if (parse_transport(tr->u.members[i].val, &p, t, err) < 0)
                return -1;
            jp_pop(&p, at);
        }
        jp_pop(&p, saved);
    }
    return 0;
}

int policy_parse(const char *text, size_t len, img_policy *out, ward_err *err)
{
    cleanup_json jnode *root = NULL;
    memset(out, 0, sizeof(*out));
    if (json_parse(text, len, &root, err) < 0)
        return -1;
    if (parse_root(root, out, err) < 0) {
        policy_free(out);
        return -1;
    }
    return 0;
}

int policy_load(const char *path, img_policy *out, ward_err *err)
{
    cleanup_free char *text = NULL;
    size_t len;
    if (spec_read_file(path, POLICY_MAX_BYTES, &text, &len, err) < 0)
        return -1;
    if (policy_parse(text, len, out, err) < 0)
        return ward_err_prefix(err, "policy %s", path);
    return 0;
}
