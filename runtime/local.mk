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
