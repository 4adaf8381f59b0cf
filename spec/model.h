/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal to spec/: the field tables of the config model and the per-section parse, emit, validate
 * and free functions that parse_*.c, emit_*.c, validate_*.c and free.c share.
 */
#ifndef WARD_SPEC_MODEL_H
#define WARD_SPEC_MODEL_H

#include "spec/config.h"
#include "spec/json.h"

/* Field tables (model_tables.c); each is used by parse, emit and free alike. */
#define SPEC_TABLE(name)                                                                           \
    extern const jfield name[];                                                                    \
    extern const size_t name##_len
SPEC_TABLE(spec_t_config);
SPEC_TABLE(spec_t_root);
SPEC_TABLE(spec_t_id_mapping);
SPEC_TABLE(spec_t_mount);
SPEC_TABLE(spec_t_user);
SPEC_TABLE(spec_t_caps);
SPEC_TABLE(spec_t_rlimit);
SPEC_TABLE(spec_t_io_priority);
SPEC_TABLE(spec_t_scheduler);
SPEC_TABLE(spec_t_process);
SPEC_TABLE(spec_t_console_size);
SPEC_TABLE(spec_t_cpu_affinity);
SPEC_TABLE(spec_t_hook);
SPEC_TABLE(spec_t_device);
SPEC_TABLE(spec_t_device_cgroup);
SPEC_TABLE(spec_t_memory);
SPEC_TABLE(spec_t_cpu);
SPEC_TABLE(spec_t_pids);
SPEC_TABLE(spec_t_block_io);
SPEC_TABLE(spec_t_weight_device);
SPEC_TABLE(spec_t_throttle_device);
SPEC_TABLE(spec_t_hugepage);
SPEC_TABLE(spec_t_network);
SPEC_TABLE(spec_t_net_priority);
SPEC_TABLE(spec_t_seccomp);
SPEC_TABLE(spec_t_syscall);
SPEC_TABLE(spec_t_seccomp_arg);
SPEC_TABLE(spec_t_personality);
SPEC_TABLE(spec_t_time_offset);
SPEC_TABLE(spec_t_linux);
#undef SPEC_TABLE

/* ---- parse (the node is known to be an object unless said otherwise) ---- */
int spec_parse_process_node(const jnode *n, jpath *p, spec_process *out, ward_err *err);
int spec_parse_linux_node(const jnode *n, jpath *p, spec_linux *out, ward_err *err);
int spec_parse_resources_node(const jnode *n, jpath *p, spec_resources *out, ward_err *err);
int spec_parse_seccomp_node(const jnode *n, jpath *p, spec_seccomp *out, ward_err *err);
int spec_parse_id_mappings(const jnode *n, jpath *p, spec_id_mapping **out, size_t *len,
                           ward_err *err);

/* ---- emit ---- */
void spec_emit_process(jwriter *w, const spec_process *p);
void spec_emit_linux(jwriter *w, const spec_linux *l);
void spec_emit_resources(jwriter *w, const spec_resources *r);
void spec_emit_seccomp(jwriter *w, const spec_seccomp *s);
void spec_emit_id_mappings(jwriter *w, const char *key, const spec_id_mapping *m, size_t n);

/* ---- free (contents only; the struct itself stays) ---- */
void spec_process_clear(spec_process *p);
void spec_resources_clear(spec_resources *r);
void spec_linux_clear(spec_linux *l);
void spec_hooks_clear(spec_hooks *h);

/* ---- validate ---- */

/* "prefix.fmt..." (or just "fmt..." when prefix is empty) into buf; returns buf. */
const char *spec_vpath(char *buf, size_t size, const char *prefix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define VPATH(buf, prefix, ...) spec_vpath(buf, sizeof(buf), prefix, __VA_ARGS__)

/* Reject a value not in table: `<path>: unknown <what> "<value>"`. */
int spec_check_name(const char *path, const char *what, const char *const *table, const char *value,
                    ward_err *err);
bool spec_path_is_absolute(const char *path);
bool spec_path_has_dotdot(const char *path);
/* A cpu list as the kernel writes it: "0-3,5,7-8". */
bool spec_cpu_list_valid(const char *s);

int spec_validate_linux(const spec_config *c, ward_err *err);
int spec_validate_seccomp(const spec_seccomp *s, ward_err *err);
int spec_validate_resources(const spec_resources *r, const char *prefix, ward_err *err);
int spec_validate_linux_mappings(const spec_linux *l, ward_err *err);
int spec_validate_mounts(const spec_config *c, ward_err *err);
int spec_validate_hooks(const spec_hooks *h, ward_err *err);
int spec_validate_env(const spec_strv *env, const char *prefix, ward_err *err);

#endif
