# SPDX-License-Identifier: Apache-2.0
# cgroups: the backend choice (cgroup.c), the host's layout, file helpers, v1, v2, device rules
# (v1 lines and the eBPF filter), stats.
libwardrt_a_SOURCES += \
	runtime/cgroup/cgroup.c runtime/cgroup/cgroup.h runtime/cgroup/internal.h \
	runtime/cgroup/layout.c runtime/cgroup/fs.c \
	runtime/cgroup/v1.c runtime/cgroup/v1_resources.c \
	runtime/cgroup/v2.c runtime/cgroup/v2_resources.c runtime/cgroup/v2_convert.c \
	runtime/cgroup/devices.c runtime/cgroup/devices_bpf.c \
	runtime/cgroup/stats.c runtime/cgroup/undo.c

check_PROGRAMS += tests/unit/test_cgroup_pure tests/unit/test_cgroup_host tests/unit/test_cgroup_v2u
TESTS += tests/unit/test_cgroup_pure tests/unit/test_cgroup_host tests/unit/test_cgroup_v2u
tests_unit_test_cgroup_pure_SOURCES = tests/unit/test_cgroup_pure.c
tests_unit_test_cgroup_pure_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_cgroup_pure_LDADD = $(RUNTIME_LIBS) -lm
tests_unit_test_cgroup_host_SOURCES = tests/unit/test_cgroup_host.c tests/unit/cgroup_child.h
tests_unit_test_cgroup_host_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_cgroup_host_LDADD = $(RUNTIME_LIBS)
tests_unit_test_cgroup_v2u_SOURCES = tests/unit/test_cgroup_v2u.c tests/unit/cgroup_child.h
tests_unit_test_cgroup_v2u_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_cgroup_v2u_LDADD = $(RUNTIME_LIBS)
