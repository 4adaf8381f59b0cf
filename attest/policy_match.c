/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which requirements apply to an image (the most specific scope, containers/image's
 * requirementsForImageRef with the docker, dir and oci transports' namespace lists), and whether a
 * signature's docker-reference satisfies a signedIdentity rule (policy_reference_match.go).
 */
#include "attest/policy.h"

#include <stdio.h>
#include <string.h>

static const pol_reqs *scope_lookup(const pol_transport *t, const char *scope)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->scopes[i].scope, scope) == 0)
            return &t->scopes[i].reqs;
    return NULL;
}

/* Remember the scope that matched; returns its requirements. */
static const pol_reqs *hit(const pol_transport *t, const char *scope, const char **matched)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->scopes[i].scope, scope) == 0) {
            *matched = t->scopes[i].scope;
            return &t->scopes[i].reqs;
        }
    return NULL;
}

/* Identity "host/repo:tag" or "host/repo@digest", then the repository and each parent namespace up
 * to the host, then "*.domain" for each dot-suffix of the host without its port. */
static const pol_reqs *docker_lookup(const pol_transport *t, const img_ref *r, const char **m)
{
    char buf[IMG_REF_MAX], name[IMG_NAME_MAX + 1], wild[IMG_NAME_MAX + 3];
    const pol_reqs *reqs;
    char *slash, *dot;

    if ((reqs = hit(t, img_ref_string(r, buf), m)) != NULL)
        return reqs;
    snprintf(name, sizeof(name), "%s", r->name);
    for (;;) {
        if ((reqs = hit(t, name, m)) != NULL)
            return reqs;
        slash = strrchr(name, '/');
        if (slash == NULL)
            break;
        *slash = '\0';
    }
    name[strcspn(name, ":")] = '\0';
    for (char *s = name; (dot = strchr(s, '.')) != NULL; s = dot + 1) {
        snprintf(wild, sizeof(wild), "*.%s", dot + 1);
        if ((reqs = hit(t, wild, m)) != NULL)
            return reqs;
    }
    return NULL;
}

/* dir: the path, then its parents (not "/"). oci: the same, the path counted once. */
static const pol_reqs *path_lookup(const pol_transport *t, const char *path, const char **m)
{
    char buf[4096];
    const pol_reqs *reqs;
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return NULL;
    for (;;) {
        char *slash;
        if ((reqs = hit(t, buf, m)) != NULL)
            return reqs;
        slash = strrchr(buf, '/');
        if (slash == NULL || slash == buf)
            return NULL;
        *slash = '\0';
    }
}

const pol_reqs *policy_select(const img_policy *p, const char *transport, const img_ref *docker,
                              const char *path, const char **scope)
{
    *scope = NULL;
    for (size_t i = 0; i < p->n_transports; i++) {
        const pol_transport *t = &p->transports[i];
        const pol_reqs *reqs = NULL;
        if (strcmp(t->name, transport) != 0)
            continue;
        if (docker != NULL)
            reqs = docker_lookup(t, docker, scope);
        else if (path != NULL)
            reqs = path_lookup(t, path, scope);
        if (reqs == NULL && (reqs = scope_lookup(t, "")) != NULL)
            *scope = "";
        if (reqs != NULL)
            return reqs;
    }
    return &p->def;
}

static bool same_string(const img_ref *a, const img_ref *b)
{
    char x[IMG_REF_MAX], y[IMG_REF_MAX];
    return strcmp(img_ref_string(a, x), img_ref_string(b, y)) == 0;
}

/* A tagged image needs the signature's exact reference; a digest image the same repository. */
static bool repo_digest_or_exact(const img_ref *intended, const img_ref *sig)
{
    if (intended->tag[0])
        return same_string(intended, sig);
    if (intended->digest[0])
        return strcmp(intended->name, sig->name) == 0;
    return false;
}

/* Replace prefix by signed_prefix in r when r's name is the prefix or continues it with '/'. */
static int remap(const pol_identity *id, const img_ref *r, img_ref *out)
{
    char buf[IMG_REF_MAX], renamed[IMG_REF_MAX + IMG_NAME_MAX];
    size_t plen = strlen(id->prefix);
    ward_err ignored;
    *out = *r;
    if (strncmp(r->name, id->prefix, plen) != 0 || (r->name[plen] != '\0' && r->name[plen] != '/'))
        return 0;
    img_ref_string(r, buf);
    snprintf(renamed, sizeof(renamed), "%s%s", id->signed_prefix, buf + plen);
    return img_ref_parse(renamed, out, &ignored);
}

bool policy_identity_matches(const pol_identity *id, const img_ref *intended, const char *sig_ref,
                             char *why, size_t why_len)
{
    char a[IMG_REF_MAX];
    img_ref sig, remapped;
    ward_err e;
    bool ok = false;

    if (img_ref_parse(sig_ref, &sig, &e) < 0) {
        snprintf(why, why_len, "signature identity: %s", e.msg);
        return false;
    }
    if (id->type != PID_EXACT_REFERENCE && id->type != PID_EXACT_REPOSITORY && intended == NULL) {
        snprintf(why, why_len,
                 "signedIdentity %s needs the image's Docker reference and the "
                 "image has none (give one, or use exactReference/exactRepository)",
                 policy_identity_name(id->type));
        return false;
    }
    switch (id->type) {
    case PID_MATCH_REPO_DIGEST_OR_EXACT:
        ok = repo_digest_or_exact(intended, &sig);
        break;
    case PID_MATCH_EXACT:
        ok =
            !img_ref_name_only(intended) && !img_ref_name_only(&sig) && same_string(intended, &sig);
        break;
    case PID_MATCH_REPOSITORY:
        ok = strcmp(intended->name, sig.name) == 0;
        break;
    case PID_EXACT_REFERENCE:
        ok = !img_ref_name_only(&sig) && same_string(&id->ref, &sig);
        break;
    case PID_EXACT_REPOSITORY:
        ok = strcmp(id->ref.name, sig.name) == 0;
        break;
    case PID_REMAP_IDENTITY:
        ok = remap(id, intended, &remapped) == 0 && repo_digest_or_exact(&remapped, &sig);
        break;
    }
    if (!ok) {
        const char *want = id->type == PID_EXACT_REFERENCE || id->type == PID_EXACT_REPOSITORY
                               ? img_ref_string(&id->ref, a)
                               : img_ref_string(intended, a);
        snprintf(why, why_len, "signature identity %s is not accepted for %s (signedIdentity %s)",
                 sig_ref, want, policy_identity_name(id->type));
    }
    return ok;
}
