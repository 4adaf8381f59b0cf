/* SPDX-License-Identifier: Apache-2.0 */
/* Loop devices for volume backing files: LOOP_CONFIGURE in one call (Linux 5.8). */
#include "runtime/volumes/internal.h"
#include "spec/base/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int configure(int loopfd, int filefd, bool direct)
{
    struct loop_config c = {.fd = (unsigned)filefd, .block_size = 0};
    /* autoclear: the device goes away with its last user (the dm device, or ward if it dies
     * before dm-crypt holds it) */
    c.info.lo_flags = LO_FLAGS_AUTOCLEAR | (direct ? LO_FLAGS_DIRECT_IO : 0);
    return ioctl(loopfd, LOOP_CONFIGURE, &c);
}

/* Direct I/O spares the page cache a second copy of every block, but only where the backing
 * filesystem does O_DIRECT: the kernel takes the loop flag regardless (tmpfs before 6.6, and
 * overlayfs over it, then fail every read). An aligned read tells. */
static bool direct_io_works(const char *file)
{
    cleanup_close int fd = open(file, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NOFOLLOW);
    void *buf;
    bool ok;
    if (fd < 0 || posix_memalign(&buf, 4096, 4096) != 0)
        return false;
    ok = pread(fd, buf, 4096, 0) == 4096;
    free(buf);
    return ok;
}

int loop_attach(const char *file, char dev[PATH_MAX], ward_err *err)
{
    bool direct = direct_io_works(file);
    cleanup_close int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    cleanup_close int filefd = open(file, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (ctl < 0)
        return ward_fail_errno(err, errno, "open /dev/loop-control");
    if (filefd < 0)
        return ward_fail_errno(err, errno, "open %s", file);
    for (int attempt = 0; attempt < 16; attempt++) {
        int n = ioctl(ctl, LOOP_CTL_GET_FREE), fd;
        if (n < 0)
            return ward_fail_errno(err, errno, "LOOP_CTL_GET_FREE");
        snprintf(dev, PATH_MAX, "/dev/loop%d", n);
        fd = open(dev, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            return ward_fail_errno(err, errno, "open %s", dev);
        if (configure(fd, filefd, direct) == 0 ||
            (direct && errno == EINVAL && configure(fd, filefd, false) == 0))
            return fd;
        close(fd);
        if (errno != EBUSY) /* EBUSY: another process took it first */
            return ward_fail_errno(err, errno, "LOOP_CONFIGURE %s with %s", dev, file);
    }
    return ward_fail_errno(err, EBUSY, "no free loop device for %s", file);
}

static bool backing_file_is(const char *loop_name, const char *file)
{
    char path[PATH_MAX], buf[PATH_MAX];
    FILE *f;
    bool same = false;
    snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", loop_name);
    f = fopen(path, "re");
    if (f == NULL)
        return false;
    if (fgets(buf, sizeof(buf), f)) {
        buf[strcspn(buf, "\n")] = '\0';
        same = strcmp(buf, file) == 0;
    }
    fclose(f);
    return same;
}

bool loop_backed_by(const char *device, const char *file)
{
    return strncmp(device, "/dev/loop", 9) == 0 && backing_file_is(device + 5, file);
}

void loop_find(const char *file, char dev[PATH_MAX])
{
    DIR *d = opendir("/sys/block");
    struct dirent *de;
    dev[0] = '\0';
    while (d && (de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "loop", 4) == 0 && backing_file_is(de->d_name, file)) {
            snprintf(dev, PATH_MAX, "/dev/%s", de->d_name);
            break;
        }
    }
    if (d)
        closedir(d);
}

int loop_detach(const char *dev, ward_err *err)
{
    cleanup_close int fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == ENXIO ? 0 : ward_fail_errno(err, errno, "open %s", dev);
    if (ioctl(fd, LOOP_CLR_FD) < 0 && errno != ENXIO)
        return ward_fail_errno(err, errno, "detach %s", dev);
    return 0;
}
