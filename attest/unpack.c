/* SPDX-License-Identifier: Apache-2.0 */
/* The unpack as a whole: manifest, config, layers into a staging directory, then one rename. */
#include "attest/unpack_fs.h"
#include "attest/unpack_internal.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX ((size_t)8 << 20)

static int descriptor(const jnode *d, const char **digest, int64_t *size, const char **mt,
                      ward_err *err)
{
    const jnode *dg = json_get(d, "digest"), *sz = json_get(d, "size"),
                *m = json_get(d, "mediaType");
    char *end;
    if (d->type != JT_OBJECT || dg == NULL || dg->type != JT_STRING || sz == NULL ||
        sz->type != JT_NUMBER || (m != NULL && m->type != JT_STRING))
        return ward_fail(err, "manifest: a descriptor without digest and size");
    *digest = dg->u.s;
    *mt = m ? m->u.s : "";
    errno = 0;
    *size = strtoll(sz->u.s, &end, 10);
    if (errno || *end || *size < 0)
        return ward_fail(err, "manifest: descriptor size %.32s", sz->u.s);
    return 0;
}

static int write_file_at(int dirfd, const char *name, const char *text, size_t len, ward_err *err)
{
    cleanup_close int fd =
        openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    size_t done = 0;
    if (fd < 0)
        return ward_fail_errno(err, errno, "create %s", name);
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return ward_fail_errno(err, errno, "write %s", name);
        done += (size_t)w;
    }
    if (fsync(fd) < 0)
        return ward_fail_errno(err, errno, "fsync %s", name);
    return 0;
}

static int unpack_into(const img_source *src, int stagefd, const unpack_opts *o, ward_err *err)
{
    cleanup_json jnode *m = NULL, *cfg = NULL;
    cleanup_free uint8_t *cfg_bytes = NULL;
    cleanup_free char *json = NULL;
    cleanup_close int rootfd = -1;
    const jnode *layers, *config;
    const char *digest, *mt;
    int64_t size;
    size_t len;
    unpack_budget b = {.o = o};

    if (json_parse((const char *)src->manifest, src->manifest_len, &m, err) < 0)
        return ward_err_prefix(err, "manifest");
    config = json_get(m, "config");
    layers = json_get(m, "layers");
    if (config == NULL || layers == NULL || layers->type != JT_ARRAY)
        return ward_fail(err, "manifest: not an image manifest (no config or layers)");
    if (descriptor(config, &digest, &size, &mt, err) < 0 ||
        imgsrc_read_blob(src->path, digest, size, CONFIG_MAX, &cfg_bytes, err) < 0 ||
        json_parse((const char *)cfg_bytes, (size_t)size, &cfg, err) < 0)
        return ward_err_prefix(err, "image config");
    if (mkdirat(stagefd, "rootfs", 0755) < 0 ||
        (rootfd = openat(stagefd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return ward_fail_errno(err, errno, "rootfs");
    for (size_t i = 0; i < layers->len; i++)
        if (descriptor(layers->u.items[i], &digest, &size, &mt, err) < 0 ||
            unpack_layer(rootfd, src->path, digest, size, mt, &b, err) < 0)
            return -1;
    if (unpack_config_json(cfg, rootfd, o, src->manifest_digest, &json, &len, err) < 0)
        return -1;
    return write_file_at(stagefd, "config.json", json, len, err);
}

/* mkdir -p for the records directory (root-only: 0700). */
static int make_dirs(const char *path, ward_err *err)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf) || buf[0] != '/')
        return ward_fail_errno(err, EINVAL, "records directory %s: not an absolute path", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0700) < 0 && errno != EEXIST)
                return ward_fail_errno(err, errno, "mkdir %s", buf);
            *p = c;
            if (c == '\0')
                return 0;
        }
    }
}

static int write_record(const img_source *src, const unpack_opts *o, const char *rootfs_digest,
                        ward_err *err)
{
    char path[PATH_MAX], tmp[PATH_MAX + 8];
    cleanup_free char *json = NULL;
    cleanup_close int dfd = -1;
    size_t len;
    jwriter w;
    if (make_dirs(o->records, err) < 0)
        return -1;
    if (jw_init(&w, true, err) < 0)
        return -1;
    jw_open(&w);
    jw_kstr(&w, "image", o->image);
    jw_kstr(&w, "ref", o->ref);
    jw_kstr(&w, "manifestDigest", src->manifest_digest);
    jw_kstr(&w, "decisionDigest", o->verified);
    jw_kstr(&w, "rootfsDigest", rootfs_digest);
    jw_close(&w);
    if (jw_finish(&w, &json, &len, err) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s.json", src->manifest_digest + 7);
    snprintf(tmp, sizeof(tmp), ".%s.tmp", path);
    dfd = open(o->records, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ward_fail_errno(err, errno, "open %s", o->records);
    unlinkat(dfd, tmp, 0);
    if (write_file_at(dfd, tmp, json, len, err) < 0)
        return ward_err_prefix(err, "record in %s", o->records);
    if (renameat(dfd, tmp, dfd, path) < 0)
        return ward_fail_errno(err, errno, "record %s/%s", o->records, path);
    return 0;
}

int img_unpack(const img_source *src, const char *bundle, const unpack_opts *o, ward_err *err)
{
    char rootfs_digest[IMG_DIGEST_MAX + 1] = "";
    char stage[PATH_MAX];
    cleanup_close int stagefd = -1;
    struct stat st;
    int rc;

    if (strcmp(src->transport, "oci") != 0)
        return ward_fail_errno(err, EINVAL, "unpack reads OCI layouts (oci:DIR[:TAG]) only");
    if (lstat(bundle, &st) == 0 || errno != ENOENT)
        return ward_fail_errno(err, EEXIST, "bundle %s already exists", bundle);
    if (snprintf(stage, sizeof(stage), "%s.ward-staging-XXXXXX", bundle) >= (int)sizeof(stage))
        return ward_fail_errno(err, ENAMETOOLONG, "bundle %s", bundle);
    if (mkdtemp(stage) == NULL)
        return ward_fail_errno(err, errno, "staging directory for %s", bundle);
    stagefd = open(stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    rc = stagefd < 0 ? ward_fail_errno(err, errno, "open %s", stage)
                     : unpack_into(src, stagefd, o, err);
    if (rc == 0 && o->records != NULL) {
        int rootfd = openat(stagefd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        rc = rootfd < 0 ? ward_fail_errno(err, errno, "rootfs")
                        : img_rootfs_digest(rootfd, rootfs_digest, err);
        if (rootfd >= 0)
            close(rootfd);
    }
    if (rc == 0 && (fchmod(stagefd, 0755) < 0 || syncfs(stagefd) < 0))
        rc = ward_fail_errno(err, errno, "staging directory %s", stage);
    if (rc == 0 && renameat2(AT_FDCWD, stage, AT_FDCWD, bundle, RENAME_NOREPLACE) < 0)
        rc = ward_fail_errno(err, errno, "move %s into place", stage);
    if (rc < 0) {
        unpack_remove_tree(stage);
        return -1;
    }
    if (o->records != NULL && write_record(src, o, rootfs_digest, err) < 0) {
        unpack_remove_tree(bundle); /* no bundle that create would refuse anyway */
        return -1;
    }
    return 0;
}
