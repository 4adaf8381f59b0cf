# SPDX-License-Identifier: Apache-2.0
# attest/: image trust (containers-policy.json, GPG and cosign signatures, verified unpack).
# A library of its own so that its helper links neither tss2 nor anything `ward` must not load.
noinst_LIBRARIES += libwardimage.a
libwardimage_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(CRYPTO_CFLAGS) \
	-DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED
libwardimage_a_SOURCES = \
	attest/imgref.c attest/imgref.h \
	attest/policy.h attest/policy_parse.c attest/policy_match.c
WARD_IMAGE_LIBS = libwardimage.a libwardattest.a libwardspec.a $(CRYPTO_LIBS) $(YAJL_LIBS)

check_PROGRAMS += tests/unit/test_attest_policy
tests_unit_test_attest_policy_SOURCES = tests/unit/test_attest_policy.c tests/unit/tap.h
tests_unit_test_attest_policy_CFLAGS = $(libwardimage_a_CFLAGS)
tests_unit_test_attest_policy_LDADD = $(WARD_IMAGE_LIBS)
TESTS += tests/unit/test_attest_policy
