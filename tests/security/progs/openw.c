/* SPDX-License-Identifier: Apache-2.0 */
/*
 * openw KEY=PATH...: open each PATH for writing and close it again without writing a byte, so
 * that even where the open is allowed (the control) nothing changes. KEY=ok or the errno name.
 */
#include "result.h"

#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        int fd;
        if (eq == NULL)
            continue;
        *eq = '\0';
        errno = 0;
        fd = open(eq + 1, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        result_rc(argv[i], fd, errno);
        if (fd >= 0)
            close(fd);
    }
    return result_print();
}
