/* SPDX-License-Identifier: Apache-2.0 */
/* umount DIR (default /proc): detach it, which would uncover what a masked path hides. */
#include "result.h"

#include <sys/mount.h>

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/proc";
    result_sys("umount", umount2(dir, MNT_DETACH));
    return result_print();
}
