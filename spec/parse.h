/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing and serialising the OCI documents ward reads from outside. Every function here treats
 * its input as hostile: type errors, out-of-range numbers and malformed JSON give an error that
 * names the JSON path ("process.args: must be a non-empty array") or, for malformed JSON, the line
 * and column ("line 3, column 7: ..."). Callers prefix the document name ("config.json: ").
 */
#ifndef WARD_SPEC_PARSE_H
#define WARD_SPEC_PARSE_H

#include "spec/config.h"

/* Parse config.json text into a model (not yet validated). */
int spec_config_parse(const char *json, size_t len, spec_config **out, ward_err *err);

/* Read <path> (at most 16 MiB), parse and validate it; errors are prefixed with "config.json: ". */
int spec_config_load(const char *path, spec_config **out, ward_err *err);

/* Check every rule of the runtime-spec and ward's stricter ones; names the path and the rule. */
int spec_config_validate(const spec_config *c, ward_err *err);

/* Serialise the model back to JSON (valid configs round-trip). *out is malloc'ed, NUL-terminated.
 */
int spec_config_to_json(const spec_config *c, char **out, size_t *len, ward_err *err);

/*
 * A runtime-spec Process object on its own (`ward exec --process FILE`), parsed and validated with
 * paths relative to the object ("args: must be a non-empty array"); the caller adds the file name.
 * spec_process_validate's path_prefix is "process" for config.json and "" for a process file.
 */
int spec_process_parse(const char *json, size_t len, spec_process **out, ward_err *err);
int spec_process_validate(const spec_process *p, const char *path_prefix, ward_err *err);

/*
 * A LinuxResources object on its own (`ward update --resources FILE`), parsed and validated with
 * paths relative to the object ("memory.swappiness: must be between 0 and 100").
 */
int spec_resources_parse(const char *json, size_t len, spec_resources **out, ward_err *err);

/*
 * The default config.json of `ward spec` (like `runc spec` / `crun spec`), malloc'ed in *out:
 * busybox-friendly (args ["sh"], terminal), the usual mounts,
 * CAP_AUDIT_WRITE/KILL/NET_BIND_SERVICE, RLIMIT_NOFILE 1024, runc's masked and read-only paths,
 * pid/network/ipc/uts/mount/cgroup namespaces. rootless (as crun does it) adds a user namespace
 * mapping container 0 to host_uid/host_gid (the caller passes getuid()/getgid(); spec/ makes no
 * syscalls), drops the devpts gid=5 option and the cgroup device rules; the network namespace and
 * sysfs stay.
 */
int spec_default_config_json(bool rootless, uint32_t host_uid, uint32_t host_gid, char **out,
                             ward_err *err);

/*
 * Check any other JSON document ward reads from outside (evidence, event log lines, state handed to
 * a seccomp listener) as strictly as the parsers above check theirs, before a yajl_tree_parse
 * (which alone would accept comments, invalid UTF-8 and duplicate keys and cut strings at a
 * \u0000): RFC 8259 text, UTF-8 strings without NUL, no duplicate keys, the same size and depth
 * limits.
 */
int spec_json_check(const char *text, size_t len, ward_err *err);

#endif
