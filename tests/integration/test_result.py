# SPDX-License-Identifier: Apache-2.0
"""Signed result manifests (issue 14): `ward run --result`, `ward delete --result`,
`ward manifest verify`, `ward key`, and cross-checks with verifiers nobody here wrote: OpenSSL,
python3-ecdsa (an independent secp256k1) and tpm2_checkquote (against a private swtpm)."""

import base64
import hashlib
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "attest"))
from swtpm import Swtpm  # noqa: E402

import ecdsa  # noqa: E402  (python3-ecdsa)
from ecdsa.util import sigdecode_string, sigencode_der  # noqa: E402

pytestmark = pytest.mark.ward_only

REJECTED = 4
PAYLOAD_TYPE = "application/vnd.in-toto+json"


class Trust:
    """A private ward.conf (node key, event log, TCTI) and helpers around a test's ctx."""

    def __init__(self, ctx, tcti="none"):
        self.ctx = ctx
        self.key = ctx.path("keys", "node.key")
        self.conf = ctx.path("ward.conf")
        with open(self.conf, "w") as f:
            f.write(f"attest.node_key = {self.key}\ntpm.tcti = {tcti}\n"
                    f"attest.event_log = {ctx.path('attest', 'events.log')}\n")

    def call(self, *args, **kw):
        return self.ctx.rt.call(*args, global_args=["--config", self.conf], **kw)

    def key_show(self):
        r = self.call("key", "show")
        assert r.rc == 0, r
        return {line.split(":", 1)[0]: line.split(":", 1)[1].strip()
                for line in r.out.splitlines()}

    def verify(self, manifest, *extra):
        return self.call("manifest", "verify", str(manifest), *extra)

    def out_dir(self, name="out"):
        d = self.ctx.path("host", name)
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o777)
        return d

    def run(self, bundle, manifest, *outputs, cid=None):
        cid = cid or self.ctx.new_id()
        self.ctx.prepare(cid, bundle)
        self.ctx.rt._track(cid)
        bundle.write()
        args = ["run", "--bundle", bundle.path, "--result", str(manifest)]
        for o in outputs:
            args += ["--outputs", o]
        return self.call(*args, cid)


@pytest.fixture
def trust(ctx):
    return Trust(ctx)


@pytest.fixture
def swtpm(ctx):
    t = Swtpm(__import__("pathlib").Path(ctx.path("swtpm"))).start()
    yield t
    t.stop()


def job_bundle(ctx, trust, script=None):
    out = trust.out_dir()
    b = ctx.bundle(script=script or (
        "echo hello > /out/a.txt; mkdir -p /out/sub; echo x > /out/sub/b; "
        "ln -s ../a.txt /out/sub/link; exit 3"))
    b.bind(out, "/out")
    b.process["env"] = ["PATH=/bin", "SECRET=hunter2"]
    return b, out


def envelope(path):
    with open(path) as f:
        return json.load(f)


def payload_of(env):
    return json.loads(base64.b64decode(env["payload"]))


def pae(env):
    body = base64.b64decode(env["payload"])
    return b"DSSEv1 %d %s %d %s" % (len(PAYLOAD_TYPE), PAYLOAD_TYPE.encode(), len(body), body)


def write_env(path, env):
    with open(path, "w") as f:
        json.dump(env, f)


# ---- round trip ----------------------------------------------------------------------------


