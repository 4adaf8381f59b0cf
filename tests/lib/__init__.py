# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for ward's Python test suites (integration, security, clients, vm).

Modules:
  common   -- the binaries under test (WARD_BUILD_DIR, WARD_RUNTIME), the test rootfs script,
              wait_until, pid checks: what every suite shares
  rootfs   -- build a small busybox-static root filesystem
  bundle   -- OCI bundle factory (config.json as a Python dict, runc-spec defaults)
  runtime  -- run the runtime's CLI (ward, runc or crun) against a private --root
  console  -- a --console-socket receiver (SCM_RIGHTS) and pty reading
  hooks    -- hook scripts that log "<kind> <status>" lines
  hostcheck -- snapshots of mounts, cgroups and processes to prove nothing leaked
"""
