/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Filesystem steps of a verified unpack, every one relative to the rootfs directory fd and never
 * through a symlink: entry names cleaned (no "..", no absolute paths), parents walked one
 * component at a time with O_NOFOLLOW (a symlink on the way is an error, not followed), trees
 * removed without following links.
 */
#ifndef WARD_ATTEST_UNPACK_FS_H
#define WARD_ATTEST_UNPACK_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "spec/base/error.h"

/*
 * Clean an archive path into out ("a/b/c", "" for the root): leading "/" and "./" dropped, empty
 * and "." components dropped; ".." anywhere is an error.
 */
int unpack_clean_path(const char *in, char *out, size_t out_len, ward_err *err);

/*
 * Open the directory that holds clean path `path` beneath rootfd (O_PATH-free, O_DIRECTORY fd);
 * *name points at the last component inside path. create: make missing parents (0755).
 */
int unpack_open_parent(int rootfd, const char *path, bool create, const char **name, ward_err *err);

/* Remove name in dirfd, recursively for a directory, never following a symlink. ENOENT is ok. */
int unpack_remove_at(int dirfd, const char *name, ward_err *err);

/* Remove the tree at path (used for staging directories and temporary homes). */
void unpack_remove_tree(const char *path);

#endif