def test_run_result_round_trip(ctx, trust):
    b, out = job_bundle(ctx, trust)
    m = ctx.path("result.json")
    r = trust.run(b, m, "/out")
    assert r.rc == 3, r                      # the container's status, manifest or not
    env = envelope(m)
    st = payload_of(env)
    assert st["_type"] == "https://in-toto.io/Statement/v1"
    assert st["predicateType"] == "https://ward.dev/result/v1"
    names = [s["name"] for s in st["subject"]]
    assert names == ["out/a.txt", "out/sub/b", "out/sub/link"]
    assert st["subject"][0]["digest"]["sha256"] == hashlib.sha256(b"hello\n").hexdigest()
    assert st["subject"][2]["annotations"] == {"symlink": "../a.txt"}
    p = st["predicate"]
    assert p["exit"] == {"code": 3}
    assert p["process"]["args"][:2] == ["sh", "-c"]
    assert p["process"]["env_names"] == ["PATH", "SECRET"]
    assert "hunter2" not in base64.b64decode(env["payload"]).decode()
    with open(b.config_path, "rb") as f:
        assert p["container"]["config_sha256"] == hashlib.sha256(f.read()).hexdigest()
    assert p["protections"]["no_new_privileges"] is True
    assert p["protections"]["seccomp"]["enabled"] is True
    assert p["started"].endswith("Z") and p["ended"] >= p["started"]
    assert p["resources"]["cpu_time_ns"] > 0 and p["resources"]["peak_memory_bytes"] > 0
    assert p["node"]["class"] == "none" and p["node"]["weak"] is True
    assert p["evidence"] == ""
    keys = trust.key_show()
    assert p["node"]["public_key"] == keys["public key (compressed)"]
    assert env["signatures"][0]["keyid"] == keys["fingerprint (sha256)"]
    v = trust.verify(m, "--outputs", out, "--pubkey", keys["public key (compressed)"])
    assert v.rc == 0, v
    assert "verified:    yes" in v.out
    assert "weak" in v.out                   # a none node verifies but says it is weak
    j = json.loads(trust.verify(m, "--json", "--outputs", out).out)
    assert j["verified"] is True and j["weak"] is True and j["node_class"] == "none"
    assert j["checks"]["outputs"]["status"] == "pass"
    a = trust.verify(m, "--address", keys["address (ecrecover)"])
    assert a.rc == 0, a


def test_image_identity_and_policy_decision_come_from_the_unpack_annotations(ctx, trust):
    """The predicate's image: the reference, manifest digest and policy decision digest that
    `ward image unpack` wrote into the bundle (ward.image.ref, .digest, .verified)."""
    b, _ = job_bundle(ctx, trust, script="true")
    b.config["annotations"] = {"ward.image.ref": "docker.io/library/busybox:latest",
                               "ward.image.digest": "sha256:" + "ab" * 32,
                               "ward.image.verified": "sha256:" + "cd" * 32}
    m = ctx.path("result.json")
    assert trust.run(b, m).rc == 0
    assert payload_of(envelope(m))["predicate"]["image"] == {
        "ref": "docker.io/library/busybox:latest", "digest": "sha256:" + "ab" * 32,
        "policy": "sha256:" + "cd" * 32}


def test_signal_exit_and_rootfs_output(ctx, trust):
    b = ctx.bundle(private=True, script="mkdir -p /data; echo r > /data/f; kill -9 $$")
    b.remove_namespace("pid")  # a pid-namespace init cannot SIGKILL itself
    m = ctx.path("r.json")
    r = trust.run(b, m, "/data/f")
    assert r.rc == 137, r
    st = payload_of(envelope(m))
    assert st["predicate"]["exit"]["signal"] == "SIGKILL"
    assert [s["name"] for s in st["subject"]] == ["f"]


def test_delete_result_for_detached_container(ctx, trust):
    b, out = job_bundle(ctx, trust, script="echo d > /out/d.txt")
    cid = ctx.new_id()
    ctx.prepare(cid, b)
    assert ctx.rt.run(cid, b, detach=True).rc == 0
    for _ in range(100):
        if ctx.rt.state(cid)["status"] == "stopped":
            break
        __import__("time").sleep(0.05)
    m = ctx.path("d.json")
    r = trust.call("delete", "--result", m, "--outputs", "/out", cid)
    assert r.rc == 0, r
    p = payload_of(envelope(m))["predicate"]
    assert "unknown" in p["exit"]
    assert trust.verify(m, "--outputs", out).rc == 0
    assert ctx.rt.call("state", cid).rc != 0  # deleted after the manifest


