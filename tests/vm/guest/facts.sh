#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs inside the VM with the default options for test_vm_harness.py: prints "fact: value"
# lines about the guest, writes where writes must not reach the host, then exits 7.
# $1: a file the host test made; $2: a path in the build tree to write.
set -u

echo "cwd: $(pwd)"
echo "uid: $(id -u)"
echo "root fstype: $(stat -f -c %T /)"
echo "host file: $(cat "$1")"
echo "env: ${WARD_VM_TEST_ENV:-unset}"
echo "written: $(echo guest >"$2" && cat "$2")"
echo "tmp written: $(echo guest >"$1" && cat "$1")"
echo "cgroup fstype: $(stat -f -c %T /sys/fs/cgroup)"
echo "cgroup unified fstype: $(stat -f -c %T /sys/fs/cgroup/unified)"
echo "tpm: $(ls /dev/tpm0 /dev/tpmrm0 2>/dev/null | wc -l)"
echo "loopback: $(python3 -c 'import socket
s = socket.create_server(("127.0.0.1", 0))
c = socket.create_connection(s.getsockname())
print("connected")')"
echo "to stderr" >&2
exit 7
