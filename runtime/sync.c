/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

int send_fd(int sock, int fd, const void *data, size_t len, ward_err *err)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    char dummy = 0;
    struct iovec iov = {.iov_base = len ? (void *)data : &dummy, .iov_len = len ? len : 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    memset(cbuf, 0, sizeof(cbuf));
    if (fd >= 0) {
        struct cmsghdr *c;
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof(cbuf);
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0) {
        if (errno != EINTR)
            return ward_fail_errno(err, errno, "sendmsg");
    }
    return 0;
}

int sync_send(int sock, sync_type type, const char *data, size_t len, int fd, ward_err *err)
{
    sync_msg m;
    if (len > SYNC_DATA_MAX)
        return ward_fail(err, "sync message too large (%zu bytes)", len);
    m.type = type;
    m.errnum = 0;
    m.len = (uint32_t)len;
    if (len)
        memcpy(m.data, data, len);
    return send_fd(sock, fd, &m, offsetof(sync_msg, data) + len, err);
}

int sync_send_error(int sock, const ward_err *e)
{
    return sync_send_failure(sock, SYNC_ERROR, e);
}

int sync_send_failure(int sock, sync_type type, const ward_err *e)
{
    sync_msg m;
    size_t len = strnlen(e->msg, sizeof(e->msg));
    m.type = type;
    m.errnum = e->errnum;
    m.len = (uint32_t)len;
    memcpy(m.data, e->msg, len);
    return send_fd(sock, -1, &m, offsetof(sync_msg, data) + len, NULL);
}

int sync_recv(int sock, sync_msg *m, int *fd, ward_err *err)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = m, .iov_len = sizeof(*m)};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    struct cmsghdr *c;
    ssize_t n;
    if (fd)
        *fd = -1;
    do {
        n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return ward_fail_errno(err, errno, "receive from container init");
    if (n == 0)
        return ward_fail_errno(err, EPIPE, "container init exited during setup");
    for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int got;
            memcpy(&got, CMSG_DATA(c), sizeof(int));
            if (fd)
                *fd = got;
            else
                close(got);
        }
    }
    /* one whole packet (MSG_TRUNC: it was longer than a message can be) of exactly len bytes */
    if ((mh.msg_flags & MSG_TRUNC) || (size_t)n < offsetof(sync_msg, data) ||
        m->len > SYNC_DATA_MAX || (size_t)n != offsetof(sync_msg, data) + m->len) {
        if (fd && *fd >= 0) { /* no fd leaves with an error */
            close(*fd);
            *fd = -1;
        }
        return ward_fail(err, "malformed message from container init");
    }
    m->data[m->len] = '\0';
    return 0;
}

int sync_msg_to_err(const sync_msg *m, ward_err *err)
{
    err->errnum = m->errnum;
    snprintf(err->msg, sizeof(err->msg), "%s", m->data);
    return -1;
}

int sync_expect(int sock, sync_type want, sync_msg *m, int *fd, ward_err *err)
{
    if (sync_recv(sock, m, fd, err) < 0)
        return -1;
    if (m->type == SYNC_ERROR)
        return sync_msg_to_err(m, err);
    if (m->type != (uint32_t)want)
        return ward_fail(err, "unexpected message %u from container init (wanted %d)", m->type,
                         want);
    return 0;
}
