/* SPDX-License-Identifier: Apache-2.0 */
/* What the unpack files share: one layer into the rootfs, and config.json from the image config. */
#ifndef WARD_ATTEST_UNPACK_INTERNAL_H
#define WARD_ATTEST_UNPACK_INTERNAL_H

#include <stdint.h>

#include "attest/unpack.h"
#include "spec/json.h"

typedef struct unpack_budget {
    uint64_t files, bytes; /* used so far */
    const unpack_opts *o;
} unpack_budget;

/* Stream layer (descriptor digest/size/mediaType) from the layout into rootfd. */
int unpack_layer(int rootfd, const char *layout, const char *digest, int64_t size,
                 const char *media_type, unpack_budget *b, ward_err *err);

/* config.json text for the image config node, with rootfs "rootfs" and the annotations. */
int unpack_config_json(const jnode *image_config, int rootfd, const unpack_opts *o,
                       const char *manifest_digest, char **out, size_t *len, ward_err *err);

#endif
