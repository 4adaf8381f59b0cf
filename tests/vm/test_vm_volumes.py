# SPDX-License-Identifier: Apache-2.0
"""ward's encrypted volumes with real dm-crypt: tests/integration/volumes_dm.py in the VM."""
import re

from vmtest import explain, vm_run


def test_ward_volumes_with_dm_crypt():
    res = vm_run("/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "tests/integration/volumes_dm.py", timeout=540)
    assert res.returncode == 0, explain(res)
    m = re.search(r"(\d+) passed", res.stdout)
    assert m and int(m.group(1)) >= 19 and "failed" not in res.stdout, explain(res)
