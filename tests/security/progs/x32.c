/* SPDX-License-Identifier: Apache-2.0 */
/*
 * x32: getpid through the x32 ABI (syscall number with bit 30 set). "ok" when it returns our pid,
 * ENOSYS when the kernel has x32 off. Under ward's baseline: killed by SIGSYS (bad arch).
 */
#include "result.h"

#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(0x40000000L | SYS_getpid)
                     : "rcx", "r11", "memory");
    if (ret == getpid())
        result_add("x32", "ok");
    else if (ret < 0 && ret > -4096)
        result_add("x32", "%s", strerrorname_np((int)-ret));
    else
        result_add("x32", "ret%ld", ret);
    return result_print();
}
