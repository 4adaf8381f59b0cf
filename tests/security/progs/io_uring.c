/* SPDX-License-Identifier: Apache-2.0 */
/* io_uring_setup: a ring whose submissions bypass seccomp's per-call checks. */
#include "result.h"

#include <linux/io_uring.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    struct io_uring_params p = {0};
    result_sys("io_uring_setup", syscall(SYS_io_uring_setup, 1, &p));
    return result_print();
}
