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


ATTEST = """
set -e
W=./ward
T=device:/dev/tpmrm0
L=/run/ward-attest/events.log
$W attest node --tcti $T --log $L
$W attest measure --tcti $T --log $L --type container \
  --data '{"id":"vm1","config_digest":"sha256:%s"}'
$W attest quote --tcti $T --log $L --nonce %s --out /run/evidence.json
$W attest verify /run/evidence.json --nonce %s
echo verify-ok
if $W attest verify /run/evidence.json --nonce %s; then echo wrong-nonce-accepted; else echo wrong-nonce-rc=$?; fi
""" % ("e" * 64, "11" * 32, "11" * 32, "22" * 32)


def test_ward_attest_against_the_device_tpm():
    """ward's attest path on a real TPM device (/dev/tpmrm0, the kernel's resource manager)."""
    res = vm_run("sh", "-c", ATTEST, options=["--tpm"], timeout=240)
    assert res.returncode == 0, explain(res)
    assert "vtpm" in res.stdout, explain(res)        # no EK certificate chain: never "tpm"
    assert "verify-ok" in res.stdout, explain(res)
    assert "wrong-nonce-rc=4" in res.stdout, explain(res)
