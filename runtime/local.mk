# SPDX-License-Identifier: Apache-2.0
noinst_LIBRARIES += libwardrt.a
libwardrt_a_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS) $(YAJL_CFLAGS)
libwardrt_a_SOURCES = \
	runtime/caps.c \
	runtime/cgroup.h \
	runtime/console.c runtime/console.h \
	runtime/container.h \
	runtime/create.c \
	runtime/hooks.c runtime/hooks.h \
	runtime/init.c runtime/init.h \
	runtime/log.c runtime/log.h \
	runtime/namespaces.c runtime/namespaces.h \
	runtime/ops.c \
	runtime/process_setup.c runtime/process_setup.h \
	runtime/rootfs.h \
	runtime/sandbox.h \
	runtime/signals.c runtime/signals.h \
	runtime/state_store.c runtime/state_store.h \
	runtime/sync.c runtime/sync.h \
	runtime/sysctl.c runtime/sysctl.h

bin_PROGRAMS += ward
ward_SOURCES = \
	runtime/cli.h \
	runtime/cli_info.c \
	runtime/cli_lifecycle.c \
	runtime/cli_manage.c \
	runtime/main.c
ward_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
ward_LDADD = libwardrt.a libwardspec.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAJL_LIBS)
libwardrt_a_SOURCES += \
	runtime/mountopt.c runtime/mountopt.h \
	runtime/rootfs.c runtime/rootfs-priv.h \
	runtime/rootfs-cgroup.c \
	runtime/rootfs-copyup.c \
	runtime/rootfs-dev.c \
	runtime/rootfs-enter.c \
	runtime/rootfs-idmap.c \
	runtime/rootfs-mask.c \
	runtime/rootfs-mount.c \
	runtime/rootfs-path.c \
	runtime/rootfs-sys.c

check_PROGRAMS += tests/unit/test-rootfs-mountopt tests/unit/test-rootfs tests/unit/test-rootfs-modes
TESTS += tests/unit/test-rootfs-mountopt tests/unit/test-rootfs tests/unit/test-rootfs-modes
tests_unit_test_rootfs_mountopt_SOURCES = tests/unit/test-rootfs-mountopt.c tests/unit/tap.h
tests_unit_test_rootfs_mountopt_LDADD = libwardrt.a libwardspec.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAJL_LIBS)
tests_unit_test_rootfs_SOURCES = tests/unit/test-rootfs.c tests/unit/test-rootfs-harness.h tests/unit/tap.h
tests_unit_test_rootfs_LDADD = libwardrt.a libwardspec.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAJL_LIBS)
tests_unit_test_rootfs_modes_SOURCES = tests/unit/test-rootfs-modes.c tests/unit/test-rootfs-harness.h tests/unit/tap.h
tests_unit_test_rootfs_modes_LDADD = libwardrt.a libwardspec.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAJL_LIBS)

# The mandatory sandbox: seccomp baseline + spec filter (libseccomp), Landlock.
libwardrt_a_SOURCES += \
	runtime/seccomp_internal.h \
	runtime/seccomp.c \
	runtime/seccomp_baseline.c \
	runtime/seccomp_baseline_build.c \
	runtime/seccomp_compile.c \
	runtime/seccomp_cache.c \
	runtime/seccomp_load.c \
	runtime/seccomp_describe.c \
	runtime/seccomp_util.c \
	runtime/landlock_uapi.h \
	runtime/landlock_internal.h \
	runtime/landlock.c \
	runtime/landlock_net.c \
	runtime/landlock_report.c

SANDBOX_TEST_LIBS = libwardrt.a libwardspec.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAJL_LIBS)
check_PROGRAMS += tests/unit/test-seccomp-baseline
TESTS += tests/unit/test-seccomp-baseline
tests_unit_test_seccomp_baseline_SOURCES = tests/unit/test-seccomp-baseline.c \
	tests/unit/test-seccomp-helpers.h
