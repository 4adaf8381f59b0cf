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
