# SPDX-License-Identifier: Apache-2.0
# libFuzzer targets of every input parser, built with clang by tests/fuzz/build (outside the
# normal gcc build). `make fuzz` runs each for FUZZ_SECONDS; CI runs 20 s each (tests/run-all fuzz).
FUZZ_SECONDS = 600
fuzz:
	$(top_srcdir)/tests/fuzz/run --seconds $(FUZZ_SECONDS)
.PHONY: fuzz
EXTRA_DIST += tests/fuzz/build tests/fuzz/run tests/fuzz/fuzz.h tests/fuzz/corpus \
	$(wildcard $(top_srcdir)/tests/fuzz/*.c $(top_srcdir)/tests/fuzz/*.dict)
