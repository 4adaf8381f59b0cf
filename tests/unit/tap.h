/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one harness of ward's C unit tests (automake's tap-driver.sh reads their output):
 *   - TAP: tap_ok, tap_streq, tap_done, and skips that say why (tap_skip, tap_skip_all). Skip
 *     only what this host truly lacks (a kernel feature, root); a test never passes a step it
 *     did not run.
 *   - child processes: child_fork (a hung child dies after CHILD_TIMEOUT_S), child_wait (with a
 *     deadline), child_exit_code (what the child reported).
 *   - scenarios: run_scenario runs a function in a child (in new namespaces, so its mounts
 *     vanish with it); the child's child_check() and child_diag() lines become the parent's TAP.
 *
 * A test that takes random input prints its seed and replays it from the environment (see
 * test_spec_fuzz.c: WARD_FUZZ_SEED, WARD_FUZZ_INPUTS).
 */
#ifndef WARD_TESTS_TAP_H
#define WARD_TESTS_TAP_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spec/base/error.h"

static int tap_count, tap_failed;

static inline void tap_plan(int n)
{
    printf("1..%d\n", n);
}

static inline int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    tap_count++;
    if (!cond)
        tap_failed++;
    printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return cond;
}

/* Compare strings; prints both on failure. */
#define tap_streq(got, want, name)                                                                 \
    do {                                                                                           \
        const char *_g = (got), *_w = (want);                                                      \
        if (!tap_ok(_g && _w && strcmp(_g, _w) == 0, "%s", name))                                  \
            printf("#   got:  \"%s\"\n#   want: \"%s\"\n", _g ? _g : "(null)",                     \
                   _w ? _w : "(null)");                                                            \
    } while (0)

/* n tests that cannot run on this host, each reported as skipped with the reason. */
static inline void tap_skip(int n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void tap_skip(int n, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    for (int i = 0; i < n; i++)
        printf("ok %d - # SKIP %s\n", ++tap_count, why);
    fflush(stdout);
}

/* The whole program cannot run here: an empty plan with the reason, and exit. */
static inline void tap_skip_all(const char *why) __attribute__((noreturn));
static inline void tap_skip_all(const char *why)
{
    printf("1..0 # SKIP %s\n", why);
    exit(0);
}

/* Print the plan at the end (tests that count as they go). */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

/* ---- child processes ---- */

#define CHILD_TIMEOUT_S 60

/* fork() with stdio flushed first (no output twice); the child gets SIGALRM after
 * CHILD_TIMEOUT_S, so a hung child cannot hang the test. */
static inline pid_t child_fork(void)
{
    pid_t pid;
    fflush(NULL);
    pid = fork();
    if (pid == 0)
        alarm(CHILD_TIMEOUT_S);
    return pid;
}

/* Wait for pid; after timeout_ms (< 0: no limit) kill it with SIGKILL and reap it. Returns the raw
 * wait status, or -1 if pid could not be waited for. */
static inline int child_wait(pid_t pid, int timeout_ms)
{
    struct timespec tick = {0, 10 * 1000000L};
    int status = -1;
    if (pid <= 0)
        return -1;
    for (int waited = 0; timeout_ms >= 0 && waited < timeout_ms; waited += 10) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        nanosleep(&tick, NULL);
    }
    if (timeout_ms >= 0)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

/* What a child reported: its exit code, -1 when it could not be waited for, -2 when a signal
 * killed it. */
static inline int child_exit_code(int status)
{
    if (status < 0)
        return -1;
    if (WIFSIGNALED(status))
        return -2;
    return WEXITSTATUS(status);
}

/* errno of a raw syscall result: 0 on success (what a probe in a child exits with). */
#define ERRNO_OF(call) ((call) < 0 ? errno : 0)

/* ---- scenarios: checks made in a child, reported by the parent ---- */

static int scenario_report_fd = -1;

static inline void scenario_send(const char *line, int n)
{
    if (write(scenario_report_fd, line, (size_t)n) < 0)
        _exit(3);
}

/* In a scenario's child: one check, sent to the parent as a TAP test. */
static inline void child_check(bool cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void child_check(bool cond, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n = snprintf(line, sizeof(line), "%s ", cond ? "ok" : "not ok");

    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    scenario_send(line, n);
}

/* In a scenario's child: a diagnostic line (a TAP comment). */
static inline void child_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void child_diag(const char *fmt, ...)
{
    char line[1200] = "# ";
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = 2 + vsnprintf(line + 2, sizeof(line) - 4, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    scenario_send(line, n);
}

/* In a scenario's child: a call that must succeed (ok); its error message is the diagnostic. */
static inline bool child_check_call(bool ok, const char *what, const ward_err *err)
{
    child_check(ok, "%s succeeds%s%s", what, ok ? "" : ": ", ok ? "" : err->msg);
    return ok;
}

/*
 * Run fn(arg) in a child that first unshares unshare_flags (e.g. CLONE_NEWNS, so its mounts vanish
 * with it). Each child_check() of the child becomes a TAP test "<name>: <check>"; the child's clean
 * exit is one more test.
 */
static inline void run_scenario(const char *name, int unshare_flags, void (*fn)(void *), void *arg)
{
    int p[2], status;
    char line[1200];
    FILE *in;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0) {
        tap_ok(0, "%s: pipe: %s", name, strerror(errno));
        return;
    }
    pid = child_fork();
    if (pid == 0) {
        close(p[0]);
        scenario_report_fd = p[1];
        if (unshare_flags && unshare(unshare_flags) < 0) {
            child_check(false, "unshare: %s", strerror(errno));
            _exit(1);
        }
        fn(arg);
        _exit(0);
    }
    close(p[1]);
    in = fdopen(p[0], "r");
    while (in && fgets(line, sizeof(line), in)) {
        bool passed = strncmp(line, "ok ", 3) == 0;
        line[strcspn(line, "\n")] = '\0';
        if (passed || strncmp(line, "not ok ", 7) == 0)
            tap_ok(passed, "%s: %s", name, line + (passed ? 3 : 7));
        else
            printf("%s\n", line);
    }
    if (in)
        fclose(in);
    else
        close(p[0]);
    status = child_wait(pid, -1);
    tap_ok(pid > 0 && status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "%s: child completed (status 0x%x)", name, (unsigned)status);
}

#endif
