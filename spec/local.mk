# SPDX-License-Identifier: Apache-2.0
noinst_LIBRARIES += libwardspec.a
libwardspec_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
libwardspec_a_SOURCES = \
	spec/cleanup.h \
	spec/config.h \
	spec/error.c spec/error.h \
	spec/features.h \
	spec/file.c \
	spec/hostconf.c spec/hostconf.h \
	spec/parse.h \
	spec/state.h
