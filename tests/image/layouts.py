# SPDX-License-Identifier: Apache-2.0
"""OCI layouts built from hand-made tar layers (hostile ones included) for the unpack tests."""
import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path


def blob(layout: Path, data: bytes) -> dict:
    d = hashlib.sha256(data).hexdigest()
    (layout / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
    (layout / "blobs" / "sha256" / d).write_bytes(data)
    return {"digest": "sha256:" + d, "size": len(data)}


def tar_bytes(entries) -> bytes:
    """entries: (TarInfo, data or None) pairs, written as they are (no name cleaning)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for info, data in entries:
            if data is not None:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            else:
                t.addfile(info)
    return buf.getvalue()


def entry(name, kind="file", data=b"", mode=0o644, uid=0, gid=0, target=""):
    info = tarfile.TarInfo(name)
    info.mode, info.uid, info.gid, info.mtime = mode, uid, gid, 1700000000
    info.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
                 "link": tarfile.LNKTYPE, "chr": tarfile.CHRTYPE, "blk": tarfile.BLKTYPE,
                 "fifo": tarfile.FIFOTYPE}[kind]
    info.linkname = target
    if kind == "chr":
        info.devmajor, info.devminor = 1, 3
    return info, (data if kind == "file" else None)


def make_layout(layout: Path, layers, compress=True, config=None, size_delta=0):
    """layers: raw tar bytes each; returns the layer descriptors."""
    layout.mkdir(parents=True, exist_ok=True)
    (layout / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    descs, diff_ids = [], []
    for raw in layers:
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        data = gzip.compress(raw, mtime=0) if compress else raw
        d = blob(layout, data)
        d["mediaType"] = ("application/vnd.oci.image.layer.v1.tar+gzip" if compress
                          else "application/vnd.oci.image.layer.v1.tar")
        d["size"] += size_delta
        descs.append(d)
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "config": config or {"Cmd": ["/bin/sh"]},
                      "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    c = blob(layout, cfg)
    c["mediaType"] = "application/vnd.oci.image.config.v1+json"
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": c, "layers": descs}).encode()
    m = blob(layout, man)
    m["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
    m["annotations"] = {"org.opencontainers.image.ref.name": "latest"}
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [m]}))
    return descs
