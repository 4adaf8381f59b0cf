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
