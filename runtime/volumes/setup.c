/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Making a volume, step by step: backing file, loop device, LUKS2 header, dm-crypt device opened
 * by a volume key that exists only in mlock'ed memory until activation, filesystem, staging
 * mount, bind mount into the container. Every step's leftovers are found again by name
 * (volume_paths), so a crash at any point is cleaned by volumes_teardown.
 */
#include "runtime/fault.h"
#include "runtime/log.h"
#include "runtime/volumes/internal.h"
#include "spec/base/cleanup.h"
#include "spec/base/hash.h"
#include "spec/json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CIPHER         "aes"
#define CIPHER_MODE    "xts-plain64"
#define XTS_KEY_BYTES  64 /* AES-256 in XTS: two 256-bit keys */
#define HMAC_KEY_BYTES 32 /* hmac(sha256) for dm-integrity */
#define INTEGRITY      "hmac(sha256)"

const char *volumes_dir(const ward_hostconf *hc)
{
    return hc->volumes_dir ? hc->volumes_dir : WARD_DEFAULT_VOLUME_DIR;
}

int volume_paths_make(const char *dir, const char *id, const char *name, volume_paths *p,
                      ward_err *err)
{
    /* dm names are global and short (127 bytes); ids may be 255: a hash of the id keeps the name
     * short and stable, and teardown checks the device's backing file before touching it */
    uint64_t h = ward_fnv1a64(id, strlen(id), WARD_FNV1A64_SEED);
    if (snprintf(p->dir, sizeof(p->dir), "%s/%s", dir, id) >= (int)sizeof(p->dir) ||
        snprintf(p->backing, sizeof(p->backing), "%s/%s.img", p->dir, name) >=
            (int)sizeof(p->backing) ||
        snprintf(p->staging, sizeof(p->staging), "%s/%s.mnt", p->dir, name) >=
            (int)sizeof(p->staging))
        return ward_fail(err, "volume %s: path under %s too long", name, dir);
    snprintf(p->dm_name, sizeof(p->dm_name), "ward-%016llx-%s", (unsigned long long)h, name);
    snprintf(p->dm_path, sizeof(p->dm_path), "/dev/mapper/%s", p->dm_name);
    return 0;
}

/* The volume key: random, in memory that is never swapped, wiped once the kernel holds it. */
typedef struct volume_key {
    char *bytes;
    size_t len;
} volume_key;

static int key_make(volume_key *k, size_t len, ward_err *err)
{
    k->bytes = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (k->bytes == MAP_FAILED) {
        k->bytes = NULL;
        return ward_fail_errno(err, errno, "volume key");
    }
    k->len = len;
    (void)madvise(k->bytes, len, MADV_DONTDUMP);
    if (mlock(k->bytes, len) < 0)
        return ward_fail_errno(err, errno, "volume key: mlock");
    if (getrandom(k->bytes, len, 0) != (ssize_t)len)
        return ward_fail_errno(err, errno, "volume key: getrandom");
    return 0;
}

static void key_wipe(volume_key *k)
{
    if (k->bytes == NULL)
        return;
    explicit_bzero(k->bytes, k->len);
    munlock(k->bytes, k->len);
    munmap(k->bytes, k->len);
    k->bytes = NULL;
}

