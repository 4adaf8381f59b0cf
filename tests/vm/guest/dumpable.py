# SPDX-License-Identifier: Apache-2.0
"""In the VM, with fs.suid_dumpable=1 (the kernel then makes a process dumpable again when its
uid changes): the unit test of ward's id changes, then a container whose process runs as uid
1000, stopped after `create` where its init waits on exec.fifo with its new uid and ward's binary
as /proc/PID/exe. The files in /proc/PID of a non-dumpable process belong to root, of a dumpable
one to its uid (the directory itself always to its uid). Prints "name: value" lines. Usage: dumpable.py WARD UNIT_TEST"""
import json
import os
import subprocess
import sys
import tempfile

ward, unit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
with open("/proc/sys/fs/suid_dumpable", "w") as f:
    f.write("1\n")
print("suid_dumpable:", open("/proc/sys/fs/suid_dumpable").read().strip())

r = subprocess.run([unit], capture_output=True, text=True, check=False)
print(r.stdout, end="")
print("unit_status:", r.returncode)

tmp = tempfile.mkdtemp()
bundle = os.path.join(tmp, "bundle")
os.mkdir(bundle)
rootfs = os.path.join(bundle, "rootfs")
for d in ("bin", "proc", "dev", "sys", "tmp"):  # busybox alone: make-rootfs is slow in the VM
    os.makedirs(os.path.join(rootfs, d))
subprocess.run(["cp", "/bin/busybox", os.path.join(rootfs, "bin", "busybox")], check=True)
os.symlink("busybox", os.path.join(rootfs, "bin", "sleep"))
subprocess.run([ward, "spec"], cwd=bundle, check=True)
with open(os.path.join(bundle, "config.json")) as f:
    cfg = json.load(f)
cfg["process"].update(terminal=False, args=["sleep", "60"], user={"uid": 1000, "gid": 1000})
with open(os.path.join(bundle, "config.json"), "w") as f:
    json.dump(cfg, f)
root = os.path.join(tmp, "root")
base = [ward, "--root", root]
# a file, not a pipe: the init keeps the stdio it was given, so a pipe would never see EOF
log = os.path.join(tmp, "create.log")
with open(log, "w") as f:
    r = subprocess.run(base + ["create", "--bundle", bundle, "c1"], stdin=subprocess.DEVNULL,
                       stdout=f, stderr=f, check=False)
print("create_status:", r.returncode, open(log).read().strip())
if r.returncode == 0:
    pid = json.loads(subprocess.run(base + ["state", "c1"], capture_output=True, text=True,
                                    check=True).stdout)["pid"]
    st = os.stat(f"/proc/{pid}/status")  # the directory is always the euid's
    with open(f"/proc/{pid}/status") as f:
        uid = next(line.split()[2] for line in f if line.startswith("Uid:"))
    print("init_euid:", uid)
    print("init_proc_owner:", st.st_uid)
    subprocess.run(base + ["delete", "--force", "c1"], check=False)
