/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_RUNTIME_SIGNALS_H
#define WARD_RUNTIME_SIGNALS_H

#include "spec/base/error.h"

/* "TERM", "SIGTERM", "15", "RTMIN+3", "SIGRTMAX-1" -> signal number; an error names the input. */
int signal_parse(const char *s, int *sig, ward_err *err);

#endif
