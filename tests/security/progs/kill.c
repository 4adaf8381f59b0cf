/* SPDX-License-Identifier: Apache-2.0 */
/* kill PID: send SIGTERM to PID (a host process in the test). */
#include "result.h"

#include <signal.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    pid_t pid = argc > 1 ? (pid_t)atoi(argv[1]) : 0;
    if (pid <= 1) {
        result_add("kill", "badpid");
        return result_print();
    }
    result_sys("signal0", kill(pid, 0));
    result_sys("kill", kill(pid, SIGTERM));
    return result_print();
}