def test_output_symlink_leading_out_is_refused(ctx, trust):
    b, out = job_bundle(ctx, trust, script="true")
    os.symlink("/etc", os.path.join(out, "esc"))
    m = ctx.path("r.json")
    r = trust.run(b, m, "/out/esc/passwd")
    assert r.rc != 0 and "leads out of the container's files" in r.err, r
    assert not os.path.exists(m)
    # control: the same path through the directory itself works
    r = trust.run(b, m, "/out")
    assert r.rc == 0, r


def test_rootfs_symlink_into_a_bind_mount_is_followed_as_the_container_saw_it(ctx, trust):
    out = trust.out_dir()
    b = ctx.bundle(private=True, script="echo v > /out/v")
    b.bind(out, "/out")
    os.symlink("/out", os.path.join(b.rootfs, "data"))  # /data -> /out inside the container
    m = ctx.path("r.json")
    r = trust.run(b, m, "/data")
    assert r.rc == 0, r
    st = payload_of(envelope(m))
    assert [s["name"] for s in st["subject"]] == ["data/v"]   # the bind source's file
    assert st["subject"][0]["digest"]["sha256"] == hashlib.sha256(b"v\n").hexdigest()


def test_output_on_tmpfs_is_refused(ctx, trust):
    b = ctx.bundle(script="true")
    r = trust.run(b, ctx.path("r.json"), "/dev/shm")
    assert r.rc != 0 and "do not outlive the container" in r.err, r


# ---- tampering: every case has its own message ---------------------------------------------


@pytest.fixture
def made(ctx, trust):
    b, out = job_bundle(ctx, trust)
    m = ctx.path("result.json")
    assert trust.run(b, m, "/out").rc == 3
    return m, out


def failed(trust, m, *extra):
    v = trust.verify(m, "--json", *extra)
    assert v.rc == REJECTED, v
    j = json.loads(v.out)
    assert j["verified"] is False
    return {k: c["detail"] for k, c in j["checks"].items() if c["status"] == "fail"}


def test_tampered_payload_fails(ctx, trust, made):
    m, _ = made
    env = envelope(m)
    body = bytearray(base64.b64decode(env["payload"]))
    i = body.index(b'"id":"') + 6
    body[i] ^= 1
    env["payload"] = base64.b64encode(bytes(body)).decode()
    write_env(m, env)
    f = failed(trust, m)
    assert "payload was altered after signing" in f["signature"]


def test_tampered_signature_fails(ctx, trust, made):
    m, _ = made
    env = envelope(m)
    sig = bytearray(bytes.fromhex(env["signatures"][0]["sig"]))
    sig[5] ^= 1
    env["signatures"][0]["sig"] = sig.hex()
    write_env(m, env)
    f = failed(trust, m)
    assert "sig (r||s||v) was altered" in f["signature"]


def test_tampered_der_fails(ctx, trust, made):
    m, _ = made
    env = envelope(m)
    der = bytearray(bytes.fromhex(env["signatures"][0]["der"]))
    der[-1] ^= 1
    env["signatures"][0]["der"] = der.hex()
    write_env(m, env)
    assert "der was altered" in failed(trust, m)["signature"]


def test_tampered_output_file_fails(ctx, trust, made):
    m, out = made
    with open(os.path.join(out, "sub", "b"), "r+b") as f:
        f.write(b"y")
    f = failed(trust, m, "--outputs", out)
    assert "out/sub/b: SHA-256" in f["outputs"] and "the file was changed" in f["outputs"]
    assert set(f) == {"outputs"}


