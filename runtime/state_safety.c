/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who may have written the state ward reads. Another user who can write into --root (or replace
 * it through a parent directory) could plant a state.json naming any host process, and root's
 * `delete --force` would SIGKILL it. So, the way ssh refuses a group-writable home: the root, each
 * directory above it, the container's directory and every state file must belong to ward's user
 * (or root) and be writable by nobody else; a directory above the root may be shared only when it
 * is sticky (as /tmp is: no one can rename another's entry there).
 */
#include "runtime/state_store.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_stat(const struct stat *st, const char *what, bool allow_sticky, ward_err *err)
{
    uid_t me = geteuid();
    if (st->st_uid != me && st->st_uid != 0)
        return ward_fail_errno(err, EPERM, "%s is owned by uid %u, not by %u or root: refusing it",
                               what, (unsigned)st->st_uid, (unsigned)me);
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(allow_sticky && (st->st_mode & S_ISVTX)))
        return ward_fail_errno(err, EPERM,
                               "%s is writable by group or others (mode %04o): refusing it", what,
                               (unsigned)(st->st_mode & 07777));
    return 0;
}

int state_check_trusted(int fd, const char *what, bool dir, ward_err *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ward_fail_errno(err, errno, "stat %s", what);
    if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
        return ward_fail_errno(err, EINVAL, "%s is not a %s", what,
                               dir ? "directory" : "regular file");
    return check_stat(&st, what, false, err);
}

int state_check_root_parents(const char *root, ward_err *err)
{
    char path[PATH_MAX];
    char *slash;
    if (realpath(root, path) == NULL)
        return 0; /* opening the root says what is wrong */
    while ((slash = strrchr(path, '/')) != NULL) {
        struct stat st;
        slash[slash == path ? 1 : 0] = '\0';
        if (stat(path, &st) < 0)
            return ward_fail_errno(err, errno, "stat %s", path);
        if (check_stat(&st, path, true, err) < 0)
            return ward_err_prefix(err, "state root %s: parent directory", root);
        if (slash == path)
            break;
    }
    return 0;
}
