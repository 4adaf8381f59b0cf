/* SPDX-License-Identifier: Apache-2.0 */
/* mknod PATH...: make the block device 8:0 (/dev/sda) at each PATH; remove it if that worked. */
#include "result.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        errno = 0;
        int rc = mknod(argv[i], S_IFBLK | 0600, makedev(8, 0));
        result_rc(argv[i], rc, errno);
        if (rc == 0)
            unlink(argv[i]);
    }
    return result_print();
}
