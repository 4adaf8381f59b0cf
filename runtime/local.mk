# SPDX-License-Identifier: Apache-2.0
# runtime/: the lifecycle and process setup (this folder), with one folder per subsystem, each
# adding its sources to libwardrt.a in its own local.mk. The CLI (runtime/cli/) is not in the
# library: it is the `ward` program's front end.
noinst_LIBRARIES += libwardrt.a
libwardrt_a_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS) $(YAJL_CFLAGS)
libwardrt_a_SOURCES = \
	runtime/caps.c \
	runtime/confine.c runtime/confine.h \
	runtime/console.c runtime/console.h \
	runtime/container.h \
	runtime/create.c \
	runtime/exec.c runtime/exec_child.c runtime/exec_process.c \
	runtime/fault.c runtime/fault.h \
	runtime/hooks.c runtime/hooks.h \
	runtime/init.c runtime/init.h \
	runtime/internal.h \
	runtime/log.c runtime/log.h \
	runtime/namespaces.c runtime/namespaces.h \
	runtime/ops.c runtime/ops_cgroup.c \
	runtime/process_setup.c runtime/process_setup.h \
	runtime/recover.c runtime/recover.h \
	runtime/resources_merge.c runtime/resources_merge.h \
	runtime/signals.c runtime/signals.h \
	runtime/state_config.c \
	runtime/state_exit.c \
	runtime/state_safety.c \
	runtime/state_store.c runtime/state_store.h \
	runtime/sync.c runtime/sync.h \
	runtime/sysctl.c runtime/sysctl.h \
	runtime/unsupported.c runtime/unsupported.h

# What a program or unit test that uses the runtime library links.
RUNTIME_LIBS = libwardrt.a libwardspec.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAJL_LIBS)

check_PROGRAMS += tests/unit/test_process_setup
TESTS += tests/unit/test_process_setup
tests_unit_test_process_setup_SOURCES = tests/unit/test_process_setup.c tests/unit/tap.h
tests_unit_test_process_setup_LDADD = $(RUNTIME_LIBS)