static int make_backing(const volume_paths *p, uint64_t size, ward_err *err)
{
    cleanup_close int fd = -1;
    if (mkdir(p->dir, 0700) < 0 && errno != EEXIST)
        return ward_fail_errno(err, errno, "mkdir %s", p->dir);
    fd = open(p->backing, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return ward_fail_errno(err, errno, "create %s", p->backing);
    if (ftruncate(fd, (off_t)size) < 0) /* sparse: blocks are used as the container writes */
        return ward_fail_errno(err, errno, "size %s", p->backing);
    return 0;
}

/* LUKS2 header, then dm-crypt opened by the volume key; no keyslot: nothing on disk opens it. */
static int open_crypt(const cryptsetup_api *cs, const volume_spec *v, const volume_paths *p,
                      const char *loopdev, ward_err *err)
{
    struct crypt_params_luks2 params = {.integrity = v->integrity ? INTEGRITY : NULL};
    volume_key key = {0};
    struct crypt_device *cd = NULL;
    size_t key_len = XTS_KEY_BYTES + (v->integrity ? HMAC_KEY_BYTES : 0);
    uint32_t flags = v->integrity ? CRYPT_ACTIVATE_NO_JOURNAL : 0;
    int rc, ret = -1;

    if (key_make(&key, key_len, err) < 0)
        goto out;
    if ((rc = cs->init(&cd, loopdev)) < 0) {
        ward_fail_errno(err, -rc, "volume %s: cryptsetup init %s", v->name, loopdev);
        goto out;
    }
    /* the key goes straight into dm-crypt's table: no second copy in a kernel keyring */
    (void)cs->volume_key_keyring(cd, 0);
    rc = cs->format(cd, CRYPT_LUKS2, CIPHER, CIPHER_MODE, NULL, key.bytes, key.len, &params);
    if (rc < 0) {
        ward_fail_errno(err, -rc, "volume %s: LUKS2 format", v->name);
        goto out;
    }
    fault_point("volume:formatted");
    rc = cs->activate_by_volume_key(cd, p->dm_name, key.bytes, key.len, flags);
    key_wipe(&key); /* the kernel has it now; libcryptsetup wipes its copy in crypt_free */
    if (rc < 0) {
        ward_fail_errno(err, -rc, "volume %s: open dm-crypt device %s", v->name, p->dm_name);
        goto out;
    }
    fault_point("volume:opened");
    /* dm-integrity: every sector needs a valid tag before the filesystem reads it */
    if (v->integrity && (rc = cs->wipe(cd, p->dm_path, CRYPT_WIPE_ZERO, 0, 0, 1 << 20,
                                       CRYPT_WIPE_NO_DIRECT_IO, NULL, NULL)) < 0) {
        ward_fail_errno(err, -rc, "volume %s: initialise integrity tags", v->name);
        goto out;
    }
    ret = 0;
out:
    key_wipe(&key);
    if (cd)
        cs->free(cd);
    return ret;
}

static int run_mkfs(const volume_spec *v, const char *dev, ward_err *err)
{
    /* lazy init: a large volume formats in well under a second */
    char *ext4[] = {
        "mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=1,lazy_journal_init=1,nodiscard",
        (char *)dev, NULL};
    char *xfs[] = {"mkfs.xfs", "-q", "-f", "-K", (char *)dev, NULL};
    char **argv = v->fs == VOLUME_FS_XFS ? xfs : ext4;
    int status;
    pid_t pid = fork();
    if (pid < 0)
        return ward_fail_errno(err, errno, "volume %s: fork %s", v->name, argv[0]);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return ward_fail_errno(err, errno, "volume %s: wait for %s", v->name, argv[0]);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ward_fail(err, "volume %s: %s %s failed (status %d%s)", v->name, argv[0], dev,
                         WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                         WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": not installed" : "");
    return 0;
}

/* The container's user owns the volume's root, as it would a fresh tmpfs it mounts. */
static uid_t host_id(const spec_id_mapping *m, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
            return m[i].host_id + (id - m[i].container_id);
    return n ? (uid_t)-1 : id;
}

static int mount_staging(const volume_spec *v, const volume_paths *p, const spec_config *cfg,
                         ward_err *err)
{
    const spec_linux *l = &cfg->linux_;
    uid_t uid = host_id(l->uid_mappings, l->n_uid_mappings, cfg->process.user.uid);
    gid_t gid = host_id(l->gid_mappings, l->n_gid_mappings, cfg->process.user.gid);
    if (mkdir(p->staging, 0700) < 0 && errno != EEXIST)
        return ward_fail_errno(err, errno, "mkdir %s", p->staging);
    if (mount(p->dm_path, p->staging, v->fs == VOLUME_FS_XFS ? "xfs" : "ext4",
              MS_NOSUID | MS_NODEV | MS_NOATIME, NULL) < 0)
        return ward_fail_errno(err, errno, "volume %s: mount %s", v->name, p->dm_path);
    /* never propagate into other mount namespaces of the host */
    if (mount(NULL, p->staging, NULL, MS_PRIVATE, NULL) < 0)
        return ward_fail_errno(err, errno, "volume %s: make %s private", v->name, p->staging);
    if (uid != (uid_t)-1 && gid != (gid_t)-1 && chown(p->staging, uid, gid) < 0)
        return ward_fail_errno(err, errno, "volume %s: chown", v->name);
    return 0;
}

static int add_bind_mount(spec_config *cfg, const volume_spec *v, const volume_paths *p,
                          ward_err *err)
{
    spec_mount *grown = realloc(cfg->mounts, (cfg->n_mounts + 1) * sizeof(*grown));
    spec_mount *m;
    if (grown == NULL)
        return ward_fail_errno(err, ENOMEM, "volume %s", v->name);
    cfg->mounts = grown;
    m = &cfg->mounts[cfg->n_mounts];
    memset(m, 0, sizeof(*m));
    cfg->n_mounts++;
    m->destination = strdup(v->destination);
    m->type = strdup("bind");
    m->source = strdup(p->staging);
    if (!m->destination || !m->type || !m->source ||
        spec_strv_push(&m->options, "rbind", err) < 0 ||
        spec_strv_push(&m->options, "nosuid", err) < 0 ||
        spec_strv_push(&m->options, "nodev", err) < 0)
        return ward_fail_errno(err, ENOMEM, "volume %s", v->name);
    return 0;
}

static int setup_one(const cryptsetup_api *cs, const char *dir, const char *id,
                     const volume_spec *v, spec_config *cfg, ward_err *err)
{
    char loopdev[PATH_MAX];
    volume_paths p;
    int loopfd, rc;
    if (v->persist)
        return ward_fail(err,
                         "volume %s: persist needs a key sealed to the TPM, which this ward "
                         "does not do yet; ward never downgrades it to an ephemeral volume",
                         v->name);
    if (volume_paths_make(dir, id, v->name, &p, err) < 0 || make_backing(&p, v->size, err) < 0)
        return -1;
    fault_point("volume:backing-made");
    loopfd = loop_attach(p.backing, loopdev, err);
    if (loopfd < 0)
        return -1;
    fault_point("volume:loop-attached");
    rc = open_crypt(cs, v, &p, loopdev, err);
    close(loopfd); /* dm-crypt holds the loop device now (autoclear frees it after) */
    if (rc < 0 || run_mkfs(v, p.dm_path, err) < 0)
        return -1;
    fault_point("volume:mkfs-done");
    if (mount_staging(v, &p, cfg, err) < 0 || add_bind_mount(cfg, v, &p, err) < 0)
        return -1;
    fault_point("volume:mounted");
    ward_log_debug("volume %s: %s (%s) on %s, %llu bytes%s", v->name, p.dm_name, loopdev,
                   v->destination, (unsigned long long)v->size, v->integrity ? ", integrity" : "");
    return 0;
}

/* dir and its missing parents, root's alone (0700): the backing files are the customer's data. */
static int make_dirs(const char *dir, ward_err *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path) || path[0] != '/')
        return ward_fail(err, "volumes.dir %s: must be an absolute path", dir);
    for (char *p = path + 1;; p++) {
        char c = *p;
        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
            return ward_fail_errno(err, errno, "mkdir %s", path);
        *p = c;
        if (c == '\0')
            return 0;
    }
}

