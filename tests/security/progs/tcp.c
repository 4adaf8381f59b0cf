/* SPDX-License-Identifier: Apache-2.0 */
/* tcp PORT: connect to 127.0.0.1:PORT (a listener the test opens on the host). */
#include "result.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)atoi(argc > 1 ? argv[1] : "0")),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        result_add("socket", "%s", strerrorname_np(errno));
        return result_print();
    }
    result_sys("connect", connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
    return result_print();
}
