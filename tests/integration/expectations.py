# SPDX-License-Identifier: Apache-2.0
"""ward's exact user-facing strings, in one place so they can be adjusted with the runtime.

Each entry is a regular expression that must match one whole line of ward's stderr
(re.fullmatch on each line). Literal parts are escaped with re.escape; parameters are filled in
by the tests with .format() BEFORE escaping, through error_re().
"""

import re

# `ward --version`: first line and the features line (crun style: +SECCOMP +LANDLOCK ...).
WARD_VERSION_FIRST_LINE = r"ward version \d+\.\d+(\.\d+)?\S*"
WARD_VERSION_FEATURES = r"^\+\S+( [+-]\S+)*$"

# Config errors: `ward: config.json: <JSON path>: <rule>`.
ERRORS = {
    "missing_args": "ward: config.json: process.args: must be a non-empty array",
    "empty_args": "ward: config.json: process.args: must be a non-empty array",
    "bad_namespace_type": 'ward: config.json: linux.namespaces[{index}].type: '
                          'unknown namespace "{name}"',
    "bad_mount_destination": "ward: config.json: mounts[{index}].destination: "
                             "must be an absolute path",
    "unknown_capability": 'ward: config.json: process.capabilities.{set}[{index}]: '
                          'unknown capability "{name}"',
    "duplicate_namespace": 'ward: config.json: linux.namespaces[{index}].type: '
                           'duplicate namespace "{name}"',
    "unknown_rlimit": 'ward: config.json: process.rlimits[{index}].type: '
                      'unknown rlimit "{name}"',
    "missing_rootfs": "ward: config.json: root.path: {path}: No such file or directory",
}

# Entries ward may keep in --root besides one directory per container (e.g. a global lock).
ROOT_ALLOWED_ENTRIES = set()

# Malformed JSON: `ward: config.json: line L, column C: <yajl's message>`; the message is yajl's,
# so only the prefix is exact.
MALFORMED_JSON = "ward: config.json: line {line}, column {column}: "

# The malformed document used by the test and where its error is (1-based line and column of the
# offending character, here the ']' on line 3).
MALFORMED_DOC = '{\n  "ociVersion": "1.0.2",\n  "root": ]\n}\n'
MALFORMED_AT = {"line": 3, "column": 11}


def error_re(kind, **params):
    """Compiled regex for an ERRORS entry with its parameters filled in."""
    return re.compile(re.escape(ERRORS[kind].format(**params)))


def malformed_re(line, column):
    return re.compile(re.escape(MALFORMED_JSON.format(line=line, column=column)) + r".+")


def assert_stderr_line(stderr, regex):
    """Some line of stderr must match regex in full."""
    lines = stderr.splitlines()
    assert any(regex.fullmatch(line) for line in lines), (
        f"no stderr line matches {regex.pattern!r}; stderr was:\n{stderr}")
