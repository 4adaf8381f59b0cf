#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs inside the VM (tests/vm/run --cgroup v2) for test_vm_cgroup2.py: prints "fact: value"
# lines about the cgroup2 hierarchy and a child cgroup whose limits are put to work.
set -eu

cg=/sys/fs/cgroup
child=$cg/ward-smoke
# Runs its arguments in the child cgroup.
in_child() {
    sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$child" "$@"
}

echo "fstype: $(stat -f -c %T $cg)"
echo "mounts: $(awk '$2 ~ "^/sys/fs/cgroup" { print $3 }' /proc/self/mounts | tr '\n' ' ')"
echo "controllers: $(cat $cg/cgroup.controllers)"
echo "subtree_control: $(cat $cg/cgroup.subtree_control)"

mkdir $child
echo "child controllers: $(cat $child/cgroup.controllers)"
echo 64M >$child/memory.max
echo "memory.max: $(cat $child/memory.max)"
echo 0 >$child/memory.swap.max
echo 5 >$child/pids.max
echo "pids.max: $(cat $child/pids.max)"
echo "50000 100000" >$child/cpu.max
echo "cpu.max: $(cat $child/cpu.max)"
echo 0 >$child/cpuset.cpus
echo "cpuset.cpus.effective: $(cat $child/cpuset.cpus.effective)"

echo "moved: $(in_child cat /proc/self/cgroup)"
echo "procs after exit: $(wc -l <$child/cgroup.procs)"

# pids.max holds: of 10 background sleeps, the ones past the limit fail to fork.
in_child sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 1 & done; wait' 2>/dev/null || true
echo "pids.events: $(cat $child/pids.events)"

# memory.max holds: a process touching 256 MiB in a 64 MiB cgroup without swap is OOM-killed.
status=0
in_child python3 -c 'x = b"x" * (256 << 20)' 2>/dev/null || status=$?
echo "oom status: $status"
echo "oom_kill: $(awk '$1 == "oom_kill" { print $2 }' $child/memory.events)"

rmdir $child
echo "rmdir: $(if [ -e $child ]; then echo present; else echo gone; fi)"
