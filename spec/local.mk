# SPDX-License-Identifier: Apache-2.0
noinst_LIBRARIES += libwardspec.a
libwardspec_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
libwardspec_a_SOURCES = \
	spec/config.h \
	spec/features.h \
	spec/hostconf.c spec/hostconf.h \
	spec/parse.h \
	spec/state.h
libwardspec_a_SOURCES += \
	spec/json.h spec/json_parse.c spec/json_read.c spec/json_string.c spec/json_write.c spec/json_write.h \
	spec/model.h spec/model_tables.c spec/names.c spec/names.h spec/lookup.c spec/free.c \
	spec/parse_config.c spec/parse_process.c spec/parse_linux.c spec/parse_resources.c \
	spec/parse_seccomp.c \
	spec/emit_config.c spec/emit_process.c spec/emit_linux.c spec/emit_resources.c \
	spec/validate.c spec/validate_process.c spec/validate_linux.c spec/validate_seccomp.c \
	spec/validate_resources.c \
	spec/defaults.c spec/state.c spec/state_parse.c spec/features.c

# Unit tests of spec/ (TAP). Fixtures are found through SPEC_TEST_DATA.
SPEC_TEST_CPPFLAGS = $(AM_CPPFLAGS) -DSPEC_TEST_DATA=\"$(abs_top_srcdir)/tests/unit/data/spec\"
SPEC_TEST_LIBS = libwardspec.a $(YAJL_LIBS)

check_PROGRAMS += tests/unit/test_spec_parse
TESTS += tests/unit/test_spec_parse
tests_unit_test_spec_parse_SOURCES = tests/unit/test_spec_parse.c
tests_unit_test_spec_parse_CPPFLAGS = $(SPEC_TEST_CPPFLAGS)
tests_unit_test_spec_parse_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_spec_parse_LDADD = $(SPEC_TEST_LIBS)

check_PROGRAMS += tests/unit/test_spec_validate
TESTS += tests/unit/test_spec_validate
tests_unit_test_spec_validate_SOURCES = tests/unit/test_spec_validate.c
tests_unit_test_spec_validate_CPPFLAGS = $(SPEC_TEST_CPPFLAGS)
tests_unit_test_spec_validate_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_spec_validate_LDADD = $(SPEC_TEST_LIBS)

check_PROGRAMS += tests/unit/test_spec_state
TESTS += tests/unit/test_spec_state
tests_unit_test_spec_state_SOURCES = tests/unit/test_spec_state.c
tests_unit_test_spec_state_CPPFLAGS = $(SPEC_TEST_CPPFLAGS)
tests_unit_test_spec_state_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_spec_state_LDADD = $(SPEC_TEST_LIBS)

check_PROGRAMS += tests/unit/test_spec_features
TESTS += tests/unit/test_spec_features
tests_unit_test_spec_features_SOURCES = tests/unit/test_spec_features.c
tests_unit_test_spec_features_CPPFLAGS = $(SPEC_TEST_CPPFLAGS)
tests_unit_test_spec_features_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_spec_features_LDADD = $(SPEC_TEST_LIBS)

check_PROGRAMS += tests/unit/test_spec_json_text
TESTS += tests/unit/test_spec_json_text
tests_unit_test_spec_json_text_SOURCES = tests/unit/test_spec_json_text.c
tests_unit_test_spec_json_text_CPPFLAGS = $(SPEC_TEST_CPPFLAGS)
tests_unit_test_spec_json_text_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_spec_json_text_LDADD = $(SPEC_TEST_LIBS)

check_PROGRAMS += tests/unit/test_spec_fuzz
TESTS += tests/unit/test_spec_fuzz
tests_unit_test_spec_fuzz_SOURCES = tests/unit/test_spec_fuzz.c
tests_unit_test_spec_fuzz_CPPFLAGS = $(SPEC_TEST_CPPFLAGS)
tests_unit_test_spec_fuzz_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_spec_fuzz_LDADD = $(SPEC_TEST_LIBS)

# The base (spec/base) and the JSON writer: no fixtures, default flags.
check_PROGRAMS += tests/unit/test_spec_base
TESTS += tests/unit/test_spec_base
tests_unit_test_spec_base_LDADD = $(SPEC_TEST_LIBS)

EXTRA_DIST += tests/unit/data/spec/full.json tests/unit/data/spec/runc-spec.json \
	tests/unit/data/spec/runc-spec-rootless.json tests/unit/data/spec/crun-spec.json \
	tests/unit/data/spec/crun-spec-rootless.json tests/unit/data/spec/ctr-oci-spec.json

check_PROGRAMS += tests/unit/test_spec_hostconf
TESTS += tests/unit/test_spec_hostconf
tests_unit_test_spec_hostconf_SOURCES = tests/unit/test_spec_hostconf.c tests/unit/tap.h
tests_unit_test_spec_hostconf_LDADD = $(SPEC_TEST_LIBS)

check_PROGRAMS += tests/unit/test_spec_mountinfo
TESTS += tests/unit/test_spec_mountinfo
tests_unit_test_spec_mountinfo_SOURCES = tests/unit/test_spec_mountinfo.c tests/unit/tap.h
tests_unit_test_spec_mountinfo_LDADD = $(SPEC_TEST_LIBS)
