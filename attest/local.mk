# SPDX-License-Identifier: Apache-2.0
# attest/: TPM 2.0, signatures, manifests. Linked by helper binaries, never by `ward` itself.
noinst_LIBRARIES += libwardattest.a
libwardattest_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(TSS2_CFLAGS) $(CRYPTO_CFLAGS) \
	-DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED
libwardattest_a_SOURCES = \
	attest/ak.c attest/ak.h \
	attest/attest.c attest/attest.h \
	attest/codec.c attest/codec.h \
	attest/ek.c attest/ek.h \
	attest/evidence.c attest/evidence.h \
	attest/evlog.c attest/evlog.h \
	attest/evlog_file.c \
	attest/evlog_parse.c \
	attest/internal.h \
	attest/json_fields.c \
	attest/measure.c attest/measure.h \
	attest/pubkey.c attest/pubkey.h \
	attest/quote.c attest/quote.h \
	attest/quote_check.c \
	attest/tpm.c attest/tpm.h \
	attest/verify.c
WARD_ATTEST_LIBS = libwardattest.a libwardspec.a $(TSS2_LIBS) $(CRYPTO_LIBS) $(YAJL_LIBS)

# `ward attest ...` execs this helper, so that `ward` itself never loads tss2 or libcrypto.
pkglibexec_PROGRAMS += ward-attest
ward_attest_SOURCES = attest/cli.c attest/cli.h attest/cli_cmds.c
ward_attest_CFLAGS = $(libwardattest_a_CFLAGS)
ward_attest_LDADD = $(WARD_ATTEST_LIBS)

# Tests: C unit tests without a TPM, and the pytest suite against swtpm and tpm2-tools.
check_PROGRAMS += tests/unit/test_attest_evlog tests/unit/test_attest_quote
tests_unit_test_attest_evlog_SOURCES = tests/unit/test_attest_evlog.c tests/unit/tap.h
tests_unit_test_attest_evlog_CFLAGS = $(libwardattest_a_CFLAGS)
tests_unit_test_attest_evlog_LDADD = $(WARD_ATTEST_LIBS)
tests_unit_test_attest_quote_SOURCES = tests/unit/test_attest_quote.c tests/unit/tap.h
tests_unit_test_attest_quote_CFLAGS = $(libwardattest_a_CFLAGS)
tests_unit_test_attest_quote_LDADD = $(WARD_ATTEST_LIBS)
# bench/attest-bench's in-process half (built by make check, not run as a test)
check_PROGRAMS += bench/attest-bench-lib
bench_attest_bench_lib_SOURCES = bench/attest_bench_lib.c
bench_attest_bench_lib_CFLAGS = $(libwardattest_a_CFLAGS)
bench_attest_bench_lib_LDADD = $(WARD_ATTEST_LIBS)
TESTS += tests/unit/test_attest_evlog tests/unit/test_attest_quote tests/attest/pytest-tap.sh
EXTRA_DIST += tests/attest/pytest-tap.sh tests/attest/conftest.py tests/attest/test_quote.py \
	tests/attest/test_errors.py tests/attest/test_node.py tests/attest/test_tpm2_tools.py \
	tests/attest/swtpm.py \
	bench/attest-bench
