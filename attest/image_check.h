/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ward create` with image.policy = enforce: is this bundle's rootfs a verified image? The
 * bundle's annotations only claim an identity (ward.image.digest and ward.image.ref, or
 * io.kubernetes.cri.image-name for the reference); the proof is the host's record of a
 * `ward image unpack` of that manifest (in a root-only directory), the image in its layout passing
 * the current policy for the claimed reference, and the rootfs hashing to the recorded digest.
 */
#ifndef WARD_ATTEST_IMAGE_CHECK_H
#define WARD_ATTEST_IMAGE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "attest/policy.h"

#define ANN_IMAGE_REF      "ward.image.ref"
#define ANN_IMAGE_DIGEST   "ward.image.digest"
#define ANN_IMAGE_VERIFIED "ward.image.verified"
#define ANN_CRI_IMAGE_NAME "io.kubernetes.cri.image-name"

/* 1 accepted, 0 refused (why says why), -1 the check could not run (err). */
int img_check_bundle(const img_policy *pol, const char *records, const char *lookaside,
                     const char *bundle, char *why, size_t why_len, ward_err *err);

#endif
