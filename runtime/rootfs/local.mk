# SPDX-License-Identifier: Apache-2.0
# The container's filesystem: mounts resolved beneath the rootfs, mount options, /dev, the cgroup
# mount, copy-up, idmapped mounts, entering the rootfs, masked and read-only paths.
libwardrt_a_SOURCES += \
	runtime/rootfs/rootfs.c runtime/rootfs/rootfs.h runtime/rootfs/internal.h \
	runtime/rootfs/mountopt.c runtime/rootfs/mountopt.h \
	runtime/rootfs/cgroupfs.c \
	runtime/rootfs/copyup.c \
	runtime/rootfs/dev.c \
	runtime/rootfs/enter.c \
	runtime/rootfs/idmap.c \
	runtime/rootfs/kernelfs.c \
	runtime/rootfs/mask.c \
	runtime/rootfs/mount.c \
	runtime/rootfs/path.c \
	runtime/rootfs/syscalls.c

check_PROGRAMS += tests/unit/test_rootfs_mountopt tests/unit/test_rootfs tests/unit/test_rootfs_modes
TESTS += tests/unit/test_rootfs_mountopt tests/unit/test_rootfs tests/unit/test_rootfs_modes
tests_unit_test_rootfs_mountopt_SOURCES = tests/unit/test_rootfs_mountopt.c tests/unit/tap.h
tests_unit_test_rootfs_mountopt_LDADD = $(RUNTIME_LIBS)
tests_unit_test_rootfs_SOURCES = tests/unit/test_rootfs.c tests/unit/rootfs_helpers.h tests/unit/tap.h
tests_unit_test_rootfs_LDADD = $(RUNTIME_LIBS)
tests_unit_test_rootfs_modes_SOURCES = tests/unit/test_rootfs_modes.c tests/unit/rootfs_helpers.h \
	tests/unit/tap.h
tests_unit_test_rootfs_modes_LDADD = $(RUNTIME_LIBS)
