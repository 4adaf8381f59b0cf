/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/console.h"
#include "runtime/sync.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int bind_console(int ptn, ward_err *err)
{
    char slave[64];
    int fd;
    snprintf(slave, sizeof(slave), "/dev/pts/%d", ptn);
    fd = open("/dev/console", O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return ward_fail_errno(err, errno, "create /dev/console");
    close(fd);
    if (mount(slave, "/dev/console", NULL, MS_BIND, NULL) < 0)
        return ward_fail_errno(err, errno, "bind %s onto /dev/console", slave);
    return 0;
}

/* A pty from the devpts of the current root, sized; the master is returned, *slave is set. */
static int open_pty(const spec_process *p, int *ptn, int *slave_out, ward_err *err)
{
    cleanup_close int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    int unlock = 0, slave;
    if (master < 0)
        return ward_fail_errno(err, errno, "console: open /dev/ptmx");
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, ptn) < 0)
        return ward_fail_errno(err, errno, "console: unlock pty");
    slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (slave < 0)
        return ward_fail_errno(err, errno, "console: open pty slave");
    if (p->has_console_size) {
        struct winsize ws = {.ws_row = (unsigned short)p->console_height,
                             .ws_col = (unsigned short)p->console_width};
        if (ioctl(slave, TIOCSWINSZ, &ws) < 0) {
            close(slave);
            return ward_fail_errno(err, errno, "console: set size");
        }
    }
    *slave_out = slave;
    return steal_fd(master);
}

/* The slave becomes the controlling terminal of a new session and stdio. */
static int attach_slave(int slave, ward_err *err)
{
    if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
        return ward_fail_errno(err, errno, "console: make controlling terminal");
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0)
            return ward_fail_errno(err, errno, "console: dup2");
    return 0;
}

int console_setup_in_container(const spec_process *p, ward_err *err)
{
    cleanup_close int slave = -1;
    int ptn = -1;
    cleanup_close int master = open_pty(p, &ptn, &slave, err);
    if (master < 0)
        return -1;
    if (bind_console(ptn, err) < 0 || attach_slave(slave, err) < 0)
        return -1;
    return steal_fd(master);
}

int console_setup_exec(const spec_process *p, ward_err *err)
{
    cleanup_close int slave = -1;
    int ptn = -1;
    cleanup_close int master = open_pty(p, &ptn, &slave, err);
    if (master < 0 || attach_slave(slave, err) < 0)
        return -1;
    return steal_fd(master);
}

int console_send_to_socket(const char *socket_path, int master, ward_err *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    cleanup_close int sock = -1;
    const char *name = "/dev/ptmx";
    if (strlen(socket_path) >= sizeof(addr.sun_path))
        return ward_fail(err, "--console-socket: path too long: %s", socket_path);
    strcpy(addr.sun_path, socket_path);
    sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return ward_fail_errno(err, errno, "--console-socket: socket");
    if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return ward_fail_errno(err, errno, "--console-socket: connect %s", socket_path);
    return send_fd(sock, master, name, strlen(name), err);
}
