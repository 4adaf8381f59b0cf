# SPDX-License-Identifier: Apache-2.0
# attest/: image trust (containers-policy.json, GPG and cosign signatures, verified unpack).
# A library of its own so that its helper links neither tss2 nor anything `ward` must not load.
noinst_LIBRARIES += libwardimage.a
libwardimage_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(CRYPTO_CFLAGS) $(GPGME_CFLAGS) $(ARCHIVE_CFLAGS) \
	-DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED
libwardimage_a_SOURCES = \
	attest/imgref.c attest/imgref.h \
	attest/policy.h attest/policy_parse.c attest/policy_match.c \
	attest/imgsig.h attest/imgsig.c attest/sig_cosign.c attest/sig_gpg.c \
	attest/imgsrc.h attest/imgsrc.c \
	attest/imgverify.h attest/imgverify.c attest/imgdecision.c \
	attest/unpack.h attest/unpack_internal.h attest/unpack.c attest/unpack_layer.c \
	attest/unpack_config.c attest/unpack_fs.h attest/unpack_fs.c attest/unpack_tree.c \
	attest/image_check.c
# codec.o and pubkey.o come from libwardattest.a (neither needs tss2 at link time)
WARD_IMAGE_LIBS = libwardimage.a libwardattest.a libwardspec.a $(GPGME_LIBS) $(ARCHIVE_LIBS) $(CRYPTO_LIBS) \
	$(YAJL_LIBS)

# `ward image ...` execs this helper, so that `ward` itself never loads gpgme, libcrypto or libarchive.
pkglibexec_PROGRAMS += ward-image
ward_image_SOURCES = attest/image_cli.c
ward_image_CFLAGS = $(libwardimage_a_CFLAGS)
ward_image_LDADD = $(WARD_IMAGE_LIBS)

check_PROGRAMS += tests/unit/test_attest_policy
tests_unit_test_attest_policy_SOURCES = tests/unit/test_attest_policy.c tests/unit/tap.h
tests_unit_test_attest_policy_CFLAGS = $(libwardimage_a_CFLAGS)
tests_unit_test_attest_policy_LDADD = $(WARD_IMAGE_LIBS)
TESTS += tests/unit/test_attest_policy
TESTS += tests/image/pytest-tap.sh
EXTRA_DIST += tests/image/pytest-tap.sh tests/image/conftest.py tests/image/test_cosign.py \
	tests/image/test_gpg.py tests/image/test_policy_cli.py tests/image/test_unpack.py \
	tests/image/layouts.py tests/image/test_create.py
# bench/image-bench's in-process half (built by make check, not run as a test)
check_PROGRAMS += bench/image-bench-lib
bench_image_bench_lib_SOURCES = bench/image_bench_lib.c
bench_image_bench_lib_CFLAGS = $(libwardimage_a_CFLAGS)
bench_image_bench_lib_LDADD = $(WARD_IMAGE_LIBS)
EXTRA_DIST += bench/image-bench
