#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the image trust pytest suite for `make check` (TAP), through the attest suite's runner.
PYTEST_SUITE=tests/image exec sh "${srcdir:-.}/tests/attest/pytest-tap.sh"
