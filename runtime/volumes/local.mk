# SPDX-License-Identifier: Apache-2.0
# Encrypted per-container volumes (LUKS2 via libcryptsetup, dlopen'ed: only its header at build).
libwardrt_a_SOURCES += \
	runtime/volumes/volumes.h runtime/volumes/internal.h \
	runtime/volumes/annotations.c \
	runtime/volumes/cryptsetup.c \
	runtime/volumes/loop.c \
	runtime/volumes/setup.c \
	runtime/volumes/teardown.c
libwardrt_a_CFLAGS += $(CRYPTSETUP_CFLAGS)
