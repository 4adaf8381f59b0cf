/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An image on disk as a signature check sees it: `oci:DIR[:TAG]` (an OCI image layout) or
 * `dir:DIR` (containers/image's dir: transport), its manifest bytes and their digest, and every
 * signature found for it: dir:'s signature-N, a lookaside directory's
 * <base>/<repo>@sha256=<hex>/signature-N, and cosign's sha256-<hex>.sig manifest in the layout.
 * Every blob read from a layout is checked against its descriptor's size and digest.
 */
#ifndef WARD_ATTEST_IMGSRC_H
#define WARD_ATTEST_IMGSRC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "attest/imgref.h"
#include "attest/imgsig.h"
#include "spec/base/error.h"

#define IMG_MANIFEST_MAX ((size_t)4 << 20)

typedef struct img_source {
    char transport[4];   /* "oci" or "dir" */
    char path[PATH_MAX]; /* absolute, symlinks resolved: the policy's path scope */
    char tag[IMG_TAG_MAX + 1];
    uint8_t *manifest;
    size_t manifest_len;
    char manifest_digest[IMG_DIGEST_MAX + 1]; /* sha256 of the manifest bytes */
    int schema_version;                       /* 1 is refused by the check */
    img_sig *sigs;
    size_t n_sigs;
} img_source;

int imgsrc_open(const char *image, img_source *out, ward_err *err);
/*
 * Collect the signatures: the transport's own (dir: signature-N, oci: the .sig manifest), then
 * those under lookaside (needs identity for the repository path; NULL lookaside: none).
 */
int imgsrc_signatures(img_source *src, const char *lookaside, const img_ref *identity,
                      ward_err *err);
void imgsrc_free(img_source *src);

/* Read blobs/sha256/<hex> of an OCI layout, checking size and digest; max bounds the size. */
int imgsrc_read_blob(const char *layout, const char *digest, int64_t size, size_t max,
                     uint8_t **out, ward_err *err);

#endif