def test_extra_and_missing_outputs_fail(ctx, trust, made):
    m, out = made
    with open(os.path.join(out, "new"), "w") as f:
        f.write("n")
    assert "out/new: in the outputs but not in the manifest" in \
        failed(trust, m, "--outputs", out)["outputs"]
    os.unlink(os.path.join(out, "new"))
    os.unlink(os.path.join(out, "a.txt"))
    assert "out/a.txt: in the manifest but missing" in failed(trust, m, "--outputs", out)["outputs"]


def test_another_nodes_key_fails_pubkey(ctx, trust, made):
    m, _ = made
    other = ecdsa.SigningKey.generate(curve=ecdsa.SECP256k1).get_verifying_key()
    f = failed(trust, m, "--pubkey", other.to_string("compressed").hex())
    assert "signed by another key than the --pubkey given" in f["signer"]
    assert set(f) == {"signer"}
    f = failed(trust, m, "--address", "0x" + "11" * 20)
    assert "not the --address" in f["signer"]


# ---- the node key file ---------------------------------------------------------------------


def test_key_file_rules(ctx, trust):
    trust.key_show()                                   # created on first use
    st = os.stat(trust.key)
    assert st.st_mode & 0o7777 == 0o600 and st.st_uid == 0 and st.st_size == 32
    assert os.stat(os.path.dirname(trust.key)).st_mode & 0o7777 == 0o700
    before = open(trust.key, "rb").read()
    os.chmod(trust.key, 0o644)
    r = trust.call("key", "show")
    assert r.rc != 0 and "mode 0644, must be 0600" in r.err, r
    b, _ = job_bundle(ctx, trust, script="true")
    r = trust.run(b, ctx.path("r.json"), "/out")      # a run refuses to sign with it too
    assert r.rc != 0 and "mode 0644" in r.err and not os.path.exists(ctx.path("r.json"))
    os.chmod(trust.key, 0o600)
    with open(trust.key, "wb") as f:
        f.write(b"\0" * 32)                            # an invalid scalar
    r = trust.call("key", "show")
    assert r.rc != 0 and "not a valid secp256k1 private key" in r.err, r
    with open(trust.key, "wb") as f:
        f.write(before + b"\0")
    r = trust.call("key", "show")
    assert r.rc != 0 and "must be exactly 32" in r.err, r
    with open(trust.key, "wb") as f:
        f.write(before)
    os.chown(trust.key, 1000, 1000)
    r = trust.call("key", "show")
    assert r.rc != 0 and "must be owned by root" in r.err, r
    os.chown(trust.key, 0, 0)
    assert trust.call("key", "show").rc == 0          # control: the same file, fixed


def test_node_key_path_must_be_absolute(ctx, trust):
    with open(trust.conf, "w") as f:
        f.write("attest.node_key = keys/node.key\n")
    r = trust.call("key", "show")
    assert r.rc == 2 and "attest.node_key" in r.err and "absolute" in r.err, r


# ---- verifiers nobody here wrote -----------------------------------------------------------


def test_openssl_verifies_the_der_signature(ctx, trust, made):
    m, _ = made
    env = envelope(m)
    pem = ctx.path("node.pem")
    assert trust.call("key", "export-pem", "--out", pem).rc == 0
    with open(ctx.path("pae.bin"), "wb") as f:
        f.write(pae(env))
    with open(ctx.path("sig.der"), "wb") as f:
        f.write(bytes.fromhex(env["signatures"][0]["der"]))
    cmd = ["openssl", "dgst", "-sha256", "-verify", pem, "-signature", ctx.path("sig.der"),
           ctx.path("pae.bin")]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0 and "Verified OK" in r.stdout, r
    data = bytearray(pae(env))
    data[-10] ^= 1
    with open(ctx.path("pae.bin"), "wb") as f:
        f.write(bytes(data))
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode != 0 and "Verification failure" in r.stdout, r


