/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Removing a container's volumes: whatever volumes_setup made, or a crash of ward at any step
 * left, is found by name under <dir>/<id>/ and removed in reverse order: staging mount, dm-crypt
 * device, loop device, LUKS header (zeroed), backing file (discarded, unlinked), directory.
 * Only names ward gives are touched (<name>.img, <name>.mnt): never a blind recursive delete.
 */
#include "runtime/fault.h"
#include "runtime/log.h"
#include "runtime/volumes/internal.h"
#include "spec/base/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* LUKS2's default header area (the data offset): what holds the header and its backup. */
#define LUKS2_HEADER_BYTES (16 << 20)

/* The device-mapper devices that exist, by the kernel's word (/sys/block/dm-N/dm/name): nodes
 * in /dev/mapper may be missing or stale where no udev runs. Calls fn for each name until it
 * returns non-zero, and returns that. */
static int each_dm_name(int (*fn)(const char *name, void *arg), void *arg)
{
    DIR *d = opendir("/sys/block");
    struct dirent *de;
    int rc = 0;
    while (d && rc == 0 && (de = readdir(d)) != NULL) {
        char path[PATH_MAX], name[128];
        FILE *f;
        if (strncmp(de->d_name, "dm-", 3) != 0)
            continue;
        snprintf(path, sizeof(path), "/sys/block/%s/dm/name", de->d_name);
        if ((f = fopen(path, "re")) == NULL)
            continue;
        if (fgets(name, sizeof(name), f)) {
            name[strcspn(name, "\n")] = '\0';
            rc = fn(name, arg);
        }
        fclose(f);
    }
    if (d)
        closedir(d);
    return rc;
}

static int is_name(const char *name, void *arg)
{
    return strcmp(name, (const char *)arg) == 0;
}

static bool dm_exists(const char *name)
{
    return each_dm_name(is_name, (void *)name) == 1;
}

