/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One layer: libarchive reads the tar (gzip or zstd as the media type says) from a callback that
 * hashes and counts every byte of the blob; entries are written beneath the rootfs fd by name,
 * never through a symlink. The blob's digest and size are compared when the stream ends (the
 * whole unpack is only moved into place after that).
 */
#include "attest/unpack_fs.h"
#include "attest/unpack_internal.h"
#include "spec/base/cleanup.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WHITEOUT        ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"
#define READ_CHUNK      (256 * 1024)

typedef struct blob_reader {
    int fd;
    EVP_MD_CTX *md;
    uint64_t count, limit;
    uint8_t buf[READ_CHUNK];
} blob_reader;

static la_ssize_t blob_read(struct archive *a, void *data, const void **out)
{
    blob_reader *r = data;
    ssize_t n;
    do
        n = read(r->fd, r->buf, sizeof(r->buf));
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        archive_set_error(a, errno, "read blob");
        return -1;
    }
    r->count += (uint64_t)n;
    if (r->count > r->limit) {
        archive_set_error(a, EFBIG, "blob is longer than its descriptor's size");
        return -1;
    }
    EVP_DigestUpdate(r->md, r->buf, (size_t)n);
    *out = r->buf;
    return n;
}

/* Paths made by the current layer (an opaque directory keeps those, drops the rest). */
typedef struct path_set {
    char **slots;
    size_t cap, n;
} path_set;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static bool set_has(const path_set *s, const char *p)
{
    if (s->cap == 0)
        return false;
    for (size_t i = fnv1a(p) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (s->slots[i] == NULL)
            return false;
        if (strcmp(s->slots[i], p) == 0)
            return true;
    }
}

static int set_add(path_set *s, const char *p)
{
    if (set_has(s, p))
        return 0;
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        char **slots = calloc(cap, sizeof(*slots));
        if (slots == NULL)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i]) {
                size_t j = fnv1a(s->slots[i]) & (cap - 1);
                while (slots[j])
                    j = (j + 1) & (cap - 1);
                slots[j] = s->slots[i];
            }
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    size_t i = fnv1a(p) & (s->cap - 1);
    while (s->slots[i])
        i = (i + 1) & (s->cap - 1);
    if ((s->slots[i] = strdup(p)) == NULL)
        return -1;
    s->n++;
    return 0;
}

static void set_free(path_set *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i]);
    free(s->slots);
}

typedef struct layer_ctx {
    int rootfd;
    struct archive *a;
    path_set made;
    unpack_budget *b;
    bool root;
} layer_ctx;

