#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
#
# Guest init of tests/vm/run, run by busybox sh.
# Stage 1 (PID 1 in the initramfs): load the modules, build the root (the host's / over 9p,
# read-only, under a tmpfs overlay so writes never reach the host), switch into it.
# Stage 2 (PID 1 in that root): cgroups, run the command, write its exit status, power off.
# Settings come from the kernel command line as environment variables (WARD_VM_*).

VM=/run/ward-vm # in the new root: busybox, this script, io/ (the host's run dir over 9p)
NINEP="trans=virtio,version=9p2000.L,msize=512000"
BB=/bin/busybox # stage 2 uses the copy in $VM: the host may have no busybox

say() { echo "ward-vm: $*"; }

# Whatever goes wrong, power off: the host reports a missing exit status and the console tail.
die() {
    say "FATAL: $*"
    for io in $VM/io /newroot$VM/io; do
        [ -d "$io" ] && echo "$*" >"$io/fatal"
    done
    $BB sync
    $BB poweroff -f
    $BB sleep 60
}

stage1() {
    export PATH=/bin
    /bin/busybox --install -s /bin
    mkdir -p /proc /sys /dev /lower /rw /newroot
    mount -t proc proc /proc
    mount -t sysfs sysfs /sys
    mount -t devtmpfs devtmpfs /dev
    while read -r ko; do
        insmod "/lib/modules/$ko" || die "insmod $ko failed"
    done </modules.load
    # The guest only reads the host root, for a short while: cache=loose is much faster.
    mount -t 9p -o "$NINEP,ro,cache=loose" host /lower || die "mount 9p host root"
    mount -t tmpfs -o mode=0755 rw /rw || die "mount tmpfs /rw"
    mkdir /rw/upper /rw/work
    mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work ward-root /newroot ||
        die "mount overlay root"
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run || die "mount /run"
    mkdir -p /newroot$VM/io
    mount -t 9p -o "$NINEP" io /newroot$VM/io || die "mount 9p run dir"
    cp /bin/busybox /init /newroot$VM/
    for d in dev proc sys; do
        mount --move /$d /newroot/$d || die "move /$d"
    done
    exec switch_root /newroot $VM/busybox sh $VM/init stage2
}

cgroup_v2() {
    $BB mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || die "mount cgroup2"
    for c in $($BB cat /sys/fs/cgroup/cgroup.controllers); do
        echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control || die "enable cgroup controller $c"
    done
}

# Like this host: each v1 controller at /sys/fs/cgroup/NAME and an empty v2 at .../unified.
cgroup_hybrid() {
    $BB mount -t tmpfs -o mode=0755,nosuid,nodev,noexec cgroup /sys/fs/cgroup ||
        die "mount cgroup tmpfs"
    while read -r name _ _ enabled; do
        [ "$enabled" = 1 ] || continue
        $BB mkdir /sys/fs/cgroup/"$name"
        $BB mount -t cgroup -o "$name" cgroup /sys/fs/cgroup/"$name" || die "mount cgroup v1 $name"
    done </proc/cgroups
    $BB mkdir /sys/fs/cgroup/unified
    $BB mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified || die "mount cgroup2 unified"
}

# /dev/virtio-ports/NAME, as udev would make it.
port_links() {
    $BB mkdir -p /dev/virtio-ports
    for p in /sys/class/virtio-ports/*; do
        $BB ln -sf "../${p##*/}" "/dev/virtio-ports/$($BB cat "$p/name")"
    done
}

stage2() {
    export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    export HOME=/root
    BB=$VM/busybox
    $BB mkdir -p /dev/pts /dev/shm /dev/mqueue
    $BB mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
    $BB mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
    $BB mount -t mqueue mqueue /dev/mqueue
    $BB mount -t securityfs securityfs /sys/kernel/security
    $BB mount -t bpf -o mode=0700 bpf /sys/fs/bpf
    $BB ip link set lo up
    $BB hostname ward-vm
    case "$WARD_VM_CGROUP" in
    v2) cgroup_v2 ;;
    hybrid) cgroup_hybrid ;;
    none) ;;
    *) die "unknown WARD_VM_CGROUP=$WARD_VM_CGROUP" ;;
    esac
    port_links
    say "running the command"
    /bin/sh $VM/io/cmd.sh </dev/null >/dev/virtio-ports/ward.stdout 2>/dev/virtio-ports/ward.stderr
    echo $? >$VM/io/status.tmp && $BB mv $VM/io/status.tmp $VM/io/status
    say "command exited with status $($BB cat $VM/io/status)"
    $BB sync
    $BB poweroff -f
}

case "${1:-stage1}" in
stage1) stage1 ;;
stage2) stage2 ;;
esac
die "init: fell through"
