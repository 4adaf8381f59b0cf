/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Docker image references, normalised the way containers/image's docker/reference package does
 * (ParseNormalizedNamed): default host docker.io (index.docker.io is an alias), "library/" for a
 * one-component name on docker.io, lower-case repository paths, tags of at most 128 characters,
 * sha256 digests only. Used for policy scopes, signedIdentity and the identities inside
 * signatures.
 */
#ifndef WARD_ATTEST_IMGREF_H
#define WARD_ATTEST_IMGREF_H

#include <stdbool.h>

#include "spec/base/error.h"

#define IMG_NAME_MAX   255 /* containers/image's NameTotalLengthMax */
#define IMG_TAG_MAX    128
#define IMG_DIGEST_MAX 71 /* "sha256:" + 64 hex */
#define IMG_REF_MAX    (IMG_NAME_MAX + 1 + IMG_TAG_MAX + 1 + IMG_DIGEST_MAX + 1)

typedef struct img_ref {
    char name[IMG_NAME_MAX + 1];     /* host/path, e.g. docker.io/library/busybox */
    char tag[IMG_TAG_MAX + 1];       /* "" when none */
    char digest[IMG_DIGEST_MAX + 1]; /* "sha256:<hex>", "" when none */
} img_ref;

/* ParseNormalizedNamed: a name with an optional tag and/or digest. */
int img_ref_parse(const char *s, img_ref *out, ward_err *err);
/*
 * A reference that names one image, as an image identity: a name alone gets ":latest", a tag and
 * a digest together are refused (containers/image's docker transport refuses them too).
 */
int img_ref_parse_image(const char *s, img_ref *out, ward_err *err);
/* name[:tag][@digest] into buf (IMG_REF_MAX bytes). */
const char *img_ref_string(const img_ref *r, char buf[IMG_REF_MAX]);
/* "sha256:" and 64 lower-case hex digits (the only digest ward accepts). */
bool img_digest_valid(const char *d);
/* Neither a tag nor a digest. */
bool img_ref_name_only(const img_ref *r);

#endif
