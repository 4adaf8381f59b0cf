/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Changing ids keeps a process non-dumpable and keeps its parent-death signal. The kernel resets
 * both when effective ids change (dumpable to fs.suid_dumpable): with fs.suid_dumpable=0 (the
 * usual host) only the parent-death signal shows the reset; the VM test runs this program with
 * fs.suid_dumpable=1, where dumpable shows it too. Needs root (it changes uid in a child).
 */
#include "runtime/process_setup.h"
#include "tap.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum { BAD_DUMPABLE = 1, BAD_PDEATHSIG = 2, BAD_CALL = 4, BAD_UID = 8 };

/* In a child: set the guards, change ids one way or the other, report what is left of them. */
static int after_change(bool full_user)
{
    pid_t pid = fork();
    int status;
    if (pid == 0) {
        ward_err err = {0};
        spec_process p = {0};
        int sig = 0, bad = 0, rc;
        p.user.uid = 65534;
        p.user.gid = 65534;
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
            _exit(BAD_CALL);
        rc = full_user ? proc_set_user(&p, &err) : proc_setresid(65534, 65534, &err);
        if (rc < 0) {
            printf("# %s\n", err.msg);
            _exit(BAD_CALL);
        }
        if (geteuid() != 65534 || getegid() != 65534)
            bad |= BAD_UID;
        if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
            bad |= BAD_DUMPABLE;
        if (prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) < 0 || sig != SIGKILL)
            bad |= BAD_PDEATHSIG;
        _exit(bad);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return BAD_CALL;
    return WEXITSTATUS(status);
}

static void check(bool full_user, const char *name)
{
    int bad = after_change(full_user);
    tap_ok(!(bad & (BAD_CALL | BAD_UID)), "%s: the ids changed", name);
    tap_ok(!(bad & BAD_DUMPABLE), "%s: still not dumpable", name);
    tap_ok(!(bad & BAD_PDEATHSIG), "%s: parent-death signal still SIGKILL", name);
}

int main(void)
{
    char buf[8] = "?";
    FILE *f = fopen("/proc/sys/fs/suid_dumpable", "r");
    if (f) {
        if (fgets(buf, sizeof(buf), f) == NULL)
            buf[0] = '?';
        fclose(f);
    }
    printf("# fs.suid_dumpable = %c\n", buf[0]);
    if (geteuid() != 0) {
        tap_ok(0, "needs root: it changes uid in a child");
        return tap_done();
    }
    check(false, "proc_setresid");
    check(true, "proc_set_user");
    return tap_done();
}
