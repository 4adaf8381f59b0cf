# SPDX-License-Identifier: Apache-2.0
"""ward on pure cgroup v2: tests/integration/v2_cgroups.py, run inside the VM (one boot)."""
import re

from vmtest import explain, vm_run


def test_ward_integration_on_pure_cgroup_v2():
    res = vm_run("/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "tests/integration/v2_cgroups.py", options=["--cgroup", "v2"], timeout=540)
    assert res.returncode == 0, explain(res)
    m = re.search(r"(\d+) passed", res.stdout)
    assert m and int(m.group(1)) >= 10 and "failed" not in res.stdout, explain(res)
