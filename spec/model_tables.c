/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plain fields of each config.json object, in the order ward writes them. Arrays of objects,
 * enums and nested objects are handled by hand in parse_*.c / emit_*.c.
 */
#include "spec/model.h"

#define R JF_REQUIRED
#define Z JF_OMITZERO
#define TABLE(name, ...)                                                                           \
    const jfield name[] = {__VA_ARGS__};                                                           \
    const size_t name##_len = JF_COUNT(name)

TABLE(spec_t_config, JF(spec_config, "ociVersion", JK_STR, oci_version, R),
      JF(spec_config, "hostname", JK_STR, hostname, 0),
      JF(spec_config, "domainname", JK_STR, domainname, 0));

TABLE(spec_t_root, JF(spec_root, "path", JK_STR, path, R),
      JF(spec_root, "readonly", JK_BOOL, readonly, 0));

TABLE(spec_t_id_mapping, JF(spec_id_mapping, "containerID", JK_U32, container_id, R),
      JF(spec_id_mapping, "hostID", JK_U32, host_id, R),
      JF(spec_id_mapping, "size", JK_U32, size, R));

TABLE(spec_t_mount, JF(spec_mount, "destination", JK_STR, destination, R),
      JF(spec_mount, "type", JK_STR, type, 0), JF(spec_mount, "source", JK_STR, source, 0),
      JF(spec_mount, "options", JK_STRV, options, 0));

TABLE(spec_t_user, JF(spec_user, "uid", JK_U32, uid, R), JF(spec_user, "gid", JK_U32, gid, R),
      JFH(spec_user, "umask", JK_U32, umask, has_umask, 0),
      JF(spec_user, "username", JK_STR, username, 0));

TABLE(spec_t_caps, JF(spec_capabilities, "bounding", JK_STRV, bounding, 0),
      JF(spec_capabilities, "effective", JK_STRV, effective, 0),
      JF(spec_capabilities, "inheritable", JK_STRV, inheritable, 0),
      JF(spec_capabilities, "permitted", JK_STRV, permitted, 0),
      JF(spec_capabilities, "ambient", JK_STRV, ambient, 0));

TABLE(spec_t_rlimit, JF(spec_rlimit, "type", JK_STR, type, R),
      JF(spec_rlimit, "hard", JK_U64, hard, R), JF(spec_rlimit, "soft", JK_U64, soft, R));

TABLE(spec_t_io_priority, JF(spec_io_priority, "class", JK_STR, klass, R),
      JF(spec_io_priority, "priority", JK_I32, priority, R));

TABLE(spec_t_scheduler, JF(spec_scheduler, "policy", JK_STR, policy, R),
      JF(spec_scheduler, "nice", JK_I32, nice, Z),
      JF(spec_scheduler, "priority", JK_I32, priority, Z),
      JF(spec_scheduler, "flags", JK_STRV, flags, 0),
      JF(spec_scheduler, "runtime", JK_U64, runtime, Z),
      JF(spec_scheduler, "deadline", JK_U64, deadline, Z),
      JF(spec_scheduler, "period", JK_U64, period, Z));

/* process.args is parsed by hand for its message; the rest are plain. */
TABLE(spec_t_process, JF(spec_process, "terminal", JK_BOOL, terminal, 0),
      JF(spec_process, "commandLine", JK_STR, command_line, 0),
      JF(spec_process, "env", JK_STRV, env, 0), JF(spec_process, "cwd", JK_STR, cwd, R),
      JFH(spec_process, "noNewPrivileges", JK_BOOL, no_new_privileges, has_no_new_privileges, 0),
      JF(spec_process, "apparmorProfile", JK_STR, apparmor_profile, 0),
      JFH(spec_process, "oomScoreAdj", JK_I32, oom_score_adj, has_oom_score_adj, 0),
      JF(spec_process, "selinuxLabel", JK_STR, selinux_label, 0));

/* Fields of nested objects that the model keeps flat in spec_process. */
TABLE(spec_t_console_size, JF(spec_process, "height", JK_U32, console_height, R),
      JF(spec_process, "width", JK_U32, console_width, R));
TABLE(spec_t_cpu_affinity, JF(spec_process, "initial", JK_STR, exec_cpu_affinity_initial, 0),
      JF(spec_process, "final", JK_STR, exec_cpu_affinity_final, 0));

TABLE(spec_t_hook, JF(spec_hook, "path", JK_STR, path, R), JF(spec_hook, "args", JK_STRV, args, 0),
      JF(spec_hook, "env", JK_STRV, env, 0),
      JFH(spec_hook, "timeout", JK_I32, timeout, has_timeout, 0));

TABLE(spec_t_device, JF(spec_device, "path", JK_STR, path, R),
      JFC(spec_device, "type", type, R, "cbup"),
      JFH(spec_device, "major", JK_I64, major, has_major, 0),
      JFH(spec_device, "minor", JK_I64, minor, has_minor, 0),
      JFH(spec_device, "fileMode", JK_U32, file_mode, has_file_mode, 0),
      JFH(spec_device, "uid", JK_U32, uid, has_uid, 0),
      JFH(spec_device, "gid", JK_U32, gid, has_gid, 0));

TABLE(spec_t_device_cgroup, JF(spec_device_cgroup, "allow", JK_BOOL, allow, R),
      JFC(spec_device_cgroup, "type", type, 0, "acb"),
      JFH(spec_device_cgroup, "major", JK_I64, major, has_major, 0),
      JFH(spec_device_cgroup, "minor", JK_I64, minor, has_minor, 0),
      JF(spec_device_cgroup, "access", JK_STR, access, 0));

