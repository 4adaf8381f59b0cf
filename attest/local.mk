# SPDX-License-Identifier: Apache-2.0
# attest/: TPM 2.0, signatures, manifests. Linked by helper binaries, never by `ward` itself.
