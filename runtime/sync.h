/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The setup conversation between ward and a child it spawned (runtime/spawn.c: the container's
 * init, or an exec'd process) over a SOCK_SEQPACKET socketpair: one message a packet, an optional
 * fd attached with SCM_RIGHTS. The exec'd process sends no runtime-hooks request and no detach.
 */
#ifndef WARD_RUNTIME_SYNC_H
#define WARD_RUNTIME_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "spec/base/error.h"

typedef enum sync_type {
    SYNC_GO = 1,         /* ward -> child: ids mapped, cgroup joined; data: the init's OCI state */
    SYNC_RUNTIME_HOOKS,  /* init -> ward: namespaces exist, run createRuntime/prestart */
    SYNC_HOOKS_DONE,     /* ward -> init */
    SYNC_CONSOLE,        /* child -> ward: pty master attached */
    SYNC_SECCOMP_NOTIFY, /* child -> ward: seccomp listener fd attached */
    SYNC_READY,          /* child -> ward: all set up; data: protections JSON (exec: Landlock's) */
    SYNC_CREATED,        /* ward -> child: state (or pid file) written, stop dying with ward */
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
