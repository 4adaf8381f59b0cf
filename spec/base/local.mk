# SPDX-License-Identifier: Apache-2.0
# The base every module uses: the error type, cleanup helpers, file I/O, the monotonic clock.
libwardspec_a_SOURCES += \
	spec/base/cleanup.h \
	spec/base/error.c spec/base/error.h \
	spec/base/file.c spec/base/file.h \
	spec/base/mountinfo.c spec/base/mountinfo.h \
	spec/base/hash.h \
	spec/base/time.h
