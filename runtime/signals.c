/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/signals.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int sig;
} signal_names[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

static int parse_number(const char *s, long *out)
{
    char *end;
    if (*s == '\0' || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    *out = strtol(s, &end, 10);
    return (errno || *end) ? -1 : 0;
}

static int parse_rt(const char *name, int *sig)
{
    long off = 0;
    if (strncasecmp(name, "RTMIN", 5) == 0) {
        if (name[5] == '+' && parse_number(name + 6, &off) < 0)
            return -1;
        if (name[5] != '\0' && name[5] != '+')
            return -1;
        *sig = SIGRTMIN + (int)off;
    } else if (strncasecmp(name, "RTMAX", 5) == 0) {
        if (name[5] == '-' && parse_number(name + 6, &off) < 0)
            return -1;
        if (name[5] != '\0' && name[5] != '-')
            return -1;
        *sig = SIGRTMAX - (int)off;
    } else {
        return -1;
    }
    return (*sig >= SIGRTMIN && *sig <= SIGRTMAX) ? 0 : -1;
}

int signal_parse(const char *s, int *sig, ward_err *err)
{
    const char *name = s;
    long n;
    if (parse_number(s, &n) == 0) {
        if (n < 1 || n > SIGRTMAX)
            return ward_fail(err, "invalid signal \"%s\"", s);
        *sig = (int)n;
        return 0;
    }
    if (strncasecmp(name, "SIG", 3) == 0)
        name += 3;
    for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
        if (strcasecmp(name, signal_names[i].name) == 0) {
            *sig = signal_names[i].sig;
            return 0;
        }
    }
    if (parse_rt(name, sig) == 0)
        return 0;
    return ward_fail(err, "invalid signal \"%s\"", s);
}
