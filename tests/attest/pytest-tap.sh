#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run a pytest suite for `make check` (TAP): one TAP line, pytest's output as comments.
# The suite is tests/attest unless PYTEST_SUITE names another (tests/image/pytest-tap.sh).
srcdir=${srcdir:-.}
build=$(pwd)
suite=${PYTEST_SUITE:-tests/attest}
py=python3
$py -c 'import pytest' 2>/dev/null || py=/usr/bin/python3
echo "1..1"
out=$(WARD_BUILD_DIR="$build" $py -m pytest "$srcdir/$suite" -q -p no:cacheprovider 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
summary=$(printf '%s\n' "$out" | tail -n 1)
if [ $rc -eq 0 ]; then echo "ok 1 - pytest $suite: $summary"; else echo "not ok 1 - pytest $suite: $summary"; fi
