# SPDX-License-Identifier: Apache-2.0
# The base every module uses: the error type, cleanup helpers, file I/O.
libwardspec_a_SOURCES += \
	spec/base/cleanup.h \
	spec/base/error.c spec/base/error.h \
	spec/base/file.c \
	spec/base/hash.h
