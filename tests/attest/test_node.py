# SPDX-License-Identifier: Apache-2.0
"""Node class: tpm only when proved; swtpm is vtpm (weak) even with a good EK certificate."""
import json
import shutil
import subprocess

import pytest

from conftest import Swtpm, Ward


@pytest.fixture
def certified(tmp_path):
    """A swtpm manufactured by swtpm_setup with an EK certificate from a CA in tmp_path."""
    ca = tmp_path / "localca"
    ca.mkdir()
    (tmp_path / "localca.conf").write_text(
        f"statedir = {ca}\nsigningkey = {ca}/signkey.pem\nissuercert = {ca}/issuercert.pem\n"
        f"certserial = {ca}/certserial\n")
    (tmp_path / "setup.conf").write_text(
        "create_certs_tool = /usr/bin/swtpm_localca\n"
        f"create_certs_tool_config = {tmp_path}/localca.conf\n"
        "create_certs_tool_options = /etc/swtpm-localca.options\n"
        "active_pcr_banks = sha256\n")
    state = tmp_path / "swtpm"
    state.mkdir()
    subprocess.run(["swtpm_setup", "--tpm2", "--tpmstate", str(state), "--create-ek-cert",
                    "--config", str(tmp_path / "setup.conf"), "--overwrite"],
                   check=True, capture_output=True, timeout=60)
    cadir = tmp_path / "cadir"
    cadir.mkdir()
    shutil.copy(ca / "issuercert.pem", cadir)
    shutil.copy(ca / "swtpm-localca-rootca-cert.pem", cadir)
    tpm = Swtpm(state).start()
    yield tpm, cadir
    tpm.stop()


def conf(tmp_path, cadir):
    path = tmp_path / "ward.conf"
    path.write_text(f"tpm.ca_dir = {cadir}\n")
    return str(path)


def test_swtpm_without_ek_certificate(ward):
    r = ward("node", check=0)
    assert r.stdout.startswith("class: vtpm (weak)\ntcti: swtpm:host=127.0.0.1,port=")
    assert "ek certificate: none\n" in r.stdout
    assert "attestation key:\n-----BEGIN PUBLIC KEY-----" in r.stdout


def test_swtpm_with_ek_certificate_is_still_vtpm(certified, tmp_path):
    tpm, cadir = certified
    ward = Ward(tpm, tmp_path / "events.log")
    r = ward("node", "--config", conf(tmp_path, cadir), check=0)
    assert r.stdout.startswith("class: vtpm (weak)\n")
    assert "ek certificate: chains to tpm.ca_dir, certifies this TPM's EK" in r.stdout
    assert "endorsement key certificate:\n-----BEGIN CERTIFICATE-----" in r.stdout
    # another CA: the certificate is there but proves nothing
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(tmp_path / "swtpm" / "../localca/signkey.pem", other / "not-a-cert.pem")
    r = ward("node", "--config", conf(tmp_path, other), check=0)
    assert "ek certificate: present, does not chain to tpm.ca_dir" in r.stdout
    r = ward("node", check=0)
    assert "ek certificate: present (no tpm.ca_dir to check it against)" in r.stdout


def test_verifier_never_upgrades_without_proof(certified, tmp_path, nonce):
    tpm, cadir = certified
    ward = Ward(tpm, tmp_path / "events.log")
    ward.measure("c1")
    node = ward("node", check=0).stdout
    cert = "-----BEGIN CERTIFICATE-----" + node.split("-----BEGIN CERTIFICATE-----", 1)[1]
    ak = tmp_path / "ak.pem"
    ak.write_text(node.split("attestation key:\n", 1)[1].split("endorsement key:")[0])
    out = tmp_path / "q.json"
    ward.quote(nonce, out)
    doc = json.loads(out.read_text())
    assert doc["node_class"] == "vtpm" and "ek_cert_pem" not in doc
    # a node claiming tpm, with an EK certificate that chains, and an AK the verifier knows
    doc.update(node_class="tpm", weak=False, ek_cert_pem=cert)
    forged = tmp_path / "claim.json"
    forged.write_text(json.dumps(doc))
    cfg = conf(tmp_path, cadir)
    r = ward("verify", str(forged), "--nonce", nonce, "--ak", str(ak), "--config", cfg, check=0)
    assert "node class: tpm\nclaimed class: tpm\n" in r.stdout
    # without the verifier's own AK, or without a CA dir, or with another CA: vtpm
    r = ward("verify", str(forged), "--nonce", nonce, "--config", cfg, check=0)
    assert "node class: vtpm (weak)\nclaimed class: tpm\n" in r.stdout
    r = ward("verify", str(forged), "--nonce", nonce, "--ak", str(ak), check=0)
    assert "node class: vtpm (weak)\nclaimed class: tpm\n" in r.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    r = ward("verify", str(forged), "--nonce", nonce, "--ak", str(ak), "--config",
             conf(tmp_path, empty), check=0)
    assert "node class: vtpm (weak)\nclaimed class: tpm\n" in r.stdout
