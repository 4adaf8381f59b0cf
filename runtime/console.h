/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_RUNTIME_CONSOLE_H
#define WARD_RUNTIME_CONSOLE_H

#include "spec/config.h"

/*
 * In the init, after pivot_root: open a pty in the container's devpts, size it, bind its slave
 * onto /dev/console, make it the controlling terminal and stdio. Returns the master fd.
 */
int console_setup_in_container(const spec_process *p, ward_err *err);

/* In an exec'd process, after joining the container's mount namespace: the same without the
 * /dev/console bind (that belongs to the init). Returns the master fd. */
int console_setup_exec(const spec_process *p, ward_err *err);

/* In ward: connect to --console-socket and hand it the master (SCM_RIGHTS), as runc does. */
int console_send_to_socket(const char *socket_path, int master, ward_err *err);

#endif
