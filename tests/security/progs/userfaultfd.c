/* SPDX-License-Identifier: Apache-2.0 */
/* userfaultfd: a race-exploit primitive (stalls kernel page faults). */
#include "result.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    result_sys("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC));
    return result_print();
}
