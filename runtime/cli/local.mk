# SPDX-License-Identifier: Apache-2.0
# The `ward` command: argument parsing and output, on top of libwardrt.a (not part of it).
bin_PROGRAMS += ward
ward_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
ward_SOURCES = \
	runtime/cli/cli.h \
	runtime/cli/main.c \
	runtime/cli/cgroup.c \
	runtime/cli/exec.c \
	runtime/cli/image.c \
	runtime/cli/info.c \
	runtime/cli/lifecycle.c \
	runtime/cli/manage.c \
	runtime/cli/update.c \
	runtime/cli/update_flags.c runtime/cli/update_flags.h
ward_LDADD = $(RUNTIME_LIBS)

check_PROGRAMS += tests/unit/test_update_flags
TESTS += tests/unit/test_update_flags
tests_unit_test_update_flags_SOURCES = tests/unit/test_update_flags.c tests/unit/tap.h \
	runtime/cli/update_flags.c runtime/cli/update_flags.h
tests_unit_test_update_flags_LDADD = $(RUNTIME_LIBS)