def test_python_ecdsa_recovers_the_node_key(ctx, trust, made):
    m, _ = made
    env = envelope(m)
    sig = bytes.fromhex(env["signatures"][0]["sig"])
    r, s, v = sig[:32], sig[32:64], sig[64]
    assert v in (27, 28)
    assert int.from_bytes(s, "big") <= ecdsa.SECP256k1.order // 2          # low-S
    digest = hashlib.sha256(pae(env)).digest()
    candidates = ecdsa.VerifyingKey.from_public_key_recovery_with_digest(
        r + s, digest, ecdsa.SECP256k1, hashfunc=hashlib.sha256, sigdecode=sigdecode_string)
    # the recovery id v-27 says which candidate: y parity of R
    recovered = [c for c in candidates
                 if c.verify_digest(r + s, digest, sigdecode=sigdecode_string)]
    want = trust.key_show()["public key (uncompressed)"]
    assert want in [c.to_string("uncompressed").hex() for c in recovered]
    R = ecdsa.ellipticcurve.PointJacobi.from_affine(
        ecdsa.ellipticcurve.Point(ecdsa.SECP256k1.curve, int.from_bytes(r, "big"),
                                  _y_with_parity(int.from_bytes(r, "big"), v - 27)))
    n = ecdsa.SECP256k1.order
    e = int.from_bytes(digest, "big")
    q = (R * int.from_bytes(s, "big") + ecdsa.SECP256k1.generator * (-e % n)) * \
        pow(int.from_bytes(r, "big"), -1, n)
    q = q.to_affine()
    assert "04" + f"{q.x():064x}{q.y():064x}" == want
    # and the DER form is the same (r, s)
    assert sigencode_der(int.from_bytes(r, "big"), int.from_bytes(s, "big"), n).hex() == \
        env["signatures"][0]["der"]


