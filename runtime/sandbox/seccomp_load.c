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
#include "spec/parse.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

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

int sandbox_seccomp_load(const sandbox_seccomp *s, int *notify_fd, ward_err *err)
{
    unsigned int flags;
    int r;

    *notify_fd = -1;
    /* The baseline never takes SPEC_ALLOW or LOG from the spec: the config cannot switch off
     * the speculative-store-bypass mitigation that loading a filter turns on. TSYNC is harmless
     * (the init has one thread) and keeps the two loads consistent if it ever has more. */
    if (load_prog(&s->baseline, s->spec_flags & SECCOMP_FILTER_FLAG_TSYNC) < 0)
        return load_error(err, "baseline");
    if (!s->has_spec)
        return 0;
    flags = s->spec_flags;
    if (s->notify) {
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        if (flags & SECCOMP_FILTER_FLAG_TSYNC) /* the kernel wants both or neither */
            flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
    r = load_prog(&s->spec, flags);
    if (r < 0)
        return load_error(err, "spec");
    if (s->notify)
        *notify_fd = r;
    return 0;
}

/* {"ociVersion":..,"fds":["seccompFd"],"pid":N,"metadata":..  (still open: state follows) */
static int payload_head(const spec_seccomp *sc, pid_t pid, yajl_gen g)
{
    static const char *fds = "seccompFd";
    int bad = 0;
    bad |= yajl_gen_map_open(g);
    bad |= yajl_gen_string(g, (const unsigned char *)"ociVersion", 10);
    bad |= yajl_gen_string(g, (const unsigned char *)WARD_OCI_VERSION, strlen(WARD_OCI_VERSION));
    bad |= yajl_gen_string(g, (const unsigned char *)"fds", 3);
    bad |= yajl_gen_array_open(g);
    bad |= yajl_gen_string(g, (const unsigned char *)fds, strlen(fds));
    bad |= yajl_gen_array_close(g);
    bad |= yajl_gen_string(g, (const unsigned char *)"pid", 3);
    bad |= yajl_gen_integer(g, pid);
    if (sc->listener_metadata) {
        bad |= yajl_gen_string(g, (const unsigned char *)"metadata", 8);
        bad |= yajl_gen_string(g, (const unsigned char *)sc->listener_metadata,
                               strlen(sc->listener_metadata));
    }
    return bad ? -1 : 0;
}

static int build_payload(const spec_seccomp *sc, const char *state, pid_t pid, char **out,
                         ward_err *err)
{
    yajl_gen g = NULL;
    const unsigned char *buf;
    size_t len;
    int r = -1;

    if (spec_json_check(state, strlen(state), err) < 0)
        return ward_err_prefix(err, "seccomp listener: the container state");
    if (state[strspn(state, " \t\r\n")] != '{') /* valid JSON: '{' opens an object */
        return ward_fail(err, "seccomp listener: the container state is not a JSON object");
    g = yajl_gen_alloc(NULL);
    if (g == NULL || payload_head(sc, pid, g) < 0 || yajl_gen_get_buf(g, &buf, &len) != 0) {
        ward_fail(err, "seccomp listener: building the payload");
        goto out;
    }
    *out = malloc(len + strlen(state) + 16);
    if (*out == NULL) {
        ward_fail_errno(err, ENOMEM, "seccomp listener");
        goto out;
    }
    /* yajl cannot splice raw JSON: the open map gets the (validated) state text appended. */
    sprintf(*out, "%.*s,\"state\":%s}", (int)len, (const char *)buf, state);
    r = 0;
out:
    if (g)
        yajl_gen_free(g);
    return r;
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