/* Owner, mode (after chown, which clears setuid), times; fd is the object itself. */
static int apply_meta_fd(layer_ctx *l, int fd, struct archive_entry *e, const char *path,
                         ward_err *err)
{
    struct timespec ts[2] = {{archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
                             {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
    if (l->root && fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0)
        return ward_fail_errno(err, errno, "entry %s: chown", path);
    if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
        return ward_fail_errno(err, errno, "entry %s: chmod", path);
    if (futimens(fd, ts) < 0)
        return ward_fail_errno(err, errno, "entry %s: times", path);
    return 0;
}

static int write_data(layer_ctx *l, int fd, struct archive_entry *e, const char *path,
                      ward_err *err)
{
    const void *buf;
    size_t size;
    la_int64_t off;
    int r;
    while ((r = archive_read_data_block(l->a, &buf, &size, &off)) == ARCHIVE_OK) {
        const char *p = buf;
        while (size > 0) {
            ssize_t w = pwrite(fd, p, size, off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                return ward_fail_errno(err, errno, "entry %s: write", path);
            p += w;
            size -= (size_t)w;
            off += w;
        }
    }
    if (r != ARCHIVE_EOF)
        return ward_fail(err, "entry %s: %s", path, archive_error_string(l->a));
    if (ftruncate(fd, archive_entry_size(e)) < 0) /* a sparse file's trailing hole */
        return ward_fail_errno(err, errno, "entry %s: truncate", path);
    return 0;
}

static int make_file(layer_ctx *l, int pfd, const char *name, struct archive_entry *e,
                     const char *path, ward_err *err)
{
    cleanup_close int fd =
        openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return ward_fail_errno(err, errno, "entry %s: create", path);
    if (write_data(l, fd, e, path, err) < 0)
        return -1;
    return apply_meta_fd(l, fd, e, path, err);
}

static int make_dir(layer_ctx *l, int pfd, const char *name, struct archive_entry *e,
                    const char *path, ward_err *err)
{
    cleanup_close int fd = -1;
    if (mkdirat(pfd, name, 0700) < 0 && errno != EEXIST)
        return ward_fail_errno(err, errno, "entry %s: mkdir", path);
    fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return ward_fail_errno(err, errno, "entry %s: open directory", path);
    return apply_meta_fd(l, fd, e, path, err);
}

static int make_other(layer_ctx *l, int pfd, const char *name, struct archive_entry *e,
                      const char *path, ward_err *err)
{
    struct timespec ts[2] = {{archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
                             {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
    mode_t type = archive_entry_filetype(e);
    if (type == AE_IFLNK) {
        if (symlinkat(archive_entry_symlink(e), pfd, name) < 0)
            return ward_fail_errno(err, errno, "entry %s: symlink", path);
    } else if (mkfifoat(pfd, name, 0600) < 0)
        return ward_fail_errno(err, errno, "entry %s: mkfifo", path);
    if (l->root && fchownat(pfd, name, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e),
                            AT_SYMLINK_NOFOLLOW) < 0)
        return ward_fail_errno(err, errno, "entry %s: chown", path);
    if (type != AE_IFLNK && fchmodat(pfd, name, archive_entry_perm(e) & 0777, 0) < 0)
        return ward_fail_errno(err, errno, "entry %s: chmod", path);
    if (utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
        return ward_fail_errno(err, errno, "entry %s: times", path);
    return 0;
}

/* A hard link: its target is cleaned and walked like any entry, so it stays in the rootfs. */
static int make_hardlink(layer_ctx *l, int pfd, const char *name, const char *target,
                         const char *path, ward_err *err)
{
    char clean[PATH_MAX];
    const char *tname;
    int tfd, rc;
    if (unpack_clean_path(target, clean, sizeof(clean), err) < 0)
        return ward_err_prefix(err, "hard link %s", path);
    if (clean[0] == '\0')
        return ward_fail(err, "entry %s: hard link to the root", path);
    tfd = unpack_open_parent(l->rootfd, clean, false, &tname, err);
    if (tfd < 0)
        return ward_err_prefix(err, "hard link %s", path);
    rc = linkat(tfd, tname, pfd, name, 0);
    close(tfd);
    if (rc < 0)
        return ward_fail_errno(err, errno, "entry %s: link to %s", path, clean);
    return 0;
}

/* Everything in dir not made by this layer goes. */
static int apply_opaque(layer_ctx *l, const char *dir, ward_err *err)
{
    char probe[PATH_MAX * 2];
    cleanup_close int fd = -1;
    DIR *d;
    struct dirent *de;
    int rc = 0;
    if (dir[0] == '\0')
        fd = dup(l->rootfd);
    else {
        const char *name;
        int pfd = unpack_open_parent(l->rootfd, dir, false, &name, err);
        if (pfd < 0)
            return errno == ENOENT ? 0 : -1;
        fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(pfd);
        if (fd < 0)
            return errno == ENOENT ? 0 : ward_fail_errno(err, errno, "opaque %s", dir);
    }
    d = fdopendir(fd);
    if (d == NULL)
        return ward_fail_errno(err, errno, "opaque %s", dir);
    fd = -1;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(probe, sizeof(probe), "%s%s%s", dir, dir[0] ? "/" : "", de->d_name);
        if (!set_has(&l->made, probe) && unpack_remove_at(dirfd(d), de->d_name, err) < 0) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    return rc;
}

static int budget(layer_ctx *l, struct archive_entry *e, const char *path, ward_err *err)
{
    uint64_t size = archive_entry_size(e) > 0 ? (uint64_t)archive_entry_size(e) : 0;
    if (++l->b->files > l->b->o->max_files)
        return ward_fail(err, "more than %llu entries (a tar bomb?)",
                         (unsigned long long)l->b->o->max_files);
    if (size > l->b->o->max_bytes - l->b->bytes)
        return ward_fail(err, "entry %s: %llu bytes would pass the %llu-byte limit (a tar bomb?)",
                         path, (unsigned long long)size, (unsigned long long)l->b->o->max_bytes);
    l->b->bytes += size;
    return 0;
}

static int one_entry(layer_ctx *l, struct archive_entry *e, ward_err *err)
{
    char path[PATH_MAX];
    const char *name, *hardlink = archive_entry_hardlink(e);
    mode_t type = archive_entry_filetype(e);
    cleanup_close int pfd = -1;
    int rc;

    if (unpack_clean_path(archive_entry_pathname(e), path, sizeof(path), err) < 0 ||
        budget(l, e, path, err) < 0)
        return -1;
    if (path[0] == '\0') { /* "./": the root directory's own metadata */
        if (type != AE_IFDIR)
            return ward_fail(err, "entry \"%s\": the root is not a directory",
                             archive_entry_pathname(e));
        return apply_meta_fd(l, l->rootfd, e, "/", err);
    }
    pfd = unpack_open_parent(l->rootfd, path, true, &name, err);
    if (pfd < 0)
        return -1;
    if (strcmp(name, WHITEOUT_OPAQUE) == 0) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof(dir), "%.*s", (int)(name - path ? name - path - 1 : 0), path);
        return apply_opaque(l, dir, err);
    }
    if (strncmp(name, WHITEOUT, 4) == 0) {
        const char *victim = name + 4;
        if (victim[0] == '\0' || strcmp(victim, ".") == 0 || strcmp(victim, "..") == 0)
            return ward_fail(err, "entry %s: whiteout of \"%s\"", path, victim);
        return unpack_remove_at(pfd, victim, err);
    }
    if (hardlink == NULL && (type == AE_IFCHR || type == AE_IFBLK))
        return ward_fail(err,
                         "entry %s: device node (refused: containers get their devices "
                         "from the runtime)",
                         path);
    if (hardlink == NULL && type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK &&
        type != AE_IFIFO)
        return ward_fail(err, "entry %s: unsupported file type 0%o", path, (unsigned)type);
    /* Replace what lower layers left, except a directory by a directory. */
    if (!(type == AE_IFDIR && hardlink == NULL)) {
        if (unpack_remove_at(pfd, name, err) < 0)
            return -1;
    } else {
        struct stat st;
        if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode) &&
            unpack_remove_at(pfd, name, err) < 0)
            return -1;
    }
    if (hardlink != NULL)
        rc = make_hardlink(l, pfd, name, hardlink, path, err);
    else if (type == AE_IFREG)
        rc = make_file(l, pfd, name, e, path, err);
    else if (type == AE_IFDIR)
        rc = make_dir(l, pfd, name, e, path, err);
    else
        rc = make_other(l, pfd, name, e, path, err);
    if (rc < 0)
        return -1;
    return set_add(&l->made, path) < 0 ? ward_fail_errno(err, ENOMEM, "unpack") : 0;
}

static int open_archive(struct archive *a, const char *media_type, blob_reader *r, ward_err *err)
{
    archive_read_support_format_tar(a);
    if (strstr(media_type, "+zstd") != NULL)
        archive_read_support_filter_zstd(a);
    else if (strstr(media_type, "gzip") != NULL)
        archive_read_support_filter_gzip(a);
    else if (strstr(media_type, "tar") == NULL || strchr(media_type, '+') != NULL)
        return ward_fail(err, "layer media type %s is not supported", media_type);
    if (archive_read_open(a, r, NULL, blob_read, NULL) != ARCHIVE_OK)
        return ward_fail(err, "layer: %s", archive_error_string(a));
    return 0;
}

/* Read what libarchive left (tar padding, compression trailers) and compare digest and size. */
static int finish_digest(blob_reader *r, const char *digest, int64_t size, ward_err *err)
{
    uint8_t sum[EVP_MAX_MD_SIZE];
    char hex[2 * 32 + 1];
    unsigned int len;
    for (;;) {
        ssize_t n = read(r->fd, r->buf, sizeof(r->buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ward_fail_errno(err, errno, "read blob");
        if (n == 0)
            break;
        r->count += (uint64_t)n;
        if (r->count > r->limit)
            break;
        EVP_DigestUpdate(r->md, r->buf, (size_t)n);
    }
    if (r->count != (uint64_t)size)
        return ward_fail(err, "layer %s: %s bytes, the manifest says %lld", digest,
                         r->count > r->limit ? "more" : "fewer", (long long)size);
    EVP_DigestFinal_ex(r->md, sum, &len);
    for (unsigned int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sum[i]);
    if (strcmp(hex, digest + 7) != 0)
        return ward_fail(err, "layer %s: content digest is sha256:%s", digest, hex);
    return 0;
}

int unpack_layer(int rootfd, const char *layout, const char *digest, int64_t size,
                 const char *media_type, unpack_budget *b, ward_err *err)
{
    char path[PATH_MAX + 128];
    layer_ctx l = {.rootfd = rootfd, .b = b, .root = geteuid() == 0};
    blob_reader *r;
    struct archive_entry *e;
    int rc = -1, st;

    if (!img_digest_valid(digest) || size < 0)
        return ward_fail(err, "layer descriptor: bad digest or size");
    snprintf(path, sizeof(path), "%s/blobs/sha256/%s", layout, digest + 7);
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return ward_fail_errno(err, ENOMEM, "unpack");
    r->limit = (uint64_t)size;
    r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    r->md = EVP_MD_CTX_new();
    l.a = archive_read_new();
    if (r->fd < 0) {
        ward_fail_errno(err, errno, "layer %s", digest);
        goto out;
    }
    if (r->md == NULL || l.a == NULL || EVP_DigestInit_ex(r->md, EVP_sha256(), NULL) != 1) {
        ward_fail_errno(err, ENOMEM, "unpack");
        goto out;
    }
    if (open_archive(l.a, media_type, r, err) < 0)
        goto out;
    while ((st = archive_read_next_header(l.a, &e)) == ARCHIVE_OK || st == ARCHIVE_WARN)
        if (one_entry(&l, e, err) < 0) {
            ward_err_prefix(err, "layer %s", digest);
            goto out;
        }
    if (st != ARCHIVE_EOF) {
        ward_fail(err, "layer %s: %s", digest, archive_error_string(l.a));
        goto out;
    }
    rc = finish_digest(r, digest, size, err);
out:
    if (l.a)
        archive_read_free(l.a);
    set_free(&l.made);
    EVP_MD_CTX_free(r->md);
    if (r->fd >= 0)
        close(r->fd);
    free(r);
    return rc;
}
