/* SPDX-License-Identifier: Apache-2.0 */
#ifndef WARD_RUNTIME_HOOKS_H
#define WARD_RUNTIME_HOOKS_H

#include "spec/config.h"

/*
 * Run each hook of a list in order with the OCI state JSON on stdin. `kind` names the list in
 * messages ("hooks.prestart[1] (/usr/bin/x): exited with status 3"). With keep_going every hook
 * runs and failures are logged as warnings (poststop); otherwise the first failure stops.
 */
int hooks_run(const spec_hook_list *list, const char *kind, const char *state_json, bool keep_going,
              ward_err *err);

#endif