def _y_with_parity(x, parity):
    p = ecdsa.SECP256k1.curve.p()
    y = pow((x * x * x + 7) % p, (p + 1) // 4, p)
    return y if y % 2 == parity else p - y


# ---- TPM-bound manifests (swtpm) -----------------------------------------------------------


@pytest.fixture
def tpm_made(ctx, swtpm):
    trust = Trust(ctx, tcti=swtpm.tcti)
    b, out = job_bundle(ctx, trust)
    m = ctx.path("result.json")
    r = trust.run(b, m, "/out")
    assert r.rc == 3, r
    return trust, m, out


def nonce_rule(body):
    ev = json.loads(body)["predicate"]["evidence"]
    blank = body.replace(b'"evidence":"' + ev.encode() + b'"', b'"evidence":""')
    assert body.count(b'"evidence":"') == 1
    return hashlib.sha256(blank).hexdigest(), json.loads(base64.b64decode(ev))


def test_tpm_manifest_verifies_and_tpm2_checkquote_accepts_it(ctx, swtpm, tpm_made):
    trust, m, out = tpm_made
    env = envelope(m)
    body = base64.b64decode(env["payload"])
    p = json.loads(body)["predicate"]
    assert p["node"]["class"] == "vtpm" and p["node"]["weak"] is True
    nonce, doc = nonce_rule(body)
    assert doc["nonce"] == nonce
    v = trust.verify(m, "--outputs", out, "--nonce")
    assert v.rc == 0, v
    assert f"quote nonce: {nonce}" in v.out and "vtpm (weak" in v.out
    ak = ctx.path("ak.pem")
    with open(ak, "w") as f:
        f.write(doc["ak_pem"])
    assert trust.verify(m, "--ak", ak).rc == 0
    for name, data in (("q.msg", base64.b64decode(doc["attest"])),
                       ("q.sig", base64.b64decode(doc["signature"])),
                       ("q.pcrs", bytes.fromhex(doc["pcrs"]["23"]))):
        with open(ctx.path(name), "wb") as f:
            f.write(data)

    def check(n):
        return swtpm.tools("tpm2_checkquote", "-u", ak, "-m", ctx.path("q.msg"),
                           "-s", ctx.path("q.sig"), "-f", ctx.path("q.pcrs"), "-F", "values",
                           "-g", "sha256", "-q", n, "-l", "sha256:23", check=False)
    r = check(nonce)
    assert r.returncode == 0, r.stderr
    assert check("11" * 32).returncode != 0   # control: another nonce is rejected


def resign(trust, env, body):
    """Sign a changed payload with the node key, as a node holding its key could (python-ecdsa):
    only the check the change targets may fail then."""
    with open(trust.key, "rb") as f:
        sk = ecdsa.SigningKey.from_string(f.read(), curve=ecdsa.SECP256k1)
    env["payload"] = base64.b64encode(body).decode()
    digest = hashlib.sha256(pae(env)).digest()
    n = ecdsa.SECP256k1.order
    r, s = sk.sign_digest_deterministic(digest, hashfunc=hashlib.sha256,
                                        sigencode=lambda r, s, o: (r, s))
    if s > n // 2:
        s = n - s
    rs = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    vk = sk.get_verifying_key()
    v = None
    for recid in (0, 1):
        x = r
        y = _y_with_parity(x, recid)
        R = ecdsa.ellipticcurve.PointJacobi.from_affine(
            ecdsa.ellipticcurve.Point(ecdsa.SECP256k1.curve, x, y))
        e = int.from_bytes(digest, "big")
        q = ((R * s + ecdsa.SECP256k1.generator * (-e % n)) * pow(r, -1, n)).to_affine()
        if (q.x(), q.y()) == (vk.pubkey.point.x(), vk.pubkey.point.y()):
            v = 27 + recid
    assert v is not None
    env["signatures"][0]["sig"] = (rs + bytes([v])).hex()
    env["signatures"][0]["der"] = sigencode_der(r, s, n).hex()
    return env


def tamper_evidence(trust, m, change):
    env = envelope(m)
    body = base64.b64decode(env["payload"])
    st = json.loads(body)
    doc = json.loads(base64.b64decode(st["predicate"]["evidence"]))
    change(doc)
    new_ev = base64.b64encode(json.dumps(doc, indent=1).encode()).decode()
    new_body = body.replace(st["predicate"]["evidence"].encode(), new_ev.encode())
    write_env(m, resign(trust, env, new_body))


def test_resigned_control_still_verifies(ctx, tpm_made):
    trust, m, _ = tpm_made
    # the re-signing helper itself is sound: an unchanged evidence document passes
    env = envelope(m)
    write_env(m, resign(trust, env, base64.b64decode(env["payload"])))
    assert trust.verify(m).rc == 0


def test_tampered_quote_fails(ctx, tpm_made):
    trust, m, _ = tpm_made

    def flip(doc):
        q = bytearray(base64.b64decode(doc["attest"]))
        q[-40] ^= 1
        doc["attest"] = base64.b64encode(bytes(q)).decode()
    tamper_evidence(trust, m, flip)
    f = failed(trust, m)
    assert set(f) == {"evidence"}, f
    assert "quote" in f["evidence"] or "signature" in f["evidence"], f


def test_tampered_event_log_fails(ctx, tpm_made):
    trust, m, _ = tpm_made

    def flip(doc):
        doc["event_log"][-1]["data"]["id"] += "x"
    tamper_evidence(trust, m, flip)
    f = failed(trust, m)
    assert set(f) == {"evidence"}, f
    assert "event_log entry" in f["evidence"], f


def test_evidence_of_another_payload_fails_the_nonce_rule(ctx, swtpm, tpm_made):
    trust, m, _ = tpm_made
    env = envelope(m)
    body = base64.b64decode(env["payload"])
    # same evidence, payload changed elsewhere (and re-signed): the quote's nonce no longer fits
    new_body = body.replace(b'"code":3', b'"code":0')
    write_env(m, resign(trust, env, new_body))
    f = failed(trust, m)
    assert set(f) == {"evidence"}, f
    assert "not made for this payload" in f["evidence"], f
