/* SPDX-License-Identifier: Apache-2.0 */
/* runc's `update` flags (--memory 256m, --cpu-shares 512, ...) as a LinuxResources document. */
#ifndef WARD_RUNTIME_UPDATE_FLAGS_H
#define WARD_RUNTIME_UPDATE_FLAGS_H

#include <stdint.h>

#include "spec/base/error.h"

typedef enum update_flag {
    UF_MEMORY,
    UF_MEMORY_SWAP,
    UF_MEMORY_RESERVATION,
    UF_KERNEL_MEMORY,
    UF_KERNEL_MEMORY_TCP,
    UF_CPU_SHARES,
    UF_CPU_QUOTA,
    UF_CPU_PERIOD,
    UF_CPU_RT_PERIOD,
    UF_CPU_RT_RUNTIME,
    UF_CPUSET_CPUS,
    UF_CPUSET_MEMS,
    UF_PIDS_LIMIT,
    UF_BLKIO_WEIGHT,
    UF_COUNT
} update_flag;

/* The flag's name without dashes ("memory-swap"), for getopt tables and messages. */
const char *update_flag_name(update_flag f);

/*
 * A size as runc reads it (go-units RAMInBytes): bytes, or a number (fractions allowed) with a
 * binary suffix k, m, g, t or p, optionally followed by "b" or "ib", any case ("256m", "1.5G",
 * "512KiB"). "-1" means unlimited.
 */
int update_parse_size(const char *s, int64_t *out, ward_err *err);

/*
 * values[f] is the text given for flag f or NULL. *json (malloc'ed) is a LinuxResources object
 * with those values, for spec_resources_parse(); "{}" when none was given.
 */
int update_flags_to_json(const char *const values[UF_COUNT], char **json, ward_err *err);

#endif
