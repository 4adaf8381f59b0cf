/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_module / finit_module / delete_module with arguments that fail only after the permission
 * check (an empty image: ENOEXEC; fd -1: EBADF; a module that does not exist: ENOENT).
 */
#include "result.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    result_sys("init_module", syscall(SYS_init_module, NULL, 0UL, ""));
    result_sys("finit_module", syscall(SYS_finit_module, -1, "", 0));
    result_sys("delete_module", syscall(SYS_delete_module, "ward_sec_no_such_module", O_NONBLOCK));
    return result_print();
}