static int unmount_staging(const volume_paths *p, ward_err *err)
{
    if (umount2(p->staging, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
        return ward_fail_errno(err, errno, "unmount %s", p->staging);
    if (rmdir(p->staging) < 0 && errno != ENOENT)
        return ward_fail_errno(err, errno, "rmdir %s", p->staging);
    return 0;
}

/* Close the dm device, but only if it sits on this volume's backing file. */
static int close_crypt(const volume_paths *p, const char *name, ward_err *err)
{
    const cryptsetup_api *cs;
    struct crypt_device *cd = NULL;
    const char *dev;
    int rc;
    if (!dm_exists(p->dm_name))
        return 0;
    if (cryptsetup_load(&cs, err) < 0)
        return -1;
    if ((rc = cs->init_by_name(&cd, p->dm_name)) < 0)
        return rc == -ENODEV ? 0 : ward_fail_errno(err, -rc, "volume %s: %s", name, p->dm_name);
    dev = cs->get_device_name(cd);
    if (dev == NULL || !loop_backed_by(dev, p->backing)) {
        cs->free(cd);
        return ward_fail(err, "volume %s: %s is not on %s; left alone", name, p->dm_name,
                         p->backing);
    }
    /* the container's mount namespace may take a moment to let go after its last process */
    for (int i = 0; i < 50; i++) {
        rc = cs->deactivate_by_name(cd, p->dm_name, 0);
        if (rc != -EBUSY)
            break;
        nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
    }
    cs->free(cd);
    if (rc < 0 && rc != -ENODEV)
        return ward_fail_errno(err, -rc, "volume %s: close %s", name, p->dm_name);
    return 0;
}

/* Devices beneath or beside the crypt device that a crash left on this volume's loop device:
 * the dm-integrity device "<dm_name>_dif" (activated before the crypt device on top) and
 * libcryptsetup's helpers ("temporary-cryptsetup-*", made while formatting an integrity volume).
 * Each is closed only if it sits on this volume's backing file. */
typedef struct leftovers {
    char names[16][128];
    size_t n;
} leftovers;

static int collect_temporary(const char *name, void *arg)
{
    leftovers *l = arg;
    if (strncmp(name, "temporary-cryptsetup-", 21) == 0 && l->n < 16)
        snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", name);
    return 0;
}

static int close_if_ours(const cryptsetup_api *cs, const volume_paths *p, const char *volume,
                         const char *name, ward_err *err)
{
    struct crypt_device *cd = NULL;
    const char *dev;
    int rc = 0;
    if (cs->init_by_name(&cd, name) < 0)
        return 0; /* gone meanwhile, or not a device libcryptsetup knows */
    dev = cs->get_device_name(cd);
    if (dev && loop_backed_by(dev, p->backing))
        rc = cs->deactivate_by_name(cd, name, 0);
    cs->free(cd);
    if (rc < 0 && rc != -ENODEV)
        return ward_fail_errno(err, -rc, "volume %s: close %s", volume, name);
    return 0;
}

static int close_leftovers(const volume_paths *p, const char *volume, ward_err *err)
{
    const cryptsetup_api *cs;
    leftovers l = {.n = 0};
    snprintf(l.names[l.n++], sizeof(l.names[0]), "%s_dif", p->dm_name);
    each_dm_name(collect_temporary, &l);
    for (size_t i = 0; i < l.n; i++) {
        if (!dm_exists(l.names[i]))
            continue;
        if (cryptsetup_load(&cs, err) < 0 || close_if_ours(cs, p, volume, l.names[i], err) < 0)
            return -1;
    }
    return 0;
}

/* Zero the LUKS header (luksErase), give the blocks back (discard), unlink. */
static int erase_backing(const volume_paths *p, ward_err *err)
{
    static const char zeros[1 << 16];
    cleanup_close int fd = open(p->backing, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0)
        return errno == ENOENT ? 0 : ward_fail_errno(err, errno, "open %s", p->backing);
    if (fstat(fd, &st) < 0)
        return ward_fail_errno(err, errno, "stat %s", p->backing);
    for (off_t off = 0; off < st.st_size && off < LUKS2_HEADER_BYTES; off += sizeof(zeros))
        if (pwrite(fd, zeros, sizeof(zeros), off) != (ssize_t)sizeof(zeros))
            return ward_fail_errno(err, errno, "erase header of %s", p->backing);
    if (fdatasync(fd) < 0)
        return ward_fail_errno(err, errno, "erase header of %s", p->backing);
    fault_point("volume:header-erased");
    (void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, st.st_size);
    if (unlink(p->backing) < 0 && errno != ENOENT)
        return ward_fail_errno(err, errno, "unlink %s", p->backing);
    return 0;
}

int volume_teardown_one(const char *dir, const char *id, const char *name, ward_err *err)
{
    char loopdev[PATH_MAX];
    volume_paths p;
    if (volume_paths_make(dir, id, name, &p, err) < 0 || unmount_staging(&p, err) < 0)
        return -1;
    fault_point("volume:unmounted");
    if (close_crypt(&p, name, err) < 0 || close_leftovers(&p, name, err) < 0)
        return -1;
    fault_point("volume:dm-closed");
    loop_find(p.backing, loopdev); /* autoclear has usually freed it already */
    if (loopdev[0] && loop_detach(loopdev, err) < 0)
        return -1;
    fault_point("volume:loop-detached");
    return erase_backing(&p, err);
}

/* "<name>.img" or "<name>.mnt" -> name; false for anything else. */
static bool volume_entry(const char *entry, char name[VOLUME_NAME_MAX + 1])
{
    size_t len = strlen(entry);
    if (len < 5 || len - 4 > VOLUME_NAME_MAX ||
        (strcmp(entry + len - 4, ".img") && strcmp(entry + len - 4, ".mnt")))
        return false;
    memcpy(name, entry, len - 4);
    name[len - 4] = '\0';
    return true;
}

int volumes_teardown(const char *dir, const char *id, ward_err *err)
{
    char path[PATH_MAX];
    DIR *d;
    struct dirent *de;
    int rc = 0;
    if (snprintf(path, sizeof(path), "%s/%s", dir, id) >= (int)sizeof(path))
        return ward_fail(err, "volumes of %s: path too long", id);
    d = opendir(path);
    if (d == NULL)
        return errno == ENOENT ? 0 : ward_fail_errno(err, errno, "open %s", path);
    while ((de = readdir(d)) != NULL) {
        char name[VOLUME_NAME_MAX + 1];
        if (!volume_entry(de->d_name, name))
            continue;
        if (volume_teardown_one(dir, id, name, err) < 0) {
            rc = -1;
            break;
        }
        rewinddir(d); /* entries went away under us */
    }
    closedir(d);
    if (rc == 0 && rmdir(path) < 0 && errno != ENOENT)
        return ward_fail_errno(err, errno, "rmdir %s (something ward did not make is in it)", path);
    return rc;
}
