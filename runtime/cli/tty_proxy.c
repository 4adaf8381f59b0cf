/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ward run` in the foreground of a config with a terminal and no --console-socket: ward holds
 * the pty's master and is the terminal's other end, as runc is. Its own stdin goes in raw mode
 * (so ^C, ^Z and line editing reach the container's line discipline, not ward's), bytes are
 * copied both ways, the window size follows ward's terminal (SIGWINCH), and ward's terminal is
 * restored however the container ends.
 */
#include "runtime/cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void copy_winsize(int from, int to)
{
    struct winsize ws;
    if (ioctl(from, TIOCGWINSZ, &ws) == 0)
        (void)ioctl(to, TIOCSWINSZ, &ws);
}

void cli_tty_size(int master)
{
    copy_winsize(STDIN_FILENO, master);
}

/* Copy what is readable from in to out: 1 copied, 0 nothing there now, -1 end of input. */
static int pump(int in, int out)
{
    char buf[4096];
    ssize_t n = read(in, buf, sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (n <= 0)
        return -1;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = write(out, buf + off, (size_t)(n - off));
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {.fd = out, .events = POLLOUT};
            (void)poll(&p, 1, 1000);
            continue;
        }
        if (w < 0)
            return -1;
        off += w;
    }
    return 1;
}

int cli_tty_proxy(int master, pid_t pid)
{
    struct termios saved, raw;
    bool restore = false, stdin_open = true;
    sigset_t winch;
    int sfd, pidfd;

    /* the terminal's signals are the container's to get through the pty, except the resize */
    sigemptyset(&winch);
    sigaddset(&winch, SIGWINCH);
    sigprocmask(SIG_BLOCK, &winch, NULL);
    sfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
        raw = saved;
        cfmakeraw(&raw);
        restore = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
        copy_winsize(STDIN_FILENO, master);
    }
    (void)fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);

    for (;;) {
        struct pollfd p[4] = {
            {.fd = master, .events = POLLIN},
            {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
            {.fd = sfd, .events = POLLIN},
            {.fd = pidfd, .events = POLLIN},
        };
        if (poll(p, 4, pidfd < 0 ? 100 : -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
            if (pump(master, STDOUT_FILENO) < 0)
                break; /* EIO: every holder of the slave is gone */
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (pump(STDIN_FILENO, master) < 0) {
                stdin_open = false;
                if (write(master, "\004", 1) < 0) /* end of input, in the pty's own words */
                    break;
            }
        }
        if (p[2].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
                ;
            copy_winsize(STDIN_FILENO, master);
        }
        if ((p[3].revents & POLLIN) || (pidfd < 0 && waitpid(pid, NULL, WNOHANG | WNOWAIT) > 0)) {
            while (pump(master, STDOUT_FILENO) > 0) /* what the container wrote last */
                ;
            break;
        }
    }
    if (restore)
        (void)tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    close(master);
    if (sfd >= 0)
        close(sfd);
    if (pidfd >= 0)
        close(pidfd);
    sigprocmask(SIG_UNBLOCK, &winch, NULL);
    return cli_wait_exit_status(pid);
}
