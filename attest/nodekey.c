/* SPDX-License-Identifier: Apache-2.0 */
/* The node key file: checked, created, read into locked memory, used, wiped. */
#include "attest/internal.h"
#include "attest/nodekey.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#define KEY_LEN 32

/* One locked page for the secret: never swapped, never in a core dump, wiped before unmapping. */
typedef struct secret_page {
    uint8_t *key;
    size_t size;
} secret_page;

static int secret_alloc(secret_page *s, ward_err *err)
{
    s->size = (size_t)sysconf(_SC_PAGESIZE);
    s->key = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (s->key == MAP_FAILED) {
        s->key = NULL;
        return ward_fail_errno(err, errno, "node key: allocate memory");
    }
    if (mlock(s->key, s->size) < 0) {
        int saved = errno;
        munmap(s->key, s->size);
        s->key = NULL;
        return ward_fail_errno(err, saved, "node key: mlock");
    }
    (void)madvise(s->key, s->size, MADV_DONTDUMP);
    return 0;
}

static void secret_free(secret_page *s)
{
    if (s->key == NULL)
        return;
    explicit_bzero(s->key, s->size);
    munlock(s->key, s->size);
    munmap(s->key, s->size);
    s->key = NULL;
}
#define cleanup_secret __attribute__((cleanup(secret_free)))

static bool scalar_valid(const uint8_t key[KEY_LEN])
{
    return secp256k1_ec_seckey_verify(secp256k1_context_static, key) == 1;
}

/* The key's directory: a real directory, root-owned, no access for group or others. */
static int check_dir(int dfd, const char *dir, ward_err *err)
{
    struct stat st;
    if (fstat(dfd, &st) < 0)
        return ward_fail_errno(err, errno, "node key directory %s", dir);
    if (st.st_uid != 0)
        return ward_fail(err, "node key directory %s: owned by uid %u, must be owned by root", dir,
                         (unsigned)st.st_uid);
    if ((st.st_mode & 07777) != 0700)
        return ward_fail(err, "node key directory %s: mode %04o, must be 0700", dir,
                         (unsigned)(st.st_mode & 07777));
    return 0;
}

static int open_dir(const char *dir, bool create, ward_err *err)
{
    int fd;
    if (create && ward_mkdir_p(dir, 0755, 0700, err) < 0)
        return ward_err_prefix(err, "node key directory");
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return ward_fail_errno(err, errno, "node key directory %s", dir);
    if (check_dir(fd, dir, err) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int read_all(int fd, uint8_t *buf, size_t want, size_t *got)
{
    *got = 0;
    while (*got < want + 1) { /* one more byte than wanted proves there is nothing after */
        ssize_t r = read(fd, buf + *got, want + 1 - *got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        *got += (size_t)r;
    }
    return 0;
}

static int load(int dfd, const char *path, const char *name, uint8_t *key, ward_err *err)
{
    cleanup_close int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    size_t got;

    if (fd < 0)
        return ward_fail_errno(err, errno, "node key %s", path);
    if (fstat(fd, &st) < 0)
        return ward_fail_errno(err, errno, "node key %s", path);
    if (!S_ISREG(st.st_mode))
        return ward_fail(err, "node key %s: not a regular file", path);
    if (st.st_uid != 0)
        return ward_fail(err, "node key %s: owned by uid %u, must be owned by root", path,
                         (unsigned)st.st_uid);
    if ((st.st_mode & 07777) != 0600)
        return ward_fail(err, "node key %s: mode %04o, must be 0600 (refusing to use it)", path,
                         (unsigned)(st.st_mode & 07777));
    if (st.st_size != KEY_LEN)
        return ward_fail(err, "node key %s: %lld bytes, must be exactly %d", path,
                         (long long)st.st_size, KEY_LEN);
    /* the page has room for the one extra byte read_all asks for */
    if (read_all(fd, key, KEY_LEN, &got) < 0)
        return ward_fail_errno(err, errno, "read node key %s", path);
    if (got != KEY_LEN)
        return ward_fail(err, "node key %s: %zu bytes, must be exactly %d", path, got, KEY_LEN);
    if (!scalar_valid(key))
        return ward_fail(err,
                         "node key %s: not a valid secp256k1 private key (zero or not "
                         "below the group order)",
                         path);
    return 0;
}

/* A new key: temp file (0600) in the directory, fsync, link to the name (never replaces one). */
static int create(int dfd, const char *path, const char *name, uint8_t *key, ward_err *err)
{
    char tmp[64];
    int fd;
    do {
        if (getrandom(key, KEY_LEN, 0) != KEY_LEN)
            return ward_fail_errno(err, errno, "node key: getrandom");
    } while (!scalar_valid(key));
    snprintf(tmp, sizeof(tmp), ".node.key.tmp-%d", (int)getpid());
    (void)unlinkat(dfd, tmp, 0);
    fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return ward_fail_errno(err, errno, "create node key %s", path);
    if (fchown(fd, 0, 0) < 0 || fchmod(fd, 0600) < 0 || write(fd, key, KEY_LEN) != KEY_LEN ||
        fsync(fd) < 0) {
        int saved = errno;
        close(fd);
        unlinkat(dfd, tmp, 0);
        return ward_fail_errno(err, saved, "write node key %s", path);
    }
    close(fd);
    if (linkat(dfd, tmp, dfd, name, 0) < 0) {
        int saved = errno;
        unlinkat(dfd, tmp, 0);
        if (saved == EEXIST) /* another ward made it first: use that one */
            return load(dfd, path, name, key, err);
        return ward_fail_errno(err, saved, "create node key %s", path);
    }
    unlinkat(dfd, tmp, 0);
    if (fsync(dfd) < 0)
        return ward_fail_errno(err, errno, "sync node key directory of %s", path);
    return 0;
}

/* Load (or create) the key at path into the locked page s. */
static int key_get(const char *path, bool create_missing, secret_page *s, ward_err *err)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    cleanup_close int dfd = -1;

    if (path[0] != '/' || slash == NULL || slash[1] == '\0')
        return ward_fail(err, "node key %s: must be an absolute file path", path);
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
    dfd = open_dir(dir, create_missing, err);
    if (dfd < 0)
        return -1;
    if (secret_alloc(s, err) < 0)
        return -1;
    if (faccessat(dfd, slash + 1, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT) {
        if (!create_missing)
            return ward_fail_errno(err, ENOENT, "node key %s", path);
        return create(dfd, path, slash + 1, s->key, err);
    }
    return load(dfd, path, slash + 1, s->key, err);
}

int ward_nodekey_public(const char *path, bool create_missing, ward_node_pub *pub, ward_err *err)
{
    cleanup_secret secret_page s = {0};
    if (key_get(path, create_missing, &s, err) < 0)
        return -1;
    return ward_secp_public(s.key, pub, err);
}

int ward_nodekey_sign(const char *path, bool create_missing, const uint8_t digest[32],
                      ward_sig *sig, ward_node_pub *pub, ward_err *err)
{
    cleanup_secret secret_page s = {0};
    if (key_get(path, create_missing, &s, err) < 0)
        return -1;
    if (pub && ward_secp_public(s.key, pub, err) < 0)
        return -1;
    return ward_secp_sign(s.key, digest, sig, err);
}
