#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the attest/ pytest suite for `make check` (TAP): one TAP line, pytest's output as comments.
srcdir=${srcdir:-.}
build=$(pwd)
py=python3
$py -c 'import pytest' 2>/dev/null || py=/usr/bin/python3
echo "1..1"
out=$(WARD_BUILD_DIR="$build" $py -m pytest "$srcdir/tests/attest" -q -p no:cacheprovider 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
summary=$(printf '%s\n' "$out" | tail -n 1)
if [ $rc -eq 0 ]; then echo "ok 1 - pytest tests/attest: $summary"; else echo "not ok 1 - pytest tests/attest: $summary"; fi
