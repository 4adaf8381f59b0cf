/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/confine.h"
#include "runtime/process_setup.h"
#include "runtime/sync.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

bool confine_want_nnp(const ward_hostconf *hc, const spec_process *p)
{
    return !hc->nnp_optional || p->no_new_privileges;
}

static int load_seccomp(const confine_args *a, ward_err *err)
{
    int notify_fd = -1;
    if (sandbox_seccomp_load_early(a->seccomp, &notify_fd, err) < 0)
        return ward_err_prefix(err, "seccomp");
    if (notify_fd >= 0) {
        int rc = sync_send(a->sync_fd, SYNC_SECCOMP_NOTIFY, NULL, 0, notify_fd, err);
        close(notify_fd);
        return rc;
    }
    return 0;
}

/*
 * Enter process.cwd without ever leaving the container (CVE-2024-21626): resolve it beneath the
 * container's root, refusing magic links such as /proc/self/fd/N that could name a host
 * directory held by a leaked fd, then check that the kernel agrees the cwd is reachable.
 */
static int enter_cwd(const char *cwd, ward_err *err)
{
    struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                           .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
    cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int fd = -1;
    char buf[PATH_MAX];
    if (root < 0)
        return ward_fail_errno(err, errno, "process.cwd: open /");
    fd = (int)syscall(SYS_openat2, root, cwd, &how, sizeof(how));
    if (fd < 0)
        return ward_fail_errno(err, errno, "process.cwd: %s", cwd);
    if (fchdir(fd) < 0)
        return ward_fail_errno(err, errno, "process.cwd: chdir %s", cwd);
    if (getcwd(buf, sizeof(buf)) == NULL || buf[0] != '/')
        return ward_fail(err, "process.cwd: %s is outside the container", cwd);
    return 0;
}

int confine_process(const confine_args *a, char *landlock_json, size_t ll_len, ward_err *err)
{
    const spec_process *p = a->proc;
    cleanup_free char *ll = NULL;
    bool nnp = confine_want_nnp(a->hc, p);
    /* without no_new_privs, loading filters needs CAP_SYS_ADMIN: Landlock and the baseline load
     * now while we have it, and the spec's filter, loaded right before execve (confine_last),
     * needs the process to keep it until then */
    bool keep_admin = !nnp && sandbox_seccomp_spec_last(a->seccomp);
    if (!nnp && (sandbox_landlock_apply(a->cfg, a->hc, &ll, err) < 0 || load_seccomp(a, err) < 0))
        return -1;
    if (caps_drop_bounding(&p->capabilities, err) < 0 || proc_set_user(p, err) < 0)
        return -1;
    if (enter_cwd(p->cwd, err) < 0)
        return -1;
    if (caps_apply(&p->capabilities, keep_admin, err) < 0)
        return -1;
    if (p->user.has_umask)
        umask((mode_t)p->user.umask);
    if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return ward_fail_errno(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    if (nnp && sandbox_landlock_apply(a->cfg, a->hc, &ll, err) < 0)
        return ward_err_prefix(err, "landlock");
    snprintf(landlock_json, ll_len, "%s", ll ? ll : "null");
    if (proc_prepare_fds(a->preserve_fds, err) < 0)
        return -1;
    return nnp ? load_seccomp(a, err) : 0;
}

int confine_last(const sandbox_seccomp *seccomp, ward_err *err)
{
    if (sandbox_seccomp_load_last(seccomp, err) < 0)
        return ward_err_prefix(err, "seccomp");
    return 0;
}
