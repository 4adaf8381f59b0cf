/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading the prepared filters in the container's init, and handing a SCMP_ACT_NOTIFY listener
 * to the spec's listenerPath.
 *
 * Loading needs no_new_privs or CAP_SYS_ADMIN (in the caller's user namespace). ward's init sets
 * no_new_privs before this (unless the host makes it optional); without it, the load still works
 * while the init holds CAP_SYS_ADMIN, and fails with EACCES otherwise, which is reported as such.
 * The filters are loaded with seccomp(2) directly from the BPF bytes, so the init does not touch
 * libseccomp.
 */

#include "runtime/sandbox/internal.h"
#include "spec/base/cleanup.h"
#include "spec/json_write.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int load_prog(const seccomp_prog *p, unsigned int flags)
{
    struct sock_fprog prog = {.len = (unsigned short)p->len, .filter = p->insns};
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

static int load_error(ward_err *err, const char *which)
{
    if (errno == EACCES)
        return ward_fail_errno(err, errno,
                               "seccomp: loading the %s filter needs no_new_privs or "
                               "CAP_SYS_ADMIN",
                               which);
    return ward_fail_errno(err, errno, "seccomp: loading the %s filter", which);
}

/* The spec's filter, with a listener when it has notify actions; returns the listener or 0. */
static int load_spec(const sandbox_seccomp *s, ward_err *err)
{
    unsigned int flags = s->spec_flags;
    int r;
    if (s->notify) {
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        if (flags & SECCOMP_FILTER_FLAG_TSYNC) /* the kernel wants both or neither */
            flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
    r = load_prog(&s->spec, flags);
    if (r < 0)
        return load_error(err, "spec");
    return s->notify ? r : 0;
}

bool sandbox_seccomp_spec_last(const sandbox_seccomp *s)
{
    return s->has_spec && !s->notify;
}

int sandbox_seccomp_load_early(const sandbox_seccomp *s, int *notify_fd, ward_err *err)
{
    int r;

    *notify_fd = -1;
    /* The baseline never takes SPEC_ALLOW or LOG from the spec: the config cannot switch off
     * the speculative-store-bypass mitigation that loading a filter turns on. TSYNC is harmless
     * (the init has one thread) and keeps the two loads consistent if it ever has more. */
    if (load_prog(&s->baseline, s->spec_flags & SECCOMP_FILTER_FLAG_TSYNC) < 0)
        return load_error(err, "baseline");
    if (!s->has_spec || sandbox_seccomp_spec_last(s))
        return 0;
    r = load_spec(s, err);
    if (r < 0)
        return -1;
    *notify_fd = r;
    return 0;
}

int sandbox_seccomp_load_last(const sandbox_seccomp *s, ward_err *err)
{
    if (!sandbox_seccomp_spec_last(s))
        return 0;
    return load_spec(s, err) < 0 ? -1 : 0;
}

int sandbox_seccomp_load(const sandbox_seccomp *s, int *notify_fd, ward_err *err)
{
    if (sandbox_seccomp_load_early(s, notify_fd, err) < 0)
        return -1;
    return sandbox_seccomp_load_last(s, err);
}

/* {"ociVersion":..,"fds":["seccompFd"],"pid":N,"metadata":..,"state":{the container state}} */
static int build_payload(const spec_seccomp *sc, const char *state, pid_t pid, char **out,
                         ward_err *err)
{
    cleanup_jwriter jwriter w = {0};
    if (jw_init(&w, false, err) < 0)
        return ward_err_prefix(err, "seccomp listener");
    jw_open(&w);
    jw_kstr(&w, "ociVersion", WARD_OCI_VERSION);
    jw_key(&w, "fds");
    jw_open_array(&w);
    jw_str(&w, "seccompFd");
    jw_close_array(&w);
    jw_ki64(&w, "pid", pid);
    jw_kstr(&w, "metadata", sc->listener_metadata); /* skipped when NULL */
    jw_key(&w, "state");
    if (jw_json_object(&w, state, err) < 0)
        return ward_err_prefix(err, "seccomp listener: the container state");
    jw_close(&w);
    if (jw_finish(&w, out, NULL, err) < 0)
        return ward_err_prefix(err, "seccomp listener: building the payload");
    return 0;
}

static int send_with_fd(int sock, const char *data, size_t len, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    struct cmsghdr *c;
    ssize_t n;

    memset(cbuf, 0, sizeof(cbuf));
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    for (size_t off = (size_t)n; off < len; off += (size_t)n) { /* the rest, without the fd */
        n = send(sock, data + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            n = 0;
        else if (n <= 0)
            return -1;
    }
    return 0;
}

int sandbox_seccomp_send_listener(const spec_config *cfg, const char *oci_state_json, pid_t pid,
                                  int notify_fd, ward_err *err)
{
    const spec_seccomp *sc = &cfg->linux_.seccomp;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    cleanup_free char *payload = NULL;
    cleanup_close int sock = -1;
    const char *path = sc->listener_path;

    if (path == NULL || path[0] != '/')
        return ward_fail(err, "linux.seccomp.listenerPath: must be an absolute path");
    if (strlen(path) >= sizeof(addr.sun_path))
        return ward_fail(err, "linux.seccomp.listenerPath: longer than %zu bytes",
                         sizeof(addr.sun_path) - 1);
    if (notify_fd < 0)
        return ward_fail(err, "seccomp listener: no notify fd to send");
    strcpy(addr.sun_path, path);
    if (build_payload(sc, oci_state_json, pid, &payload, err) < 0)
        return -1;
    sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return ward_fail_errno(err, errno, "seccomp listener: socket");
    if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return ward_fail_errno(err, errno, "seccomp listener: connecting to %s", path);
    if (send_with_fd(sock, payload, strlen(payload), notify_fd) < 0)
        return ward_fail_errno(err, errno, "seccomp listener: sending to %s", path);
    return 0;
}
