/* SPDX-License-Identifier: Apache-2.0 */
/* The outputs walk (sorted, never following a symlink) and the parallel hashing of its files. */
#include "attest/outputs.h"
#include "spec/base/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <openssl/evp.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define READ_CHUNK  ((size_t)256 << 10)
#define MAX_DEPTH   256
#define MAX_OUTPUTS 1000000
#define MAX_THREADS 16

static int push(ward_outputs *o, char *name, ward_err *err)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256;
        ward_output *v;
        if (o->n >= MAX_OUTPUTS) {
            free(name);
            return ward_fail(err, "outputs: more than %d files", MAX_OUTPUTS);
        }
        v = realloc(o->v, cap * sizeof(*v));
        if (v == NULL) {
            free(name);
            return ward_fail_errno(err, ENOMEM, "outputs");
        }
        o->v = v;
        o->cap = cap;
    }
    memset(&o->v[o->n], 0, sizeof(o->v[0]));
    o->v[o->n++].name = name;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int sha256_text(const char *s, uint8_t out[32], ward_err *err)
{
    unsigned n = 32;
    if (EVP_Digest(s, strlen(s), out, &n, EVP_sha256(), NULL) != 1)
        return ward_fail(err, "outputs: SHA-256 failed");
    return 0;
}

static int add_link(int dfd, const char *name, char *path, ward_outputs *o, ward_err *err)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
    ward_output *e;
    if (n < 0) {
        ward_fail_errno(err, errno, "outputs: %s: readlink", path);
        free(path);
        return -1;
    }
    target[n] = '\0';
    if (push(o, path, err) < 0)
        return -1;
    e = &o->v[o->n - 1];
    e->link_target = strdup(target);
    if (e->link_target == NULL)
        return ward_fail_errno(err, ENOMEM, "outputs");
    return sha256_text(target, e->sha256, err);
}

/* Sorted names of the entries of directory fd (consumes nothing: dups fd for readdir). */
static int list_dir(int fd, const char *path, char ***names, size_t *n, ward_err *err)
{
    int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    struct dirent *de;
    size_t cap = 0;

    *names = NULL;
    *n = 0;
    if (d == NULL) {
        if (dup_fd >= 0)
            close(dup_fd);
        return ward_fail_errno(err, errno, "outputs: %s: cannot read the directory", path);
    }
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (*n == cap) {
            char **v = realloc(*names, (cap = cap ? cap * 2 : 64) * sizeof(char *));
            if (v == NULL)
                break;
            *names = v;
        }
        if (((*names)[*n] = strdup(de->d_name)) == NULL)
            break;
        (*n)++;
        errno = 0;
    }
    if (errno) {
        int saved = errno;
        closedir(d);
        return ward_fail_errno(err, saved, "outputs: %s: cannot read the directory", path);
    }
    closedir(d);
    if (*n)
        qsort(*names, *n, sizeof(char *), cmp_str);
    return 0;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int walk(int fd, const char *path, int depth, ward_outputs *o, ward_err *err);

static int visit(int dfd, const char *path, const char *name, int depth, ward_outputs *o,
                 ward_err *err)
{
    struct stat st;
    char *child;

    if (asprintf(&child, "%s/%s", path, name) < 0)
        return ward_fail_errno(err, ENOMEM, "outputs");
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        ward_fail_errno(err, errno, "outputs: %s", child);
        free(child);
        return -1;
    }
    if (S_ISLNK(st.st_mode))
        return add_link(dfd, name, child, o, err);
    if (S_ISREG(st.st_mode))
        return push(o, child, err); /* hashed later, in parallel */
    if (S_ISDIR(st.st_mode)) {
        int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int r;
        if (sub < 0) {
            ward_fail_errno(err, errno, "outputs: %s: cannot open the directory", child);
            free(child);
            return -1;
        }
        r = walk(sub, child, depth + 1, o, err);
        close(sub);
        free(child);
        return r;
    }
    ward_fail(err, "outputs: %s: not a regular file, directory or symlink (mode %06o)", child,
              (unsigned)st.st_mode);
    free(child);
    return -1;
}

static int walk(int fd, const char *path, int depth, ward_outputs *o, ward_err *err)
{
    char **names;
    size_t n;
    int r = 0;
    if (depth > MAX_DEPTH)
        return ward_fail(err, "outputs: %s: nested deeper than %d directories", path, MAX_DEPTH);
    if (list_dir(fd, path, &names, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n && r == 0; i++)
        r = visit(fd, path, names[i], depth, o, err);
    free_names(names, n);
    return r;
}

/* ---- hashing ---- */

typedef struct hash_job {
    int root_fd;
    size_t skip; /* length of "<prefix>/" in each name: the rest is relative to root_fd */
    ward_outputs *o;
    size_t from;
    size_t next; /* next index to take, under lock */
    pthread_mutex_t lock;
    bool failed;
    ward_err err;
} hash_job;

static int hash_fd(int fd, const char *name, uint8_t out[32], uint8_t *buf, ward_err *err)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned n = 32;
    int r = -1;

    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return ward_fail(err, "outputs: SHA-256 init failed");
    }
    for (;;) {
        ssize_t got = read(fd, buf, READ_CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            ward_fail_errno(err, errno, "outputs: %s: read", name);
            break;
        }
        if (got == 0) {
            r = EVP_DigestFinal_ex(md, out, &n) == 1 ? 0
                                                     : ward_fail(err, "outputs: SHA-256 failed");
            break;
        }
        if (EVP_DigestUpdate(md, buf, (size_t)got) != 1) {
            ward_fail(err, "outputs: SHA-256 failed");
            break;
        }
    }
    EVP_MD_CTX_free(md);
    return r;
}

