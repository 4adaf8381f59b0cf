# SPDX-License-Identifier: Apache-2.0
# The `ward` command: argument parsing and output, on top of libwardrt.a (not part of it).
bin_PROGRAMS += ward
ward_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
WARD_CLI_SOURCES = \
	runtime/cli/cli.h \
	runtime/cli/main.c \
	runtime/cli/cgroup.c \
	runtime/cli/exec.c \
	runtime/cli/help.c \
	runtime/cli/image.c \
	runtime/cli/info.c \
	runtime/cli/lifecycle.c \
	runtime/cli/manage.c \
	runtime/cli/tty_proxy.c \
	runtime/cli/result.c \
	runtime/cli/update.c \
	runtime/cli/update_flags.c runtime/cli/update_flags.h
ward_SOURCES = $(WARD_CLI_SOURCES)
ward_LDADD = $(RUNTIME_LIBS)

# The same program with fault points that work (runtime/fault.h): for the fault-injection tests
# (tests/integration/test_fault_points.py); built by make, never installed.
noinst_PROGRAMS += tests/ward-fault
tests_ward_fault_CFLAGS = $(ward_CFLAGS)
tests_ward_fault_SOURCES = tests/fault/fault_on.c $(WARD_CLI_SOURCES)
tests_ward_fault_LDADD = $(RUNTIME_LIBS)

check_PROGRAMS += tests/unit/test_update_flags
TESTS += tests/unit/test_update_flags
tests_unit_test_update_flags_SOURCES = tests/unit/test_update_flags.c tests/unit/tap.h \
	runtime/cli/update_flags.c runtime/cli/update_flags.h
tests_unit_test_update_flags_LDADD = $(RUNTIME_LIBS)

# The install paths header is generated (Makefile.am); BUILT_SOURCES covers `make` and `make
# check`, this covers building one program alone (`make ward`).
$(ward_OBJECTS) $(tests_ward_fault_OBJECTS): ward_paths.h
