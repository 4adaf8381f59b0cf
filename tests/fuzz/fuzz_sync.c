/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The init's sync messages (runtime/sync.c), received by ward over a SOCK_SEQPACKET socketpair:
 * the input is one packet exactly as it arrives, the first byte choosing whether an fd rides
 * along. Properties: an accepted message is exactly what was sent (no truncated packet taken for
 * whole), its data is NUL-terminated, an attached fd is handed over with a message and closed with
 * an error (never leaked), and
 * sending the received message again gives the same message back (round trip).
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/sync.h"
#include "tests/fuzz/fuzz.h"

static int lowest_free_fd(void)
{
    int fd = dup(0);
    FUZZ_ASSERT(fd >= 0, "dup");
    close(fd);
    return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sync_msg m, m2;
    int sv[2], fd = -1, fd2 = -1, before, with_fd;
    ward_err err = {0};

    if (size < 1)
        return 0;
    with_fd = data[0] & 1;
    data++, size--;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return 0;
    before = lowest_free_fd();
    if (with_fd) {
        int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
        FUZZ_ASSERT(nul >= 0, "open /dev/null");
        if (send_fd(sv[0], nul, data, size, &err) < 0) { /* too big for one packet */
            close(nul);
            goto out;
        }
        close(nul);
    } else if (send_fd(sv[0], -1, data, size, &err) < 0) {
        goto out;
    }
    if (size == 0) /* send_fd sends one dummy byte for an empty payload */
        size = 1;
    if (sync_recv(sv[1], &m, &fd, &err) == 0) {
        FUZZ_ASSERT(size == offsetof(sync_msg, data) + m.len,
                    "accepted a %zu-byte packet as a message of %u data bytes", size, m.len);
        FUZZ_ASSERT(m.len <= SYNC_DATA_MAX && m.data[m.len] == '\0', "data not NUL-terminated");
        FUZZ_ASSERT(memcmp(m.data, data + offsetof(sync_msg, data), m.len) == 0, "data changed");
        FUZZ_ASSERT((fd >= 0) == with_fd, "fd %d, sent %d", fd, with_fd);
        /* round trip: what was received goes through sync_send and back unchanged */
        FUZZ_ASSERT(sync_send(sv[0], m.type, m.data, m.len, -1, &err) == 0, "%s", err.msg);
        FUZZ_ASSERT(sync_recv(sv[1], &m2, &fd2, &err) == 0, "%s", err.msg);
        FUZZ_ASSERT(m2.type == m.type && m2.len == m.len && !memcmp(m2.data, m.data, m.len),
                    "round trip");
        if (m.type == SYNC_ERROR) {
            ward_err e = {0};
            sync_msg_to_err(&m, &e);
            FUZZ_ASSERT(strlen(e.msg) < sizeof(e.msg), "message");
        }
    } else
        FUZZ_ASSERT(fd == -1, "an fd handed out with an error (%s)", err.msg);
    if (fd >= 0)
        close(fd);
    FUZZ_ASSERT(lowest_free_fd() == before, "fd leak (%d, was %d)", lowest_free_fd(), before);
out:
    close(sv[0]);
    close(sv[1]);
    return 0;
}
