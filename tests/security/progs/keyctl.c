/* SPDX-License-Identifier: Apache-2.0 */
/* keyctl: the kernel keyring is not namespaced. A key in the process keyring dies with us. */
#include "result.h"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    result_sys("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
    result_sys("add_key",
               syscall(SYS_add_key, "user", "ward-sec-test", "x", 1, KEY_SPEC_PROCESS_KEYRING));
    return result_print();
}