TABLE(spec_t_memory, JFH(spec_memory, "limit", JK_I64, limit, has_limit, 0),
      JFH(spec_memory, "reservation", JK_I64, reservation, has_reservation, 0),
      JFH(spec_memory, "swap", JK_I64, swap, has_swap, 0),
      JFH(spec_memory, "kernel", JK_I64, kernel, has_kernel, 0),
      JFH(spec_memory, "kernelTCP", JK_I64, kernel_tcp, has_kernel_tcp, 0),
      JFH(spec_memory, "swappiness", JK_U64, swappiness, has_swappiness, 0),
      JFH(spec_memory, "disableOOMKiller", JK_BOOL, disable_oom_killer, has_disable_oom_killer, 0),
      JFH(spec_memory, "useHierarchy", JK_BOOL, use_hierarchy, has_use_hierarchy, 0),
      JFH(spec_memory, "checkBeforeUpdate", JK_BOOL, check_before_update, has_check_before_update,
          0));

TABLE(spec_t_cpu, JFH(spec_cpu, "shares", JK_U64, shares, has_shares, 0),
      JFH(spec_cpu, "quota", JK_I64, quota, has_quota, 0),
      JFH(spec_cpu, "burst", JK_U64, burst, has_burst, 0),
      JFH(spec_cpu, "period", JK_U64, period, has_period, 0),
      JFH(spec_cpu, "realtimeRuntime", JK_I64, realtime_runtime, has_realtime_runtime, 0),
      JFH(spec_cpu, "realtimePeriod", JK_U64, realtime_period, has_realtime_period, 0),
      JF(spec_cpu, "cpus", JK_STR, cpus, 0), JF(spec_cpu, "mems", JK_STR, mems, 0),
      JFH(spec_cpu, "idle", JK_I64, idle, has_idle, 0));

TABLE(spec_t_pids, JFH(spec_resources, "limit", JK_I64, pids_limit, has_pids_limit, R));

TABLE(spec_t_block_io, JFH(spec_block_io, "weight", JK_U16, weight, has_weight, 0),
      JFH(spec_block_io, "leafWeight", JK_U16, leaf_weight, has_leaf_weight, 0));

TABLE(spec_t_weight_device, JF(spec_weight_device, "major", JK_I64, major, R),
      JF(spec_weight_device, "minor", JK_I64, minor, R),
      JFH(spec_weight_device, "weight", JK_U16, weight, has_weight, 0),
      JFH(spec_weight_device, "leafWeight", JK_U16, leaf_weight, has_leaf_weight, 0));

TABLE(spec_t_throttle_device, JF(spec_throttle_device, "major", JK_I64, major, R),
      JF(spec_throttle_device, "minor", JK_I64, minor, R),
      JF(spec_throttle_device, "rate", JK_U64, rate, R));

TABLE(spec_t_hugepage, JF(spec_hugepage_limit, "pageSize", JK_STR, page_size, R),
      JF(spec_hugepage_limit, "limit", JK_U64, limit, R));

TABLE(spec_t_network, JFH(spec_resources, "classID", JK_U32, net_class_id, has_net_class_id, 0));

TABLE(spec_t_net_priority, JF(spec_net_priority, "name", JK_STR, name, R),
      JF(spec_net_priority, "priority", JK_U32, priority, R));

TABLE(spec_t_seccomp, JF(spec_seccomp, "defaultAction", JK_STR, default_action, R),
      JFH(spec_seccomp, "defaultErrnoRet", JK_U32, default_errno_ret, has_default_errno_ret, 0),
      JF(spec_seccomp, "architectures", JK_STRV, architectures, 0),
      JF(spec_seccomp, "flags", JK_STRV, flags, 0),
      JF(spec_seccomp, "listenerPath", JK_STR, listener_path, 0),
      JF(spec_seccomp, "listenerMetadata", JK_STR, listener_metadata, 0));

TABLE(spec_t_syscall, JF(spec_seccomp_syscall, "names", JK_STRV, names, R),
      JF(spec_seccomp_syscall, "action", JK_STR, action, R),
      JFH(spec_seccomp_syscall, "errnoRet", JK_U32, errno_ret, has_errno_ret, 0));

TABLE(spec_t_seccomp_arg, JF(spec_seccomp_arg, "index", JK_U32, index, R),
      JF(spec_seccomp_arg, "value", JK_U64, value, R),
      JF(spec_seccomp_arg, "valueTwo", JK_U64, value_two, Z),
      JF(spec_seccomp_arg, "op", JK_STR, op, R));

TABLE(spec_t_personality, JF(spec_personality, "domain", JK_STR, domain, R),
      JF(spec_personality, "flags", JK_STRV, flags, 0));

TABLE(spec_t_time_offset, JF(spec_time_offset, "secs", JK_I64, secs, Z),
      JF(spec_time_offset, "nanosecs", JK_U32, nanosecs, Z));

TABLE(spec_t_linux, JF(spec_linux, "cgroupsPath", JK_STR, cgroups_path, 0),
      JF(spec_linux, "rootfsPropagation", JK_STR, rootfs_propagation, 0),
      JFH(spec_linux, "maskedPaths", JK_STRV, masked_paths, has_masked_paths, 0),
      JFH(spec_linux, "readonlyPaths", JK_STRV, readonly_paths, has_readonly_paths, 0),
      JF(spec_linux, "mountLabel", JK_STR, mount_label, 0));
