#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs inside the VM for test_vm_dmcrypt.py: a LUKS2 volume on a loop device, step by step.
# Prints "step: result" after each step; stops at the first failure (set -e), so the missing
# lines tell the host test which step broke.
set -eu

MARKER=ward-dmcrypt-smoke-plaintext
work=$(mktemp -d /run/dmcrypt.XXXXXX) # /run is a tmpfs in the guest
img=$work/volume.img
mnt=$work/mnt
name=ward-smoke-$$
mkdir "$mnt"
head -c 64 /dev/urandom >"$work/key"
head -c 64 /dev/urandom >"$work/wrong-key"

truncate -s 32M "$img"
dev=$(losetup --find --show "$img")
echo "losetup: $(cat "/sys/block/${dev#/dev/}/loop/backing_file")"

# pbkdf2 with few iterations: a real LUKS2 header without seconds of key stretching.
cryptsetup luksFormat --batch-mode --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
    --key-file "$work/key" "$dev"
echo "format: $(cryptsetup luksDump "$dev" | awk '$1 == "Version:" { print "LUKS" $2 }')"

if cryptsetup open --key-file "$work/wrong-key" "$dev" "$name" 2>/dev/null; then
    echo "wrong key: opened"
else
    echo "wrong key: refused"
fi

cryptsetup open --key-file "$work/key" "$dev" "$name"
echo "open: $(cryptsetup status "$name" | awk '$1 == "type:" { t = $2 } $1 == "cipher:" { c = $2 }
    END { print t, c }')"

mkfs.ext4 -q "/dev/mapper/$name"
echo "mkfs: $(blkid -o value -s TYPE "/dev/mapper/$name")"

mount "/dev/mapper/$name" "$mnt"
echo "$MARKER" >"$mnt/file"
umount "$mnt"
cryptsetup close "$name"
echo "close: $(if [ -e "/dev/mapper/$name" ]; then echo present; else echo gone; fi)"

# The plaintext must not be on the backing file.
echo "plaintext in image: $(grep -c "$MARKER" "$img" || true)"

cryptsetup open --key-file "$work/key" "$dev" "$name"
mount -o ro "/dev/mapper/$name" "$mnt"
echo "read back: $(cat "$mnt/file")"
umount "$mnt"
cryptsetup close "$name"
losetup --detach "$dev"
echo "detach: $(cat "/sys/block/${dev#/dev/}/loop/backing_file" 2>/dev/null || echo none)"
rm -rf "$work"
