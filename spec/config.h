/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OCI runtime-spec configuration model (config.json), runtime-spec 1.0.0 to 1.3.x, Linux.
 * Pure data: parsing is in spec/parse_*.c, validation in spec/validate*.c; no syscalls here.
 *
 * Conventions: strings are heap-allocated and NUL-terminated (NULL when absent); arrays are a
 * pointer plus a count; an optional number has a `has_` flag next to it. spec_config_free()
 * releases everything.
 */
#ifndef WARD_SPEC_CONFIG_H
#define WARD_SPEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/base/error.h"

typedef struct spec_strv {
    char **items;
    size_t len;
} spec_strv;

typedef struct spec_kv {
    char *key;
    char *value;
} spec_kv;

typedef struct spec_kv_list {
    spec_kv *items;
    size_t len;
} spec_kv_list;

/* ---- root, mounts ---- */
typedef struct spec_root {
    char *path; /* as written in config.json (may be relative to the bundle) */
    bool readonly;
} spec_root;

typedef struct spec_id_mapping {
    uint32_t container_id;
    uint32_t host_id;
    uint32_t size;
} spec_id_mapping;

typedef struct spec_mount {
    char *destination;
    char *type;
    char *source;
    spec_strv options;
    spec_id_mapping *uid_mappings; /* runtime-spec 1.1 idmapped mounts */
    size_t n_uid_mappings;
    spec_id_mapping *gid_mappings;
    size_t n_gid_mappings;
} spec_mount;

/* ---- process ---- */
typedef struct spec_user {
    uint32_t uid;
    uint32_t gid;
    bool has_umask;
    uint32_t umask;
    uint32_t *additional_gids;
    size_t n_additional_gids;
    char *username; /* Windows only; carried */
} spec_user;

typedef struct spec_capabilities {
    bool present; /* process.capabilities given at all */
    spec_strv bounding;
    spec_strv effective;
    spec_strv inheritable;
    spec_strv permitted;
    spec_strv ambient;
} spec_capabilities;

typedef struct spec_rlimit {
    char *type; /* "RLIMIT_NOFILE" ... */
    uint64_t hard;
    uint64_t soft;
} spec_rlimit;

typedef struct spec_io_priority {
    bool present;
    char *klass; /* IOPRIO_CLASS_RT|BE|IDLE */
    int32_t priority;
} spec_io_priority;

typedef struct spec_scheduler {
    bool present;
    char *policy;
    int32_t nice;
    int32_t priority;
    spec_strv flags;
    uint64_t runtime;
    uint64_t deadline;
    uint64_t period;
} spec_scheduler;

typedef struct spec_process {
    bool terminal;
    bool has_console_size;
    uint32_t console_height;
    uint32_t console_width;
    spec_user user;
    spec_strv args;
    char *command_line; /* Windows only; carried */
    spec_strv env;
    char *cwd;
    spec_capabilities capabilities;
    spec_rlimit *rlimits;
    size_t n_rlimits;
    bool no_new_privileges;
    bool has_no_new_privileges; /* false: not written in config.json */
    char *apparmor_profile;
    bool has_oom_score_adj;
    int32_t oom_score_adj;
    char *selinux_label;
    spec_io_priority io_priority;
    spec_scheduler scheduler;
    char *exec_cpu_affinity_initial; /* 1.2 execCPUAffinity */
    char *exec_cpu_affinity_final;
} spec_process;

/* ---- hooks ---- */
typedef struct spec_hook {
    char *path;
    spec_strv args;
    spec_strv env;
    bool has_timeout;
    int32_t timeout; /* seconds, > 0 */
} spec_hook;

typedef struct spec_hook_list {
    spec_hook *items;
    size_t len;
} spec_hook_list;

typedef struct spec_hooks {
    spec_hook_list prestart; /* deprecated, still run */
    spec_hook_list create_runtime;
    spec_hook_list create_container;
    spec_hook_list start_container;
    spec_hook_list poststart;
    spec_hook_list poststop;
} spec_hooks;

/* ---- linux ---- */
typedef enum spec_ns_type {
    SPEC_NS_PID,
    SPEC_NS_NETWORK,
    SPEC_NS_MOUNT,
    SPEC_NS_IPC,
    SPEC_NS_UTS,
    SPEC_NS_USER,
    SPEC_NS_CGROUP,
    SPEC_NS_TIME,
    SPEC_NS_COUNT
} spec_ns_type;

typedef struct spec_namespace {
    spec_ns_type type;
    char *path; /* join this namespace when set */
} spec_namespace;

typedef struct spec_device {
    char *path;
    char type;      /* 'c', 'b', 'u' or 'p' */
    bool has_major; /* major and minor are required unless type is 'p' */
    int64_t major;
    bool has_minor;
    int64_t minor;
    bool has_file_mode;
    uint32_t file_mode;
    bool has_uid;
    uint32_t uid;
    bool has_gid;
    uint32_t gid;
} spec_device;

typedef struct spec_device_cgroup {
    bool allow;
    char type; /* 'a', 'c', 'b' (0 = absent = 'a') */
    bool has_major;
    int64_t major;
    bool has_minor;
    int64_t minor;
    char *access; /* subset of "rwm", NULL = "rwm" */
} spec_device_cgroup;

typedef struct spec_memory {
    bool present;
    bool has_limit;
    int64_t limit;
    bool has_reservation;
    int64_t reservation;
    bool has_swap;
    int64_t swap;
    bool has_kernel;
    int64_t kernel;
    bool has_kernel_tcp;
    int64_t kernel_tcp;
    bool has_swappiness;
    uint64_t swappiness;
    bool has_disable_oom_killer;
    bool disable_oom_killer;
    bool has_use_hierarchy;
    bool use_hierarchy;
    bool has_check_before_update;
    bool check_before_update;
} spec_memory;

