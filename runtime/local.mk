# SPDX-License-Identifier: Apache-2.0
noinst_LIBRARIES += libwardrt.a
libwardrt_a_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS) $(YAJL_CFLAGS)
libwardrt_a_SOURCES = \
	runtime/cgroup.h \
	runtime/rootfs.h \
	runtime/sandbox.h

bin_PROGRAMS += ward
ward_SOURCES = runtime/main.c
ward_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
ward_LDADD = libwardrt.a libwardspec.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAJL_LIBS)

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
