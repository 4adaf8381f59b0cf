# SPDX-License-Identifier: Apache-2.0
"""The pieces of tests/vm/run: kernel fetch, initramfs build, qemu launch."""
