/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The other ways into a rootfs: --no-pivot (MS_MOVE + chroot), a real user namespace (no mknod,
 * no fresh sysfs: binds from the host instead), rootfsPropagation, mount propagation to a shared
 * host mount, and the error messages that name the failing mount or device.
 */

#include <linux/magic.h>
#include <sys/statvfs.h>

#include "tests/unit/rootfs_helpers.h"

static char base[PATH_MAX];
static bool base_mounted;

/* A fresh rootfs directory under base with a marker file. */
static int make_rootfs(const char *name, char *out, size_t size)
{
    char p[PATH_MAX + 64];
    snprintf(out, size, "%s/%s", base, name);
    if (mkdir(out, 0755) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/marker-%s", out, name);
    return write_file(p, name);
}

/* 1 when the "/" line of our mountinfo has tag (e.g. "shared:"), 0 when not, -1 unreadable. */
static int root_mount_has(const char *tag)
{
    char line[4096];
    int found = -1;
    FILE *f = fopen("/proc/self/mountinfo", "re");
    while (f && fgets(line, sizeof(line), f)) {
        char *dash = strstr(line, " - ");
        char mp[PATH_MAX];
        if (dash == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
            continue;
        *dash = '\0';
        if (strcmp(mp, "/") == 0)
            found = strstr(line, tag) != NULL; /* the last "/" line is the visible one */
    }
    if (f)
        fclose(f);
    return found;
}

/* ---- no pivot ---- */
static void nopivot(void *arg)
{
    static char root[PATH_MAX];
    spec_mount mounts[2];
    spec_config cfg = {0};
    rootfs_opts o = {.cfg = &cfg, .rootfs = root, .no_pivot = true};
    ward_err err = {0};
    char cwd[PATH_MAX];

    (void)arg;
    if (make_rootfs("nopivot", root, sizeof(root)) < 0) {
        child_check(false, "make rootfs: %s", strerror(errno));
        return;
    }
    mounts[0] = mnt("/proc", "proc", "proc", OPTS("nosuid", "noexec", "nodev"));
    mounts[1] = mnt("/dev", "tmpfs", "tmpfs", OPTS("nosuid", "mode=755", "size=1m"));
    cfg.mounts = mounts;
    cfg.n_mounts = 2;
    cfg.linux_.masked_paths = OPTS("/proc/keys");
    cfg.linux_.readonly_paths = OPTS("/proc/sys");
    if (!child_check_call(rootfs_mount_all(&o, &err) == 0, "rootfs_mount_all", &err) ||
        !child_check_call(rootfs_enter(&o, &err) == 0, "rootfs_enter (no pivot)", &err))
        return;
    child_check(access("/marker-nopivot", F_OK) == 0, "/ is the rootfs");
    child_check(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0, "cwd is /");
    child_check(access(base, F_OK) < 0 && errno == ENOENT, "the host's %s is not reachable", base);
    child_check(fs_is("/proc", PROC_SUPER_MAGIC), "/proc is procfs");
    child_check(is_chardev("/dev/null", 1, 3, 0666), "/dev/null is c 1:3");
    child_check(read_file("/proc/keys", cwd, sizeof(cwd)) == 0, "masked path works without pivot");
    child_check(open_fails_with("/proc/sys/kernel/hostname", O_WRONLY, EROFS),
                "readonly path works without pivot");
}

/* ---- a real user namespace ---- */
static int write_proc(const char *file, const char *content)
{
    char p[64];
    snprintf(p, sizeof(p), "/proc/self/%s", file);
    return write_file(p, content);
}

static void in_userns(void *arg)
{
    static char root[PATH_MAX], hostfile[PATH_MAX + 16];
    spec_mount mounts[4];
    spec_device devs[2];
    spec_config cfg = {0};
    rootfs_opts o = {.cfg = &cfg, .rootfs = root, .userns = true};
    ward_err err = {0};
    struct stat dev_st, null_st;
    char buf[64];

    (void)arg;
    snprintf(hostfile, sizeof(hostfile), "%s/hostfile", base);
    if (make_rootfs("userns", root, sizeof(root)) < 0) {
        child_check(false, "make rootfs: %s", strerror(errno));
        return;
    }
    /* Map root to root: enough to own a mount namespace whose mounts are locked. */
    if (unshare(CLONE_NEWUSER) < 0 || write_proc("setgroups", "deny") < 0 ||
        write_proc("uid_map", "0 0 1") < 0 || write_proc("gid_map", "0 0 1") < 0 ||
        unshare(CLONE_NEWNS) < 0) {
        child_check(false, "enter a user namespace: %s", strerror(errno));
        return;
    }
    mounts[0] = mnt("/dev", "tmpfs", "tmpfs", OPTS("nosuid", "mode=755", "size=1m"));
    mounts[1] = mnt("/sys", "sysfs", "sysfs", OPTS("nosuid", "noexec", "nodev", "ro"));
    mounts[2] = mnt("/hostfile", "bind", hostfile, OPTS("bind", "ro"));
    cfg.mounts = mounts;
    cfg.n_mounts = 3;
    devs[0] = (spec_device){.path = "/dev/fuse", .type = 'c', .major = 10, .minor = 229};
    cfg.linux_.devices = devs;
    cfg.linux_.n_devices = access("/dev/fuse", F_OK) == 0 ? 1 : 0;
    if (!child_check_call(rootfs_mount_all(&o, &err) == 0, "rootfs_mount_all in a user namespace",
                          &err) ||
        !child_check_call(rootfs_enter(&o, &err) == 0, "rootfs_enter in a user namespace", &err))
        return;
    child_check(fs_is("/sys", SYSFS_MAGIC) && mount_flags_have("/sys", ST_RDONLY | ST_NOSUID),
                "sysfs falls back to a bind of the host's /sys, remounted ro,nosuid");
    child_check(stat("/dev", &dev_st) == 0 && stat("/dev/null", &null_st) == 0 &&
                    S_ISCHR(null_st.st_mode) && null_st.st_rdev == makedev(1, 3) &&
                    null_st.st_dev != dev_st.st_dev,
                "/dev/null is the host's node bound in (not a mknod on the tmpfs)");
    child_check(read_file("/dev/null", buf, sizeof(buf)) == 0, "/dev/null reads empty");
    if (cfg.linux_.n_devices)
        child_check(stat("/dev/fuse", &null_st) == 0 && null_st.st_rdev == makedev(10, 229),
                    "linux.devices: /dev/fuse bound from the host");
    child_check(open_fails_with("/hostfile", O_WRONLY, EROFS), "bind ro is read-only");
}

/* ---- cgroup mount with a cgroup namespace: fresh instances, rooted at our cgroup ---- */
static void cgroupns(void *arg)
{
    static char root[PATH_MAX];
    spec_mount mounts[3];
    spec_namespace ns = {.type = SPEC_NS_CGROUP};
    spec_config cfg = {0};
    rootfs_opts o = {.cfg = &cfg, .rootfs = root};
    ward_err err = {0};
    char buf[4096], self[32];
    struct statfs sf;

    (void)arg;
    if (make_rootfs("cgroupns", root, sizeof(root)) < 0 || unshare(CLONE_NEWCGROUP) < 0) {
        child_check(false, "setup: %s", strerror(errno));
        return;
    }
    mounts[0] = mnt("/proc", "proc", "proc", NO_OPTS);
    mounts[1] = mnt("/sys", "sysfs", "sysfs", OPTS("ro"));
    mounts[2] = mnt("/sys/fs/cgroup", "cgroup", "cgroup", OPTS("nosuid", "noexec", "ro"));
    cfg.mounts = mounts;
    cfg.n_mounts = 3;
    cfg.linux_.namespaces = &ns;
    cfg.linux_.n_namespaces = 1;
    if (!child_check_call(rootfs_mount_all(&o, &err) == 0, "rootfs_mount_all", &err) ||
        !child_check_call(rootfs_enter(&o, &err) == 0, "rootfs_enter", &err))
        return;
    child_check(mount_flags_have("/sys/fs/cgroup", ST_RDONLY | ST_NOSUID | ST_NOEXEC),
                "/sys/fs/cgroup is ro,nosuid,noexec");
    snprintf(self, sizeof(self), "%d\n", getpid());
    if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
        /* a pure cgroup v2 host (tests/vm): one cgroup2 instance, rooted at our cgroup */
        child_check(read_file("/sys/fs/cgroup/cgroup.procs", buf, sizeof(buf)) > 0 &&
                        strstr(buf, self) != NULL,
                    "cgroup2: the namespace's root is the container's cgroup");
        return;
    }
    child_check(statfs("/sys/fs/cgroup/memory", &sf) == 0 && sf.f_type == 0x27e0eb &&
                    (sf.f_flags & ST_RDONLY),
                "memory: a fresh cgroup v1 instance, read-only");
    child_check(read_file("/sys/fs/cgroup/memory/cgroup.procs", buf, sizeof(buf)) > 0 &&
                    strstr(buf, self) != NULL,
                "memory: the namespace's root is the container's cgroup");
}

/* ---- rootfsPropagation ---- */
static void propagation(void *arg)
{
    static char root[PATH_MAX];
    const char *prop = arg;
    spec_mount mounts[1];
    spec_config cfg = {0};
    rootfs_opts o = {.cfg = &cfg, .rootfs = root};
    ward_err err = {0};
    char name[64];

    snprintf(name, sizeof(name), "prop-%s", prop ? prop : "default");
    if (make_rootfs(name, root, sizeof(root)) < 0) {
        child_check(false, "make rootfs: %s", strerror(errno));
        return;
    }
    mounts[0] = mnt("/proc", "proc", "proc", NO_OPTS);
    cfg.mounts = mounts;
    cfg.n_mounts = 1;
    cfg.linux_.rootfs_propagation = (char *)prop;
    if (!child_check_call(rootfs_mount_all(&o, &err) == 0, "rootfs_mount_all", &err) ||
        !child_check_call(rootfs_enter(&o, &err) == 0, "rootfs_enter", &err))
        return;
    if (prop && strcmp(prop, "rshared") == 0)
        child_check(root_mount_has("shared:") == 1, "rshared: / is shared");
    else
        child_check(root_mount_has("shared:") == 0 && root_mount_has("master:") == 0,
                    "default: / is private");
}

/* Control for the leak test: a child that mounts under the shared base without our code. */
static void leak_control(void *arg)
{
    char p[PATH_MAX + 16];
    (void)arg;
    snprintf(p, sizeof(p), "%s/leak", base);
    child_check(mkdir(p, 0755) == 0 && mount("tmpfs", p, "tmpfs", 0, "size=1k") == 0,
                "mount a tmpfs under the shared base");
}

static void no_leak(void *arg)
{
    static char root[PATH_MAX];
    spec_mount mounts[1];
    spec_config cfg = {0};
    rootfs_opts o = {.cfg = &cfg, .rootfs = root};
    ward_err err = {0};

    (void)arg;
    if (make_rootfs("noleak", root, sizeof(root)) < 0) {
        child_check(false, "make rootfs: %s", strerror(errno));
        return;
    }
    mounts[0] = mnt("/tmp", "tmpfs", "tmpfs", OPTS("size=1m"));
    cfg.mounts = mounts;
    cfg.n_mounts = 1;
    child_check_call(rootfs_mount_all(&o, &err) == 0 && rootfs_enter(&o, &err) == 0,
                     "mount_all + enter under a shared host mount", &err);
}

/* ---- error messages ---- */
static void expect_error(spec_config *cfg, const char *root, const char *want, const char *what)
{
    rootfs_opts o = {.cfg = cfg, .rootfs = root};
    ward_err err = {0};
    int ret = rootfs_mount_all(&o, &err);

    child_check(ret < 0 && strncmp(err.msg, want, strlen(want)) == 0, "%s: \"%s\"", what, err.msg);
}

static void errors(void *arg)
{
    static char root[PATH_MAX];
    spec_mount m[3];
    spec_device d[1];
    spec_config cfg = {0};

    (void)arg;
    if (make_rootfs("errors", root, sizeof(root)) < 0) {
        child_check(false, "make rootfs: %s", strerror(errno));
        return;
    }
    cfg.mounts = m;
    m[0] = mnt("/ok", "tmpfs", "tmpfs", NO_OPTS);
    m[1] = mnt("/bad", "nosuchfs", "x", NO_OPTS);
    cfg.n_mounts = 2;
    expect_error(&cfg, root, "mounts[1] (/bad): mount nosuchfs: No such device", "unknown fs");

    m[0] = mnt("/x", "bind", "/nonexistent-ward-source", OPTS("rbind"));
    cfg.n_mounts = 1;
    expect_error(&cfg, root,
                 "mounts[0] (/x): open source \"/nonexistent-ward-source\": No such file or "
                 "directory",
                 "missing bind source");

    m[0] = mnt("/data", "tmpfs", "tmpfs", OPTS("ro", ""));
    expect_error(&cfg, root, "mounts[0] (/data): options[1]: empty option", "bad option");

    m[0] = mnt("/", "tmpfs", "tmpfs", NO_OPTS);
    expect_error(&cfg, root, "mounts[0] (/): cannot mount over the root", "mount over /");

    m[0] = mnt("/t", "tmpfs", "tmpfs", OPTS("idmap"));
    expect_error(&cfg, root, "mounts[0] (/t): idmap: only bind mounts", "idmap on a tmpfs");

    m[0] = mnt("/ro", "tmpfs", "tmpfs", OPTS("ro"));
    d[0] = (spec_device){.path = "/ro/dev0", .type = 'c', .major = 1, .minor = 3};
    cfg.linux_.devices = d;
    cfg.linux_.n_devices = 1;
    expect_error(&cfg, root, "linux.devices[0] (/ro/dev0): mknod: Read-only file system",
                 "mknod on a read-only mount");

    cfg.n_mounts = 0;
    d[0] = (spec_device){.path = "/dev/bad", .type = 'x'};
    expect_error(&cfg, root, "linux.devices[0] (/dev/bad): type 'x': must be c, u, b or p",
                 "bad device type");

    cfg.linux_.n_devices = 0;
    cfg.linux_.rootfs_propagation = "bogus";
    expect_error(&cfg, root, "linux.rootfsPropagation: \"bogus\" is not one of",
                 "bad rootfsPropagation");
}

static int setup_shared_base(void)
{
    /* base becomes a shared mount of the host: what a systemd host's / looks like. */
    if (mount(base, base, NULL, MS_BIND, NULL) < 0)
        return -1;
    base_mounted = true;
    return mount(NULL, base, NULL, MS_SHARED, NULL);
}

int main(void)
{
    char p[PATH_MAX + 16];

    if (geteuid() != 0)
        tap_skip_all("mounting needs root");
    snprintf(base, sizeof(base), "/tmp/ward-rootfs-modes-XXXXXX");
    if (!tap_ok(mkdtemp(base) != NULL, "temp dir"))
        return tap_done();
    snprintf(p, sizeof(p), "%s/hostfile", base);
    write_file(p, "host");

    run_scenario("no-pivot", ROOTFS_SCENARIO_NS, nopivot, NULL);
    run_scenario("userns", ROOTFS_SCENARIO_NS, in_userns, NULL);
    run_scenario("cgroupns", ROOTFS_SCENARIO_NS, cgroupns, NULL);
    run_scenario("propagation default", ROOTFS_SCENARIO_NS, propagation, NULL);
    run_scenario("propagation rshared", ROOTFS_SCENARIO_NS, propagation, "rshared");
    run_scenario("errors", ROOTFS_SCENARIO_NS, errors, NULL);

    if (tap_ok(setup_shared_base() == 0, "make %s a shared host mount", base)) {
        snprintf(p, sizeof(p), "%s/leak", base);
        run_scenario("leak control", ROOTFS_SCENARIO_NS, leak_control, NULL);
        tap_ok(host_mounts_mention(p), "control: without ward a mount under it reaches the host");
        umount2(p, MNT_DETACH);
        run_scenario("shared host", ROOTFS_SCENARIO_NS, no_leak, NULL);
        snprintf(p, sizeof(p), "%s/noleak", base);
        tap_ok(!host_mounts_mention(p), "with ward, no container mount reaches the host");
    }
    if (base_mounted)
        umount2(base, MNT_DETACH);
    tap_ok(!host_mounts_mention(base), "no mount left on the host");
    remove_tree(base);
    return tap_done();
}