tests_unit_test_seccomp_baseline_LDADD = $(SANDBOX_TEST_LIBS)
check_PROGRAMS += tests/unit/test-seccomp-spec
TESTS += tests/unit/test-seccomp-spec
tests_unit_test_seccomp_spec_SOURCES = tests/unit/test-seccomp-spec.c \
	tests/unit/test-seccomp-helpers.h
tests_unit_test_seccomp_spec_LDADD = $(SANDBOX_TEST_LIBS)
check_PROGRAMS += tests/unit/test-seccomp-cache
TESTS += tests/unit/test-seccomp-cache
tests_unit_test_seccomp_cache_SOURCES = tests/unit/test-seccomp-cache.c \
	tests/unit/test-seccomp-helpers.h
tests_unit_test_seccomp_cache_LDADD = $(SANDBOX_TEST_LIBS)
check_PROGRAMS += tests/unit/test-landlock
TESTS += tests/unit/test-landlock
tests_unit_test_landlock_SOURCES = tests/unit/test-landlock.c \
	tests/unit/test-seccomp-helpers.h
tests_unit_test_landlock_LDADD = $(SANDBOX_TEST_LIBS)

# cgroups: dispatch (cgroup.c), layout, fs helpers, v1, v2, device rules (v1 lines + eBPF), stats
libwardrt_a_SOURCES += \
	runtime/cgroup.c runtime/cgroup_internal.h \
	runtime/cgroup_layout.c runtime/cgroup_fs.c \
	runtime/cgroup_v1.c runtime/cgroup_v1_res.c \
	runtime/cgroup_v2.c runtime/cgroup_v2_res.c runtime/cgroup_v2_conv.c \
	runtime/cgroup_devices.c runtime/cgroup_devices_bpf.c \
	runtime/cgroup_stats.c

CGROUP_TEST_LIBS = libwardrt.a libwardspec.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAJL_LIBS)
check_PROGRAMS += tests/unit/test-cgroup-pure tests/unit/test-cgroup-host tests/unit/test-cgroup-v2u
TESTS += tests/unit/test-cgroup-pure tests/unit/test-cgroup-host tests/unit/test-cgroup-v2u
tests_unit_test_cgroup_pure_SOURCES = tests/unit/test-cgroup-pure.c
tests_unit_test_cgroup_pure_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_cgroup_pure_LDADD = $(CGROUP_TEST_LIBS) -lm
tests_unit_test_cgroup_host_SOURCES = tests/unit/test-cgroup-host.c tests/unit/cgroup-child.h
tests_unit_test_cgroup_host_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_cgroup_host_LDADD = $(CGROUP_TEST_LIBS)
tests_unit_test_cgroup_v2u_SOURCES = tests/unit/test-cgroup-v2u.c tests/unit/cgroup-child.h
tests_unit_test_cgroup_v2u_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_cgroup_v2u_LDADD = $(CGROUP_TEST_LIBS)

# exec, pause/resume, ps, update, events (the surface podman and containerd call)
libwardrt_a_SOURCES += \
	runtime/confine.c runtime/confine.h \
	runtime/state_config.c
libwardrt_a_SOURCES += \
	runtime/exec.c runtime/exec_child.c runtime/exec_process.c runtime/exec_internal.h \
	runtime/ops_cgroup.c \
	runtime/resources_merge.c runtime/resources_merge.h \
	runtime/update_flags.c runtime/update_flags.h
ward_SOURCES += \
	runtime/cli_cgroup.c \
	runtime/cli_exec.c \
	runtime/cli_update.c
check_PROGRAMS += tests/unit/test-update-flags
TESTS += tests/unit/test-update-flags
tests_unit_test_update_flags_SOURCES = tests/unit/test-update-flags.c tests/unit/tap.h
tests_unit_test_update_flags_LDADD = libwardrt.a libwardspec.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAJL_LIBS)
