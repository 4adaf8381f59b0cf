/* SPDX-License-Identifier: Apache-2.0 */
/* mount DIR: mount a tmpfs on DIR, then the new mount API (fsopen, open_tree) on the same DIR. */
#include "result.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    result_sys("mount", mount("ward-sec", dir, "tmpfs", 0, "size=64k"));
    result_sys("fsopen", syscall(SYS_fsopen, "tmpfs", 0));
    result_sys("open_tree", syscall(SYS_open_tree, AT_FDCWD, dir, 1 /* OPEN_TREE_CLONE */));
    return result_print();
}
