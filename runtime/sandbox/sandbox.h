/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward's mandatory sandbox: a seccomp baseline that always applies with the spec's own profile
 * stacked on top, and Landlock derived from the spec. The filters are compiled (or taken from the
 * cache) by ward before the container's init is cloned, and loaded by the init as its last step.
 */
#ifndef WARD_RUNTIME_SANDBOX_H
#define WARD_RUNTIME_SANDBOX_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "spec/config.h"
#include "spec/hostconf.h"

/*
 * Where the sandbox writes debug lines (a skipped unknown syscall name, a cache miss and why).
 * NULL (the default) is silent. Not thread-safe; set it once at start.
 */
void sandbox_set_debug(FILE *f);

typedef struct sandbox_seccomp sandbox_seccomp;

/*
 * Compile the baseline (relaxed only by hc) and the spec's linux.seccomp (if any) into BPF.
 * cache_dir (may be NULL) holds compiled filters keyed by profile hash, arch and kernel.
 */
int sandbox_seccomp_prepare(const spec_config *cfg, const ward_hostconf *hc, const char *cache_dir,
                            sandbox_seccomp **out, ward_err *err);

/*
 * Loading, in two steps. The spec's filter must come after every syscall of ward's own setup,
 * or a profile that allows only what the workload needs would refuse ward's (openat2 for the
 * cwd, close_range...): it is the last thing before execve. Only a spec with notify actions
 * loads it early, since its listener fd must reach ward while ward still waits for it.
 *
 * sandbox_seccomp_load_early: in the init (and exec'd process), after the other setup steps:
 * the baseline, and the spec's filter when it has notify actions (*notify_fd gets the listener,
 * else -1). sandbox_seccomp_load_last: right before execve, the spec's filter if still to load.
 * sandbox_seccomp_spec_last: whether load_last has a filter to load (then, without no_new_privs,
 * the process must hold CAP_SYS_ADMIN until it is loaded). sandbox_seccomp_load: both at once.
 */
int sandbox_seccomp_load_early(const sandbox_seccomp *s, int *notify_fd, ward_err *err);
int sandbox_seccomp_load_last(const sandbox_seccomp *s, ward_err *err);
bool sandbox_seccomp_spec_last(const sandbox_seccomp *s);
int sandbox_seccomp_load(const sandbox_seccomp *s, int *notify_fd, ward_err *err);

/*
 * JSON object for state.json, malloc'ed: {"enabled":true,"baseline":{"hash":"fnv1a64:<16 hex>",
 * "entries":N,"insns":N,"cached":B,"own_user_ns_admin":B,"foreign_arch_action":..,
 * "extra_arches":[..],"host_allowed":[..]},"spec":null|{"hash":..,"default_action":..,"rules":N,
 * "skipped_unknown":N,"insns":N,"cached":B,"notify":B,"flags":[..]},"prepare_us":N}.
 * The hashes are FNV-1a 64 of the canonical profile text (an identifier, not a signature).
 */
int sandbox_seccomp_describe(const sandbox_seccomp *s, char **json, ward_err *err);

void sandbox_seccomp_free(sandbox_seccomp *s);

/*
 * Send the seccomp notify fd to linux.seccomp.listenerPath with the container state, as the
 * runtime-spec says (SCM_RIGHTS plus the seccomp state JSON). Runs in ward, not in the container.
 */
int sandbox_seccomp_send_listener(const spec_config *cfg, const char *oci_state_json, pid_t pid,
                                  int notify_fd, ward_err *err);

/*
 * In the init, after pivot_root and before seccomp: the Landlock ruleset derived from the spec,
 * best effort by ABI. *report_json (malloc'ed) says what was enforced: {"abi":N,"fs":[...],...}.
 */
int sandbox_landlock_apply(const spec_config *cfg, const ward_hostconf *hc, char **report_json,
                           ward_err *err);

/*
 * sandbox_landlock_apply() for a process that has not pivoted: every path of the spec (root "/",
 * mount destinations, devices) is resolved beneath root (RESOLVE_IN_ROOT). The public function
 * is this with root "/". Used by tests and by anything that confines a process in place.
 */
int sandbox_landlock_apply_beneath(const spec_config *cfg, const ward_hostconf *hc,
                                   const char *root, char **report_json, ward_err *err);

/* The kernel's Landlock ABI version, 0 when Landlock is unavailable or disabled. */
int sandbox_landlock_abi(void);

/* Annotations that restrict TCP (Landlock ABI 4): comma-separated ports, "" denies all. */
#define SANDBOX_ANN_NET_BIND    "ward.landlock.net.bind"
#define SANDBOX_ANN_NET_CONNECT "ward.landlock.net.connect"

/* What this host supports, for `ward features`: JSON object, malloc'ed. */
int sandbox_host_features_json(char **json, ward_err *err);

#endif
