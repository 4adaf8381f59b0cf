/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A digest of a whole rootfs tree: every entry in sorted order with its path, type and mode,
 * owner, size, content SHA-256 and link target (NUL-separated, so no two trees share an encoding).
 * Times and extended attributes are not covered. Nothing is followed: directories are opened with
 * O_NOFOLLOW beneath the root fd.
 */
#include "attest/unpack.h"
#include "spec/base/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int hash_content(int dirfd, const char *name, char hex[65], ward_err *err)
{
    uint8_t buf[64 * 1024], sum[EVP_MAX_MD_SIZE];
    unsigned int len;
    cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = -1;
    if (fd < 0 || md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        ward_fail_errno(err, fd < 0 ? errno : ENOMEM, "hash %s", name);
        goto out;
    }
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ward_fail_errno(err, errno, "read %s", name);
            goto out;
        }
        if (n == 0)
            break;
        EVP_DigestUpdate(md, buf, (size_t)n);
    }
    EVP_DigestFinal_ex(md, sum, &len);
    for (unsigned int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sum[i]);
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    return rc;
}

static int walk(EVP_MD_CTX *md, int fd, char *path, size_t plen, ward_err *err);

static int one(EVP_MD_CTX *md, int dirfd, const char *name, char *path, size_t plen, ward_err *err)
{
    struct stat st;
    char meta[128], hex[65] = "", target[PATH_MAX] = "";
    size_t nlen = strlen(name);
    if (plen + nlen + 2 >= PATH_MAX)
        return ward_fail(err, "path too long in the rootfs");
    snprintf(path + plen, PATH_MAX - plen, "/%s", name);
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return ward_fail_errno(err, errno, "stat %s", path);
    if (S_ISREG(st.st_mode) && hash_content(dirfd, name, hex, err) < 0)
        return -1;
    if (S_ISLNK(st.st_mode)) {
        ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
        if (n < 0)
            return ward_fail_errno(err, errno, "readlink %s", path);
        target[n] = '\0';
    }
    snprintf(meta, sizeof(meta), "%o %u %u %lld", (unsigned)st.st_mode, (unsigned)st.st_uid,
             (unsigned)st.st_gid, S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL);
    EVP_DigestUpdate(md, path, strlen(path) + 1);
    EVP_DigestUpdate(md, meta, strlen(meta) + 1);
    EVP_DigestUpdate(md, hex, strlen(hex) + 1);
    EVP_DigestUpdate(md, target, strlen(target) + 1);
    if (S_ISDIR(st.st_mode)) {
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return ward_fail_errno(err, errno, "open %s", path);
        if (walk(md, fd, path, plen + nlen + 1, err) < 0)
            return -1;
    }
    path[plen] = '\0';
    return 0;
}

/* Takes ownership of fd. */
static int walk(EVP_MD_CTX *md, int fd, char *path, size_t plen, ward_err *err)
{
    DIR *d = fdopendir(fd);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    if (d == NULL) {
        close(fd);
        return ward_fail_errno(err, errno, "opendir %s", path);
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            char **grown = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*grown));
            if (grown == NULL) {
                rc = ward_fail_errno(err, ENOMEM, "rootfs digest");
                goto out;
            }
            names = grown;
        }
        if ((names[n] = strdup(de->d_name)) == NULL) {
            rc = ward_fail_errno(err, ENOMEM, "rootfs digest");
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = one(md, dirfd(d), names[i], path, plen, err);
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int img_rootfs_digest(int rootfd, char out[IMG_DIGEST_MAX + 1], ward_err *err)
{
    char path[PATH_MAX] = "";
    uint8_t sum[EVP_MAX_MD_SIZE];
    unsigned int len;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int fd = dup(rootfd), rc;
    if (md == NULL || fd < 0 || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        if (fd >= 0)
            close(fd);
        EVP_MD_CTX_free(md);
        return ward_fail_errno(err, ENOMEM, "rootfs digest");
    }
    rc = walk(md, fd, path, 0, err);
    if (rc == 0) {
        EVP_DigestFinal_ex(md, sum, &len);
        memcpy(out, "sha256:", 7);
        for (unsigned int i = 0; i < 32; i++)
            snprintf(out + 7 + 2 * i, 3, "%02x", sum[i]);
    }
    EVP_MD_CTX_free(md);
    return rc;
}
