/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The names the runtime-spec defines (capabilities, rlimits, seccomp actions, ...), as
 * NULL-terminated tables. spec/ is pure, so these are ward's own lists rather than libcap's or
 * libseccomp's; the runtime translates them. Validation and the features document both read these
 * tables, so what ward accepts and what it advertises cannot drift apart.
 */
#ifndef WARD_SPEC_NAMES_H
#define WARD_SPEC_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define SPEC_OCI_VERSION_MIN "1.0.0"
#define SPEC_OCI_VERSION_MAX "1.3.0"
#define SPEC_CAP_LAST        40 /* CAP_CHECKPOINT_RESTORE */

extern const char *const spec_capability_names[];        /* index == capability number */
extern const char *const spec_rlimit_names[];            /* RLIMIT_CPU ... */
extern const char *const spec_seccomp_actions[];         /* SCMP_ACT_... */
extern const char *const spec_seccomp_errno_actions[];   /* actions that take an errno */
extern const char *const spec_seccomp_arches[];          /* SCMP_ARCH_... */
extern const char *const spec_seccomp_operators[];       /* SCMP_CMP_... */
extern const char *const spec_seccomp_flags[];           /* SECCOMP_FILTER_FLAG_... */
extern const char *const spec_seccomp_supported_flags[]; /* the flags ward can apply */
extern const char *const spec_propagations[];            /* rootfsPropagation values */
extern const char *const spec_ioprio_classes[];
extern const char *const spec_sched_policies[];
extern const char *const spec_sched_flags[];
extern const char *const spec_personality_domains[];
extern const char *const spec_time_clocks[];
extern const char *const spec_hook_names[];
extern const char *const spec_mount_options[]; /* every option ward's mount code recognises */

/* Index of name in a NULL-terminated table, or -1. */
int spec_name_index(const char *const *table, const char *name);
static inline bool spec_name_known(const char *const *table, const char *name)
{
    return name != NULL && spec_name_index(table, name) >= 0;
}

/* Capability number of "CAP_..." or -1 (for the runtime's libcap translation). */
int spec_capability_from_name(const char *name);

/*
 * Whether ociVersion is one ward accepts: SemVer 1.0.0 to 1.3.x (pre-releases of 1.1.0 and later
 * included; 1.0.0-rc.* predate the 1.0 schema and are refused).
 */
bool spec_oci_version_supported(const char *version);

#endif