int volumes_available(const volume_list *v, ward_err *err)
{
    if (v->len && access("/dev/mapper/control", F_OK) < 0)
        return ward_fail(err,
                         "volume %s: this kernel has no device-mapper (dm-crypt); ward "
                         "never falls back to an unencrypted volume",
                         v->items[0].name);
    return 0;
}

int volumes_setup(const char *dir, const char *id, const volume_list *v, spec_config *cfg,
                  ward_err *err)
{
    const cryptsetup_api *cs;
    ward_err e;
    if (v->len == 0)
        return 0;
    if (volumes_available(v, err) < 0 || cryptsetup_load(&cs, err) < 0)
        return ward_err_prefix(err, "volume %s", v->items[0].name);
    if (make_dirs(dir, err) < 0)
        return -1;
    for (size_t i = 0; i < v->len; i++) {
        if (setup_one(cs, dir, id, &v->items[i], cfg, err) < 0) {
            if (volumes_teardown(dir, id, &e) < 0)
                ward_log_warning("volumes: cleanup after a failed setup: %s", e.msg);
            return -1;
        }
    }
    return 0;
}

int volumes_describe(const volume_list *v, char **json, ward_err *err)
{
    jwriter w;
    size_t len;
    if (jw_init(&w, false, err) < 0)
        return -1;
    jw_open_array(&w);
    for (size_t i = 0; i < v->len; i++) {
        const volume_spec *s = &v->items[i];
        jw_open(&w);
        jw_kstr(&w, "name", s->name);
        jw_kstr(&w, "destination", s->destination);
        jw_ku64(&w, "size", s->size);
        jw_kstr(&w, "fs", s->fs == VOLUME_FS_XFS ? "xfs" : "ext4");
        jw_kstr(&w, "encryption", "luks2 " CIPHER "-" CIPHER_MODE " 512-bit ephemeral key");
        jw_kstr(&w, "integrity", s->integrity ? INTEGRITY : "none");
        jw_kbool(&w, "persist", s->persist);
        jw_close(&w);
    }
    jw_close_array(&w);
    return jw_finish(&w, json, &len, err);
}
