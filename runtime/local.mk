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
