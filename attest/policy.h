/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image signature policy in containers-policy.json(5) format, as containers/image 5.23 reads and
 * applies it: strict parsing (an unknown or duplicate field, an unknown type, an empty requirement
 * list: an error naming the JSON path), the most specific scope of the image's transport, and the
 * identity rules a signature's docker-reference must satisfy. Checking signatures against a
 * requirement is imgverify.h's job.
 */
#ifndef WARD_ATTEST_POLICY_H
#define WARD_ATTEST_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attest/imgref.h"
#include "spec/hostconf.h"
#include "spec/base/error.h"

#define POLICY_DEFAULT_PATH WARD_DEFAULT_POLICY

typedef enum pol_req_type {
    PR_INSECURE_ACCEPT_ANYTHING,
    PR_REJECT,
    PR_SIGNED_BY,        /* GPG simple signing */
    PR_SIGSTORE_SIGNED,  /* cosign key signatures */
    PR_SIGNED_BASE_LAYER /* parsed as containers/image does, never satisfied (nor is it there) */
} pol_req_type;

typedef enum pol_id_type {
    PID_MATCH_REPO_DIGEST_OR_EXACT, /* the default */
    PID_MATCH_EXACT,
    PID_MATCH_REPOSITORY,
    PID_EXACT_REFERENCE,
    PID_EXACT_REPOSITORY,
    PID_REMAP_IDENTITY,
} pol_id_type;

typedef struct pol_identity {
    pol_id_type type;
    img_ref ref;                          /* exactReference / exactRepository */
    char prefix[IMG_NAME_MAX + 1];        /* remapIdentity */
    char signed_prefix[IMG_NAME_MAX + 1]; /* remapIdentity */
} pol_identity;

typedef struct pol_req {
    pol_req_type type;
    char key_type[24]; /* signedBy: GPGKeys, or a keyType that parses but never verifies */
    char **key_paths;  /* keyPath (one) or keyPaths */
    size_t n_key_paths;
    uint8_t *key_data; /* keyData, base64-decoded */
    size_t key_data_len;
    pol_identity identity; /* signedIdentity, or signedBaseLayer's baseLayerIdentity */
} pol_req;

typedef struct pol_reqs {
    pol_req *items;
    size_t n;
} pol_reqs;

typedef struct pol_scope {
    char *scope; /* "" is the transport's default */
    pol_reqs reqs;
} pol_scope;

typedef struct pol_transport {
    char *name;
    pol_scope *scopes;
    size_t n;
} pol_transport;

typedef struct img_policy {
    pol_reqs def;
    pol_transport *transports;
    size_t n_transports;
} img_policy;

int policy_parse(const char *text, size_t len, img_policy *out, ward_err *err);
int policy_load(const char *path, img_policy *out, ward_err *err);
void policy_free(img_policy *p);

/*
 * The requirements for an image: transport "docker" with the image's reference, or "oci"/"dir"
 * with the layout's absolute, symlink-free path. *scope gets the scope that matched, or NULL for
 * the global default.
 */
const pol_reqs *policy_select(const img_policy *p, const char *transport, const img_ref *docker,
                              const char *path, const char **scope);

/*
 * Does a signature claiming sig_ref satisfy the identity rule for an image whose Docker identity
 * is intended (NULL when the image has none, as for dir: and oci: images)? false with a reason in
 * why (256 bytes) when not.
 */
bool policy_identity_matches(const pol_identity *id, const img_ref *intended, const char *sig_ref,
                             char *why, size_t why_len);

const char *policy_req_name(pol_req_type t);
const char *policy_identity_name(pol_id_type t);

#endif
