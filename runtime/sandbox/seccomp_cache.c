/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiled filters cached on disk, so that a start does not pay for libseccomp's compilation.
 *
 * File name: <cache_dir>/<key>.bpf, key = FNV-1a 64 of (host header + canonical profile text).
 * FNV is not a cryptographic hash and does not need to be: the file stores the whole canonical
 * text and a hit requires it to match byte for byte, so a collision (accidental or planted)
 * cannot load a filter for another profile. A checksum over the file catches torn or corrupted
 * files. Any problem (absent, short, foreign, corrupt, wrong owner or mode) is a miss: the
 * filter is compiled again and the file rewritten (temp + rename, so readers never see a partial
 * file). The directory is created 0700 and used only when it is owned by us and not group- or
 * world-accessible. No fsync: /run is tmpfs, and a torn file is a miss anyway.
 *
 * Layout: "WARDBPF1" | u32 text_len | u32 n_insns | u32 entries | u32 skipped | text | insns |
 * u64 fnv1a(all before). Host byte order: the cache never leaves the host.
 */

#include "runtime/sandbox/internal.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_MAGIC     "WARDBPF1"
#define CACHE_MAGIC_LEN 8
#define CACHE_HDR_LEN   (CACHE_MAGIC_LEN + 16)
#define CACHE_MAX_TEXT  (1u << 20)

/* mkdir -p with 0700, then open it and check it is ours and private. */
static int open_cache_dir(const char *dir, bool create)
{
    struct stat st;
    int fd;

    if (create) {
        cleanup_free char *copy = strdup(dir);
        if (copy == NULL)
            return -1;
        for (char *p = copy + 1; *p; p++)
            if (*p == '/') {
                *p = '\0';
                if (mkdir(copy, 0700) < 0 && errno != EEXIST)
                    return -1;
                *p = '/';
            }
        if (mkdir(copy, 0700) < 0 && errno != EEXIST)
            return -1;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
        sandbox_debug("seccomp cache: %s is not private to uid %u, not used", dir,
                      (unsigned)geteuid());
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

static void key_name(uint64_t key, char *buf, size_t size)
{
    snprintf(buf, size, "%016llx.bpf", (unsigned long long)key);
}

static int read_all(int fd, unsigned char **data, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 022) != 0 || st.st_size < CACHE_HDR_LEN + 8 ||
        st.st_size > CACHE_MAX_TEXT + BPF_MAXINSNS * 8 + CACHE_HDR_LEN + 8)
        return -1;
    *data = malloc((size_t)st.st_size);
    if (*data == NULL)
        return -1;
    if (pread(fd, *data, (size_t)st.st_size, 0) != st.st_size) {
        free(*data);
        *data = NULL;
        return -1;
    }
    *len = (size_t)st.st_size;
    return 0;
}

int seccomp_cache_get(const char *cache_dir, uint64_t key, const char *text, size_t text_len,
                      seccomp_prog *out)
{
    cleanup_close int dfd = -1, fd = -1;
    cleanup_free unsigned char *data = NULL;
    char name[32];
    uint32_t tlen, n, entries, skipped;
    uint64_t sum;
    size_t len;

    if (cache_dir == NULL || (dfd = open_cache_dir(cache_dir, false)) < 0)
        return 1;
    key_name(key, name, sizeof(name));
    fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || read_all(fd, &data, &len) < 0)
        return 1;
    memcpy(&tlen, data + CACHE_MAGIC_LEN, 4);
    memcpy(&n, data + CACHE_MAGIC_LEN + 4, 4);
    memcpy(&entries, data + CACHE_MAGIC_LEN + 8, 4);
    memcpy(&skipped, data + CACHE_MAGIC_LEN + 12, 4);
    if (memcmp(data, CACHE_MAGIC, CACHE_MAGIC_LEN) != 0 || tlen != text_len || n == 0 ||
        n > BPF_MAXINSNS || len != CACHE_HDR_LEN + (size_t)tlen + (size_t)n * 8 + 8 ||
        memcmp(data + CACHE_HDR_LEN, text, text_len) != 0) {
        sandbox_debug("seccomp cache: %s does not match this profile, rebuilding", name);
        return 1;
    }
    memcpy(&sum, data + len - 8, 8);
    if (sum != ward_fnv1a64(data, len - 8, WARD_FNV1A64_SEED)) {
        sandbox_debug("seccomp cache: %s is corrupt, rebuilding", name);
        return 1;
    }
    out->insns = malloc((size_t)n * sizeof(struct sock_filter));
    if (out->insns == NULL)
        return 1;
    memcpy(out->insns, data + CACHE_HDR_LEN + tlen, (size_t)n * sizeof(struct sock_filter));
    out->len = n;
    out->entries = entries;
    out->skipped = skipped;
    out->from_cache = true;
    return 0;
}

void seccomp_cache_put(const char *cache_dir, uint64_t key, const char *text, size_t text_len,
                       const seccomp_prog *prog)
{
    cleanup_close int dfd = -1, fd = -1;
    cleanup_free unsigned char *data = NULL;
    char name[32], tmp[64];
    uint32_t tlen = (uint32_t)text_len, n = (uint32_t)prog->len;
    uint32_t entries = (uint32_t)prog->entries, skipped = (uint32_t)prog->skipped;
    size_t len = CACHE_HDR_LEN + text_len + prog->len * 8 + 8;
    uint64_t sum;

    if (cache_dir == NULL || text_len > CACHE_MAX_TEXT ||
        (dfd = open_cache_dir(cache_dir, true)) < 0)
        return;
    data = malloc(len);
    if (data == NULL)
        return;
    memcpy(data, CACHE_MAGIC, CACHE_MAGIC_LEN);
    memcpy(data + CACHE_MAGIC_LEN, &tlen, 4);
    memcpy(data + CACHE_MAGIC_LEN + 4, &n, 4);
    memcpy(data + CACHE_MAGIC_LEN + 8, &entries, 4);
    memcpy(data + CACHE_MAGIC_LEN + 12, &skipped, 4);
    memcpy(data + CACHE_HDR_LEN, text, text_len);
    memcpy(data + CACHE_HDR_LEN + text_len, prog->insns, prog->len * 8);
    sum = ward_fnv1a64(data, len - 8, WARD_FNV1A64_SEED);
    memcpy(data + len - 8, &sum, 8);

    key_name(key, name, sizeof(name));
    snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, (int)getpid());
    fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        sandbox_debug("seccomp cache: cannot create %s/%s: %s", cache_dir, tmp, strerror(errno));
        return;
    }
    if (ward_write_all(fd, data, len) < 0 || renameat(dfd, tmp, dfd, name) < 0) {
        sandbox_debug("seccomp cache: cannot write %s/%s: %s", cache_dir, name, strerror(errno));
        unlinkat(dfd, tmp, 0);
    }
}
