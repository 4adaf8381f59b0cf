/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image check: the policy's requirements for an image (all must pass; a signature
 * requirement passes when one signature does) and the decision record: accepted or refused, the
 * scope and requirement that decided, the key that verified, and for every signature tried the
 * reason it failed. Printed for a person, and as JSON.
 */
#ifndef WARD_ATTEST_IMGVERIFY_H
#define WARD_ATTEST_IMGVERIFY_H

#include <stdbool.h>
#include <stdio.h>

#include "attest/imgsrc.h"
#include "attest/policy.h"

typedef struct sig_try {
    char source[512];
    bool ok;
    char detail[768]; /* ok: the key that verified; else: why this signature failed */
} sig_try;

typedef struct req_result {
    pol_req_type type;
    bool ok;
    char detail[768]; /* the key that verified, or why the requirement failed */
    sig_try *tries;
    size_t n_tries;
} req_result;

typedef struct img_decision {
    bool accepted;
    char image[PATH_MAX + 16];
    char transport[8];              /* the policy transport: docker (with an identity), oci, dir */
    char identity[IMG_REF_MAX + 1]; /* "" when the image has no Docker identity */
    bool default_scope;             /* the policy's global default decided */
    char scope[PATH_MAX];
    char manifest_digest[IMG_DIGEST_MAX + 1];
    char refusal[512]; /* refused before any requirement ran (e.g. a schema 1 manifest) */
    req_result *reqs;
    size_t n_reqs;
} img_decision;

/*
 * Decide for src. With identity the image is judged as docker://identity (transports.docker
 * scopes, Docker identity rules); without, under its own transport's path scopes. Returns -1 only
 * when the check could not run (out of memory); a refusal is a decision.
 */
int img_verify(const img_policy *pol, const img_source *src, const img_ref *identity,
               img_decision *out, ward_err *err);
void img_decision_free(img_decision *d);

void img_decision_print(FILE *f, const img_decision *d);
int img_decision_json(const img_decision *d, char **out, size_t *len, ward_err *err);

#endif