typedef struct spec_cpu {
    bool present;
    bool has_shares;
    uint64_t shares;
    bool has_quota;
    int64_t quota;
    bool has_burst;
    uint64_t burst;
    bool has_period;
    uint64_t period;
    bool has_realtime_runtime;
    int64_t realtime_runtime;
    bool has_realtime_period;
    uint64_t realtime_period;
    char *cpus;
    char *mems;
    bool has_idle;
    int64_t idle;
} spec_cpu;

typedef struct spec_weight_device {
    int64_t major;
    int64_t minor;
    bool has_weight;
    uint16_t weight;
    bool has_leaf_weight;
    uint16_t leaf_weight;
} spec_weight_device;

typedef struct spec_throttle_device {
    int64_t major;
    int64_t minor;
    uint64_t rate;
} spec_throttle_device;

typedef struct spec_throttle_list {
    spec_throttle_device *items;
    size_t len;
} spec_throttle_list;

typedef struct spec_block_io {
    bool present;
    bool has_weight;
    uint16_t weight;
    bool has_leaf_weight;
    uint16_t leaf_weight;
    spec_weight_device *weight_devices;
    size_t n_weight_devices;
    spec_throttle_list throttle_read_bps;
    spec_throttle_list throttle_write_bps;
    spec_throttle_list throttle_read_iops;
    spec_throttle_list throttle_write_iops;
} spec_block_io;

typedef struct spec_hugepage_limit {
    char *page_size; /* "2MB", "1GB" */
    uint64_t limit;
} spec_hugepage_limit;

typedef struct spec_net_priority {
    char *name;
    uint32_t priority;
} spec_net_priority;

typedef struct spec_resources {
    spec_device_cgroup *devices;
    size_t n_devices;
    spec_memory memory;
    spec_cpu cpu;
    bool has_pids_limit;
    int64_t pids_limit; /* <= 0 means unlimited */
    spec_block_io block_io;
    spec_hugepage_limit *hugepage_limits;
    size_t n_hugepage_limits;
    bool has_net_class_id;
    uint32_t net_class_id;
    spec_net_priority *net_priorities;
    size_t n_net_priorities;
    spec_kv_list unified; /* cgroup v2 file -> value */
    bool has_rdma;        /* rdma limits given: ward has no rdma controller, validation refuses */
} spec_resources;

typedef struct spec_seccomp_arg {
    uint32_t index;
    uint64_t value;
    uint64_t value_two;
    char *op; /* SCMP_CMP_NE ... */
} spec_seccomp_arg;

typedef struct spec_seccomp_syscall {
    spec_strv names;
    char *action; /* SCMP_ACT_... */
    bool has_errno_ret;
    uint32_t errno_ret;
    spec_seccomp_arg *args;
    size_t n_args;
} spec_seccomp_syscall;

typedef struct spec_seccomp {
    bool present;
    char *default_action;
    bool has_default_errno_ret;
    uint32_t default_errno_ret;
    spec_strv architectures; /* SCMP_ARCH_... */
    spec_strv flags;         /* SECCOMP_FILTER_FLAG_... */
    char *listener_path;
    char *listener_metadata;
    spec_seccomp_syscall *syscalls;
    size_t n_syscalls;
} spec_seccomp;

typedef struct spec_personality {
    bool present;
    char *domain; /* LINUX or LINUX32 */
    spec_strv flags;
} spec_personality;

typedef struct spec_time_offset {
    char *clock; /* "monotonic" or "boottime" */
    int64_t secs;
    uint32_t nanosecs;
} spec_time_offset;

typedef struct spec_linux {
    bool present;
    spec_namespace *namespaces;
    size_t n_namespaces;
    spec_id_mapping *uid_mappings;
    size_t n_uid_mappings;
    spec_id_mapping *gid_mappings;
    size_t n_gid_mappings;
    spec_device *devices;
    size_t n_devices;
    char *cgroups_path;
    bool has_resources;
    spec_resources resources;
    spec_kv_list sysctl;
    spec_seccomp seccomp;
    char *rootfs_propagation; /* shared|slave|private|unbindable, NULL = runtime default */
    spec_strv masked_paths;
    bool has_masked_paths;
    spec_strv readonly_paths;
    bool has_readonly_paths;
    char *mount_label;
    spec_personality personality;
    spec_time_offset *time_offsets;
    size_t n_time_offsets;
    /* Given in config.json but not implemented by ward: validation refuses them (fail closed). */
    bool has_intel_rdt;
    bool has_net_devices;
    bool has_memory_policy;
} spec_linux;

typedef struct spec_config {
    char *oci_version;
    bool has_root;
    spec_root root;
    spec_mount *mounts;
    size_t n_mounts;
    bool has_process;
    spec_process process;
    char *hostname;
    char *domainname;
    bool has_hooks;
    spec_hooks hooks;
    spec_kv_list annotations;
    spec_linux linux_;
} spec_config;

/* Namespace type name as config.json spells it ("pid", "network", ...). */
const char *spec_ns_type_name(spec_ns_type t);
/* Parse a namespace name; returns -1 for an unknown one. */
int spec_ns_type_from_name(const char *name);

/* Look up an annotation; NULL when absent. */
const char *spec_annotation(const spec_config *c, const char *key);
/* The namespace entry of a type, or NULL. */
const spec_namespace *spec_find_namespace(const spec_config *c, spec_ns_type t);

void spec_config_free(spec_config *c);
void spec_process_free(spec_process *p);
void spec_resources_free(spec_resources *r);

#endif