static int hash_one(hash_job *j, ward_output *e, uint8_t *buf, ward_err *err)
{
    struct open_how how = {
        .flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    const char *rel = e->name[j->skip] ? e->name + j->skip : ".";
    cleanup_close int fd = (int)syscall(SYS_openat2, j->root_fd, rel, &how, sizeof(how));
    struct stat st;

    if (fd < 0)
        return ward_fail_errno(err, errno, "outputs: %s: cannot open", e->name);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        return ward_fail(err, "outputs: %s: no longer a regular file", e->name);
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return hash_fd(fd, e->name, e->sha256, buf, err);
}

static void *hash_worker(void *arg)
{
    hash_job *j = arg;
    uint8_t *buf = malloc(READ_CHUNK);
    ward_err err = {0};

    for (;;) {
        size_t i;
        pthread_mutex_lock(&j->lock);
        if (buf == NULL && !j->failed) {
            j->failed = true;
            ward_fail_errno(&j->err, ENOMEM, "outputs");
        }
        /* skip symlinks (already hashed) */
        while (j->next < j->o->n && j->o->v[j->next].link_target != NULL)
            j->next++;
        i = j->next++;
        if (j->failed || i >= j->o->n) {
            pthread_mutex_unlock(&j->lock);
            break;
        }
        pthread_mutex_unlock(&j->lock);
        if (hash_one(j, &j->o->v[i], buf, &err) < 0) {
            pthread_mutex_lock(&j->lock);
            if (!j->failed) {
                j->failed = true;
                j->err = err;
            }
            pthread_mutex_unlock(&j->lock);
            break;
        }
    }
    free(buf);
    return NULL;
}

static int hash_all(hash_job *j, unsigned threads, ward_err *err)
{
    pthread_t tid[MAX_THREADS];
    unsigned started = 0;
    size_t files = j->o->n - j->from;

    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 ? (unsigned)cpus : 1;
    }
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    if (threads > files)
        threads = files ? (unsigned)files : 1;
    pthread_mutex_init(&j->lock, NULL);
    j->next = j->from;
    /* this thread is one of the workers */
    for (unsigned t = 1; t < threads; t++)
        if (pthread_create(&tid[started], NULL, hash_worker, j) == 0)
            started++;
    hash_worker(j);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&j->lock);
    if (j->failed) {
        *err = j->err;
        return -1;
    }
    return 0;
}

/* A single-file output: reopened for reading through our own fd (it may be O_PATH). */
static int add_file(int fd, char *name, ward_outputs *out, ward_err *err)
{
    cleanup_free uint8_t *buf = malloc(READ_CHUNK);
    cleanup_close int rfd = -1;
    char proc[64];
    struct stat st;

    if (push(out, name, err) < 0)
        return -1;
    if (buf == NULL)
        return ward_fail_errno(err, ENOMEM, "outputs");
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    rfd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (rfd < 0)
        return ward_fail_errno(err, errno, "outputs: %s: cannot open", name);
    if (fstat(rfd, &st) < 0 || !S_ISREG(st.st_mode))
        return ward_fail(err, "outputs: %s: no longer a regular file", name);
    return hash_fd(rfd, name, out->v[out->n - 1].sha256, buf, err);
}

int ward_outputs_add(int fd, const char *prefix, unsigned threads, ward_outputs *out, ward_err *err)
{
    hash_job j = {.root_fd = fd, .o = out, .from = out->n};
    cleanup_close int dir = -1;
    char *name;
    struct stat st;

    if (fstat(fd, &st) < 0)
        return ward_fail_errno(err, errno, "outputs: %s", prefix);
    if (S_ISREG(st.st_mode)) {
        if ((name = strdup(prefix)) == NULL)
            return ward_fail_errno(err, ENOMEM, "outputs");
        return add_file(fd, name, out, err);
    } else if (S_ISDIR(st.st_mode)) {
        dir = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
            return ward_fail_errno(err, errno, "outputs: %s: cannot open the directory", prefix);
        if (walk(dir, prefix, 0, out, err) < 0)
            return -1;
        j.skip = strlen(prefix) + 1;
        j.root_fd = dir;
    } else {
        return ward_fail(err, "outputs: %s: not a directory or regular file", prefix);
    }
    return hash_all(&j, threads, err);
}

static int cmp_output(const void *a, const void *b)
{
    return strcmp(((const ward_output *)a)->name, ((const ward_output *)b)->name);
}

int ward_outputs_sort(ward_outputs *out, ward_err *err)
{
    if (out->n > 1)
        qsort(out->v, out->n, sizeof(out->v[0]), cmp_output);
    for (size_t i = 1; i < out->n; i++)
        if (strcmp(out->v[i - 1].name, out->v[i].name) == 0)
            return ward_fail(err, "outputs: \"%s\" given twice (two outputs with one name?)",
                             out->v[i].name);
    return 0;
}

void ward_outputs_free(ward_outputs *out)
{
    for (size_t i = 0; i < out->n; i++) {
        free(out->v[i].name);
        free(out->v[i].link_target);
    }
    free(out->v);
    memset(out, 0, sizeof(*out));
}
