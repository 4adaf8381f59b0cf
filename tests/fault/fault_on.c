/* SPDX-License-Identifier: Apache-2.0 */
/* tests/ward-fault: fault points that stop or kill ward where a test asks (see runtime/fault.h). */
#include "runtime/fault.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void trace(const char *name)
{
    const char *path = getenv("WARD_FAULT_TRACE");
    char line[256];
    int fd, n;
    if (path == NULL || *path == '\0')
        return;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    n = snprintf(line, sizeof(line), "%s\n", name);
    if (n > 0 && (size_t)n < sizeof(line) && write(fd, line, (size_t)n) != n)
        perror("ward-fault: trace");
    close(fd);
}

void fault_point(const char *name)
{
    static unsigned hits;
    const char *want = getenv("WARD_FAULT");
    const char *hit = getenv("WARD_FAULT_HIT");
    const char *action = getenv("WARD_FAULT_ACTION");
    trace(name);
    if (want == NULL || strcmp(want, name) != 0)
        return;
    if (++hits < (hit ? strtoul(hit, NULL, 10) : 1))
        return;
    if (action && strcmp(action, "stop") == 0) {
        raise(SIGSTOP);
        return;
    }
    raise(SIGKILL);
}
