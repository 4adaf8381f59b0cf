# SPDX-License-Identifier: Apache-2.0
# Man pages: scdoc sources in doc/, turned into roff by the build and installed by make install.
# tests/integration/test_help.py checks that they and every command's --help say the same.
MAN_SOURCES = doc/ward.8.scd doc/ward-run.8.scd doc/ward-exec.8.scd doc/ward-attest.8.scd doc/ward-manifest.8.scd \
	doc/ward-image.8.scd \
	doc/ward.conf.5.scd
EXTRA_DIST += $(MAN_SOURCES)
if HAVE_SCDOC
man_MANS = $(MAN_SOURCES:.scd=)
CLEANFILES += $(man_MANS)
SUFFIXES = .scd
.scd:
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(SCDOC) < $< > $@.tmp && mv -f $@.tmp $@
endif
