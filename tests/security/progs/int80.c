/* SPDX-License-Identifier: Apache-2.0 */
/*
 * int80: an i386 syscall (getpid, number 20) through `int $0x80` from this 64-bit process, the
 * classic way around filters written for x86_64 numbers. "ok" when it returns our pid; ENOSYS
 * when the kernel answers but refuses; "nosupport" when the instruction faults (a kernel without
 * IA32 emulation raises SIGSEGV). Under ward's baseline the process is killed by SIGSYS and prints
 * nothing; the test reads that from the exit status.
 */
#include "result.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void on_segv(int sig)
{
    (void)sig;
    static const char line[] = "RESULT int80=nosupport\n";
    if (write(1, line, sizeof(line) - 1) < 0)
        _exit(2);
    _exit(0);
}

int main(void)
{
    long ret;
    signal(SIGSEGV, on_segv);
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
    if (ret == getpid())
        result_add("int80", "ok");
    else if (ret < 0 && ret > -4096)
        result_add("int80", "%s", strerrorname_np((int)-ret));
    else
        result_add("int80", "ret%ld", ret);
    return result_print();
}
