/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verified unpacking of an image into an OCI bundle: every layer blob is streamed through
 * libarchive while its size and SHA-256 are checked against the manifest, into a staging
 * directory next to the bundle that is moved into place only when every layer verified. OCI
 * whiteouts and opaque directories are applied; no path, symlink or hard link ever leads out of
 * the rootfs (nothing is followed while writing); device nodes are refused; setuid bits only as
 * the image has them. config.json comes from the image config with ward's defaults and the
 * ward.image.* annotations.
 */
#ifndef WARD_ATTEST_UNPACK_H
#define WARD_ATTEST_UNPACK_H

#include <stdint.h>

#include "attest/imgsrc.h"

#define UNPACK_DEFAULT_MAX_FILES 1000000
#define UNPACK_DEFAULT_MAX_BYTES ((uint64_t)64 << 30)

typedef struct unpack_opts {
    uint64_t max_files;   /* entries over all layers */
    uint64_t max_bytes;   /* file bytes (declared sizes, sparse or not) over all layers */
    const char *ref;      /* ward.image.ref */
    const char *verified; /* ward.image.verified: the decision's digest */
    const char *image;    /* how the image was named (oci:DIR[:TAG]), for the record */
    const char *records;  /* directory of unpack records, NULL: none */
} unpack_opts;

/*
 * Unpack src into bundle (which must not exist yet): bundle/rootfs and bundle/config.json; then
 * record the unpack in records_dir (NULL: no record) as <manifest hex>.json: the image, its
 * reference, the decision's digest and the rootfs digest, for `ward create` to re-check.
 */
int img_unpack(const img_source *src, const char *bundle, const unpack_opts *o, ward_err *err);

/* The digest of the tree beneath rootfd (unpack_tree.c). */
int img_rootfs_digest(int rootfd, char out[IMG_DIGEST_MAX + 1], ward_err *err);

#endif
