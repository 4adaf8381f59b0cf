# SPDX-License-Identifier: Apache-2.0
"""`ward image unpack`: the same tree as umoci, and every hostile layer refused with nothing left."""
import hashlib
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import WARD, run
from layouts import entry, make_layout, tar_bytes

ANY = '{"default":[{"type":"insecureAcceptAnything"}]}'


def unpack(tmp_path, image, bundle, *args, policy=ANY):
    pol = tmp_path / "unpack-policy.json"
    pol.write_text(policy)
    return run([str(WARD), "image", "unpack", "--policy", str(pol), *args, image, str(bundle)],
               check=False)


def tree(root: Path):
    """path -> (type, mode, uid, gid, size, sha256, link target) for every entry."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(dirpath) / name
            st = p.lstat()
            rel = str(p.relative_to(root))
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if stat.S_ISREG(st.st_mode) \
                else None
            out[rel] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid,
                        st.st_size if stat.S_ISREG(st.st_mode) else None, digest,
                        os.readlink(p) if stat.S_ISLNK(st.st_mode) else None)
    return out


def rich_layers():
    base = tar_bytes([
        entry("bin/", "dir", mode=0o755),
        entry("bin/tool", data=b"#!/bin/sh\necho tool\n", mode=0o755),
        entry("bin/su", data=b"setuid\n", mode=0o4755),
        entry("bin/sg", data=b"setgid\n", mode=0o2711, gid=42),
        entry("bin/link-to-tool", "link", target="bin/tool"),
        entry("bin/sh", "symlink", target="/bin/tool"),
        entry("etc/", "dir", mode=0o755),
        entry("etc/passwd", data=b"root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/:/bin/sh\n"),
        entry("etc/passwd-link", "link", target="etc/passwd"),
        entry("home/app/", "dir", mode=0o700, uid=1000, gid=1000),
        entry("home/app/notes", data=b"n" * 10000, mode=0o600, uid=1000, gid=1000),
        entry("opaque/", "dir", mode=0o755),
        entry("opaque/old-a", data=b"a"),
        entry("opaque/old-dir/", "dir", mode=0o755),
        entry("opaque/old-dir/x", data=b"x"),
        entry("gone", data=b"to be whited out"),
        entry("gone-dir/", "dir", mode=0o755),
        entry("gone-dir/y", data=b"y"),
        entry("replaced", data=b"file first"),
        entry("run/fifo", "fifo", mode=0o600),
        entry("sticky/", "dir", mode=0o1777),
    ])
    top = tar_bytes([
        entry("opaque/", "dir", mode=0o750),
        entry("opaque/new", data=b"new in layer 2"),
        entry("opaque/.wh..wh..opq"),
        entry(".wh.gone"),
        entry(".wh.gone-dir"),
        entry("replaced/", "dir", mode=0o755),
        entry("replaced/inside", data=b"now a directory"),
        entry("bin/tool", data=b"#!/bin/sh\necho tool v2\n", mode=0o755),
    ])
    return [base, top]


def test_same_tree_as_umoci(tmp_path):
    layout = tmp_path / "oci"
    make_layout(layout, rich_layers(), config={"Cmd": ["/bin/tool"], "User": "app",
                                               "Env": ["A=1"], "WorkingDir": "home/app"})
    r = unpack(tmp_path, f"oci:{layout}:latest", tmp_path / "ward-bundle")
    assert r.returncode == 0, r.stderr
    run(["umoci", "unpack", "--image", f"{layout}:latest", str(tmp_path / "umoci-bundle")])
    ours, theirs = tree(tmp_path / "ward-bundle/rootfs"), tree(tmp_path / "umoci-bundle/rootfs")
    assert ours == theirs
    assert "opaque/old-a" not in ours and "opaque/new" in ours and "gone" not in ours
    assert ours["bin/su"][1] == 0o4755 and ours["bin/sg"][1:4] == (0o2711, 0, 42)
    assert os.stat(tmp_path / "ward-bundle/rootfs/etc/passwd-link").st_nlink == 2
    assert ours["bin/link-to-tool"][5] != ours["bin/tool"][5]  # layer 2 replaced bin/tool
    cfg = json.loads((tmp_path / "ward-bundle/config.json").read_text())
    p = cfg["process"]
    assert p["args"] == ["/bin/tool"] and p["cwd"] == "/home/app"
    assert p["user"]["uid"] == 1000 and p["user"]["gid"] == 1000
    assert "A=1" in p["env"] and any(e.startswith("PATH=") for e in p["env"])
    ann = cfg["annotations"]
    index = json.loads((layout / "index.json").read_text())
    assert ann["ward.image.digest"] == index["manifests"][0]["digest"]
    assert ann["ward.image.verified"].startswith("sha256:")


def test_umoci_made_image_same_tree(tmp_path, oci_src):
    """An image umoci itself built (gzip layers, umoci's own tar writer)."""
    r = unpack(tmp_path, f"oci:{oci_src}:latest", tmp_path / "ward-bundle")
    assert r.returncode == 0, r.stderr
    run(["umoci", "unpack", "--image", f"{oci_src}:latest", str(tmp_path / "umoci-bundle")])
    assert tree(tmp_path / "ward-bundle/rootfs") == tree(tmp_path / "umoci-bundle/rootfs")


def test_refused_image_is_not_unpacked(tmp_path):
    layout = tmp_path / "oci"
    make_layout(layout, [tar_bytes([entry("a", data=b"a")])])
    r = unpack(tmp_path, f"oci:{layout}:latest", tmp_path / "b",
               policy='{"default":[{"type":"reject"}]}')
    assert r.returncode == 4 and not (tmp_path / "b").exists()


def test_existing_bundle_refused(tmp_path):
    layout = tmp_path / "oci"
    make_layout(layout, [tar_bytes([entry("a", data=b"a")])])
    (tmp_path / "b").mkdir()
    r = unpack(tmp_path, f"oci:{layout}:latest", tmp_path / "b")
    assert r.returncode != 0 and "already exists" in r.stderr
    assert list((tmp_path / "b").iterdir()) == []


def corrupt_first_layer(layout, descs):
    p = layout / "blobs/sha256" / descs[0]["digest"][7:]
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0xFF
    p.write_bytes(bytes(data))


HOSTILE = {
    "corrupted blob": ([[entry("a", data=os.urandom(4096))]], {"corrupt": True},
                       "layer sha256:"),
    "wrong size": ([[entry("a", data=b"a")]], {"size_delta": -1}, "longer than its descriptor's size"),
    "size too large": ([[entry("a", data=b"a")]], {"size_delta": 1}, "fewer bytes, the manifest"),
    "dot-dot entry": ([[entry("../escape", data=b"x")]], {}, '".." in an archive path'),
    "nested dot-dot": ([[entry("a/../../escape", data=b"x")]], {}, '".." in an archive path'),
    "write through an absolute symlink": (
        [[entry("evil", "symlink", target="/tmp"), entry("evil/ward-escape", data=b"x")]], {},
        "is a symlink or not a directory"),
    "write through a relative symlink": (
        [[entry("up", "symlink", target="../../../../tmp"), entry("up/ward-escape", data=b"x")]],
        {}, "is a symlink or not a directory"),
    "symlink from a lower layer": (
        [[entry("evil", "symlink", target="/tmp")], [entry("evil/ward-escape", data=b"x")]], {},
        "is a symlink or not a directory"),
    "hard link outside": ([[entry("pw", "link", target="../../../../etc/passwd")]], {},
                          '".." in an archive path'),
    "hard link to a host path": ([[entry("pw", "link", target="/etc/passwd")]], {},
                                 "hard link pw"),
    "hard link through a symlink": (
        [[entry("e", "symlink", target="/etc"), entry("pw", "link", target="e/passwd")]], {},
        "is a symlink or not a directory"),
    "whiteout of ..": ([[entry("d/", "dir"), entry("d/.wh...")]], {}, 'whiteout of ".."'),
    "whiteout of .": ([[entry(".wh..")]], {}, 'whiteout of "."'),
    "character device": ([[entry("dev/null", "chr")]], {}, "device node"),
    "block device": ([[entry("dev/sda", "blk")]], {}, "device node"),
    "many files": ([[entry(f"f{i}", data=b"") for i in range(200)]], {"args": ["--max-files",
                                                                               "100"]},
                   "more than 100 entries"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_layer_refused_nothing_left(tmp_path, name):
    layers, opts, message = HOSTILE[name]
    layout = tmp_path / "oci"
    descs = make_layout(layout, [tar_bytes(l) for l in layers],
                        size_delta=opts.get("size_delta", 0))
    if opts.get("corrupt"):
        corrupt_first_layer(layout, descs)
    r = unpack(tmp_path, f"oci:{layout}:latest", tmp_path / "bundle", *opts.get("args", []))
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert message in r.stderr, r.stderr
    assert not (tmp_path / "bundle").exists()
    assert [p for p in tmp_path.iterdir() if ".ward-staging-" in p.name] == []
    assert not Path("/tmp/ward-escape").exists()


def test_hostile_control_benign_layer_accepted(tmp_path):
    """The same builder with harmless entries: accepted, so the refusals above are the content."""
    layout = tmp_path / "oci"
    make_layout(layout, [tar_bytes([entry("rel", "symlink", target="/tmp"),
                                    entry("d/", "dir"), entry("d/f", data=b"f"),
                                    entry("hl", "link", target="d/f"), entry("d/.wh.nothing"),
                                    *[entry(f"f{i}", data=b"") for i in range(50)]])])
    r = unpack(tmp_path, f"oci:{layout}:latest", tmp_path / "bundle", "--max-files", "100")
    assert r.returncode == 0, r.stderr
    assert os.readlink(tmp_path / "bundle/rootfs/rel") == "/tmp"


def test_huge_sparse_file_refused(tmp_path):
    src = tmp_path / "sparse"
    src.mkdir()
    with open(src / "big", "wb") as f:
        f.truncate(100 << 30)  # 100 GiB of holes
    raw = subprocess.run(["tar", "-C", str(src), "-cSf", "-", "big"], capture_output=True,
                         check=True).stdout
    assert len(raw) < 1 << 20
    layout = tmp_path / "oci"
    make_layout(layout, [raw])
    r = unpack(tmp_path, f"oci:{layout}:latest", tmp_path / "bundle")
    assert r.returncode == 1 and "byte limit" in r.stderr, r.stderr
    assert not (tmp_path / "bundle").exists()
