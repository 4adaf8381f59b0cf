/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The create-time conversation between ward and the container's init over a SOCK_SEQPACKET
 * socketpair: one message a packet, an optional fd attached with SCM_RIGHTS.
 */
#ifndef WARD_RUNTIME_SYNC_H
#define WARD_RUNTIME_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "spec/base/error.h"

typedef enum sync_type {
    SYNC_GO = 1,         /* ward -> init: ids mapped, cgroup joined; data: OCI state JSON */
    SYNC_RUNTIME_HOOKS,  /* init -> ward: namespaces exist, run createRuntime/prestart */
    SYNC_HOOKS_DONE,     /* ward -> init */
    SYNC_CONSOLE,        /* init -> ward: pty master attached */
    SYNC_SECCOMP_NOTIFY, /* init -> ward: seccomp listener fd attached */
    SYNC_READY,          /* init -> ward: all set up; data: protections JSON */
    SYNC_CREATED,        /* ward -> init: state written, stop dying with ward */
    SYNC_DETACHED,       /* init -> ward: death signal cleared, ward may exit */
    SYNC_ERROR,          /* either way: data is the error message, errnum is set */
    SYNC_EXEC_FAILED,    /* exec'd process -> ward: its executable cannot run (127/126) */
} sync_type;

#define SYNC_DATA_MAX 16384

typedef struct sync_msg {
    uint32_t type;
    int32_t errnum;
    uint32_t len;
    char data[SYNC_DATA_MAX + 1]; /* room for the NUL sync_recv adds after len bytes */
} sync_msg;

int sync_send(int sock, sync_type type, const char *data, size_t len, int fd, ward_err *err);
int sync_send_error(int sock, const ward_err *e);
/* An error of another type (SYNC_EXEC_FAILED): message and errnum travel as for SYNC_ERROR. */
int sync_send_failure(int sock, sync_type type, const ward_err *e);
/* Receive one message; *fd gets an attached fd or -1. EOF is an error ("init exited"). */
int sync_recv(int sock, sync_msg *m, int *fd, ward_err *err);
/* A received SYNC_ERROR (or failure) message as err; returns -1. */
int sync_msg_to_err(const sync_msg *m, ward_err *err);
/* Receive and require type `want`; a SYNC_ERROR becomes err. */
int sync_expect(int sock, sync_type want, sync_msg *m, int *fd, ward_err *err);

/* Send an fd with a payload over a connected unix socket (console socket, seccomp listener). */
int send_fd(int sock, int fd, const void *data, size_t len, ward_err *err);

#endif
