# SPDX-License-Identifier: Apache-2.0
"""dm-crypt in the VM: cryptsetup formats, opens and closes a LUKS2 volume on a loop device."""
import pytest

from vmtest import GUEST, explain, facts, vm_run


@pytest.fixture(scope="module", name="luks")
def fixture_luks():
    res = vm_run("sh", GUEST / "dmcrypt.sh", timeout=240)
    return res, facts(res.stdout)


def test_script_completes(luks):
    res, _ = luks
    assert res.returncode == 0, explain(res)


def test_loop_device_backs_the_volume(luks):
    res, f = luks
    assert f.get("losetup", "").endswith("/volume.img"), explain(res)
    assert f.get("detach") == "none", explain(res)


def test_luks2_format_and_wrong_key(luks):
    res, f = luks
    assert f.get("format") == "LUKS2", explain(res)
    assert f.get("wrong key") == "refused", explain(res)


def test_open_maps_an_aes_xts_device(luks):
    res, f = luks
    assert f.get("open") == "LUKS2 aes-xts-plain64", explain(res)
    assert f.get("close") == "gone", explain(res)


def test_ext4_data_is_encrypted_at_rest_and_reads_back(luks):
    res, f = luks
    assert f.get("mkfs") == "ext4", explain(res)
    assert f.get("plaintext in image") == "0", explain(res)
    assert f.get("read back") == "ward-dmcrypt-smoke-plaintext", explain(res)
