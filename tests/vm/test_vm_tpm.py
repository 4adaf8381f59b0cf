# SPDX-License-Identifier: Apache-2.0
"""A TPM in the VM: tests/vm/run --tpm gives the guest swtpm as /dev/tpm0 and /dev/tpmrm0."""
import re

from vmtest import explain, vm_run

SCRIPT = """
set -e
ls /dev/tpm0 /dev/tpmrm0
tpm2_getrandom --hex 8 -T device:/dev/tpmrm0; echo
tpm2_getrandom --hex 8 -T device:/dev/tpmrm0; echo
tpm2_getcap properties-fixed -T device:/dev/tpmrm0 | grep -A2 TPM2_PT_MANUFACTURER
"""


def test_tpm2_getrandom_through_the_resource_manager():
    res = vm_run("sh", "-c", SCRIPT, options=["--tpm"], timeout=180)
    assert res.returncode == 0, explain(res)
    lines = res.stdout.splitlines()
    assert lines[:2] == ["/dev/tpm0", "/dev/tpmrm0"], explain(res)
    first, second = lines[2:4]
    assert re.fullmatch("[0-9a-f]{16}", first), explain(res)
    assert re.fullmatch("[0-9a-f]{16}", second), explain(res)
    assert first != second, explain(res)
    # swtpm (IBM's libtpms) is the TPM behind the device.
    assert 'value: "IBM"' in res.stdout, explain(res)
