/* SPDX-License-Identifier: Apache-2.0 */
/* abstract NAME: connect to the abstract unix socket "\0NAME" (a host service's, in the test). */
#include "result.h"

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    const char *name = argc > 1 ? argv[1] : "ward-sec";
    size_t len = strlen(name);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || len + 1 > sizeof(sun.sun_path)) {
        result_add("socket", "%s", strerrorname_np(errno));
        return result_print();
    }
    memcpy(sun.sun_path + 1, name, len);
    result_sys("connect", connect(fd, (struct sockaddr *)&sun,
                                  (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)));
    return result_print();
}
