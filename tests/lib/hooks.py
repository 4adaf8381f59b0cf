# SPDX-License-Identifier: Apache-2.0
"""Hook scripts for OCI hook tests.

write_hook(path) installs one POSIX sh script (it runs with the host's /bin/sh, and with busybox sh
inside a container for startContainer hooks). Its arguments select what it does:

    hook KIND LOG [ACTION...]

It appends "KIND STATUS" to LOG, STATUS being the "status" field of the state JSON on stdin, then
performs each ACTION in order:
    env:NAME        append "KIND env NAME=<value>" to LOG
    state:FILE      write the raw state JSON to FILE
    pid:FILE        write the hook's own pid to FILE
    sleep:SECS      exec sleep SECS (so the pid written by pid: is the sleeping process)
    fail            append "KIND is failing" to LOG and exit 1
"""

import os

SCRIPT = r"""#!/bin/sh
kind=$1; log=$2; shift 2
state=$(cat)
status=$(printf '%s' "$state" | sed -n 's/.*"status"[ ]*:[ ]*"\([a-z]*\)".*/\1/p')
echo "$kind $status" >> "$log"
for action in "$@"; do
    case "$action" in
    env:*) name=${action#env:}; eval "value=\${$name-}"; echo "$kind env $name=$value" >> "$log" ;;
    state:*) printf '%s' "$state" > "${action#state:}" ;;
    pid:*) echo $$ > "${action#pid:}" ;;
    sleep:*) exec sleep "${action#sleep:}" ;;
    fail) echo "$kind is failing" >> "$log"; exit 1 ;;
    esac
done
exit 0
"""


def write_hook(path):
    with open(path, "w") as f:
        f.write(SCRIPT)
    os.chmod(path, 0o755)
    return str(path)


def hook_args(script, kind, log, *actions):
    """The spec's hook `args` (argv[0] first) for write_hook's script."""
    return [str(script), kind, str(log)] + [str(a) for a in actions]


def read_log(log):
    """The log as a list of lines ('KIND STATUS', 'KIND env ...', 'KIND is failing')."""
    try:
        with open(log) as f:
            return [line.rstrip("\n") for line in f if line.strip()]
    except FileNotFoundError:
        return []


def kinds(log):
    """The KIND of each 'KIND STATUS' line, in order (one per hook run)."""
    return [line.split()[0] for line in read_log(log) if len(line.split()) == 2]
