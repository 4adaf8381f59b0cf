/* SPDX-License-Identifier: Apache-2.0 */
/* Inside ward's Landlock module (runtime/landlock*.c and its unit tests). */
#ifndef WARD_RUNTIME_LANDLOCK_INTERNAL_H
#define WARD_RUNTIME_LANDLOCK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/sandbox.h"

typedef struct landlock_ports {
    bool present; /* the annotation was given (empty: deny every port) */
    uint16_t *ports;
    size_t n;
} landlock_ports;

/* Strictly parse "80,443" into out (what names the annotation in errors). */
int landlock_parse_ports(const char *value, const char *what, landlock_ports *out, ward_err *err);

/* Both annotations of cfg; absent ones have present == false. */
int landlock_net_from_spec(const spec_config *cfg, landlock_ports *bind, landlock_ports *connect,
                           ward_err *err);

int landlock_report(int abi, uint64_t fs, uint64_t net, uint64_t scoped, size_t rules, bool special,
                    bool log_new_exec, const landlock_ports *bind, const landlock_ports *connect,
                    char **out, ward_err *err);
int landlock_report_disabled(int abi, const char *reason, char **out, ward_err *err);

/* Debug lines (runtime/seccomp_util.c); see sandbox_set_debug(). */
void sandbox_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
