/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kexec_load / kexec_file_load with arguments the kernel rejects only AFTER its permission check
 * (17 segments > KEXEC_SEGMENT_MAX; unknown flags): where kexec is allowed the answer is EINVAL
 * and nothing is loaded or unloaded; where it is refused, EPERM.
 */
#include "result.h"

#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    result_sys("kexec_load", syscall(SYS_kexec_load, 0UL, 17UL, NULL, 0UL));
    result_sys("kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 1UL, "", 0xdead0000UL));
    return result_print();
}
