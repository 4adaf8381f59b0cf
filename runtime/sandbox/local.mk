# SPDX-License-Identifier: Apache-2.0
# The mandatory sandbox behind sandbox.h: seccomp baseline + spec filter (libseccomp), Landlock.
libwardrt_a_SOURCES += \
	runtime/sandbox/sandbox.h runtime/sandbox/internal.h \
	runtime/sandbox/seccomp.c \
	runtime/sandbox/seccomp_baseline.c \
	runtime/sandbox/seccomp_baseline_build.c \
	runtime/sandbox/seccomp_compile.c \
	runtime/sandbox/seccomp_cache.c \
	runtime/sandbox/seccomp_load.c \
	runtime/sandbox/seccomp_describe.c \
	runtime/sandbox/seccomp_util.c \
	runtime/sandbox/landlock_uapi.h \
	runtime/sandbox/landlock.c \
	runtime/sandbox/landlock_net.c \
	runtime/sandbox/landlock_report.c

check_PROGRAMS += tests/unit/test_seccomp_baseline tests/unit/test_seccomp_spec \
	tests/unit/test_seccomp_cache tests/unit/test_landlock
TESTS += tests/unit/test_seccomp_baseline tests/unit/test_seccomp_spec \
	tests/unit/test_seccomp_cache tests/unit/test_landlock
tests_unit_test_seccomp_baseline_SOURCES = tests/unit/test_seccomp_baseline.c \
	tests/unit/seccomp_helpers.h
tests_unit_test_seccomp_baseline_LDADD = $(RUNTIME_LIBS)
tests_unit_test_seccomp_spec_SOURCES = tests/unit/test_seccomp_spec.c tests/unit/seccomp_helpers.h
tests_unit_test_seccomp_spec_LDADD = $(RUNTIME_LIBS)
tests_unit_test_seccomp_cache_SOURCES = tests/unit/test_seccomp_cache.c tests/unit/seccomp_helpers.h
tests_unit_test_seccomp_cache_LDADD = $(RUNTIME_LIBS)
tests_unit_test_landlock_SOURCES = tests/unit/test_landlock.c tests/unit/seccomp_helpers.h
tests_unit_test_landlock_LDADD = $(RUNTIME_LIBS)
