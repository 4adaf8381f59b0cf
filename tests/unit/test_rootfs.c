/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rootfs_mount_all + rootfs_enter for real, in a child's mount namespace: a busybox rootfs with the
 * usual OCI mounts, binds, devices, masked and read-only paths, a read-only root, and the symlink
 * escapes of CVE-2021-30465's family (absolute and ../.. symlinks on a mount's path).
 */

#include <linux/magic.h>
#include <sys/statvfs.h>

#include "tests/unit/rootfs_helpers.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

static char base[PATH_MAX], rootfs[PATH_MAX], hostfile[PATH_MAX], recsrc[PATH_MAX];
static char idsrc[PATH_MAX], escape_abs[PATH_MAX], escape_rel[PATH_MAX];

static int setup_host(void)
{
    char p[PATH_MAX + 64], rel[PATH_MAX + 64];

    snprintf(base, sizeof(base), "/tmp/ward-rootfs-XXXXXX");
    snprintf(escape_abs, sizeof(escape_abs), "/tmp/ward-escape-abs-XXXXXX");
    snprintf(escape_rel, sizeof(escape_rel), "/tmp/ward-escape-rel-XXXXXX");
    if (!mkdtemp(base) || !mkdtemp(escape_abs) || !mkdtemp(escape_rel))
        return -1;
    snprintf(rootfs, sizeof(rootfs), "%s/rootfs", base);
    snprintf(hostfile, sizeof(hostfile), "%s/hostfile", base);
    snprintf(recsrc, sizeof(recsrc), "%s/recsrc", base);
    snprintf(idsrc, sizeof(idsrc), "%s/idsrc", base);
    if (mkdir(rootfs, 0755) < 0 || write_file(hostfile, "host-bind-content") < 0 ||
        mkdir(recsrc, 0755) < 0 || mkdir(idsrc, 0755) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/sub", recsrc);
    if (mkdir(p, 0755) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/owned-by-root", idsrc);
    if (write_file(p, "x") < 0 || chown(p, 0, 0) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/bin", rootfs);
    if (mkdir(p, 0755) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/bin/busybox", rootfs);
    if (copy_file("/bin/busybox", p, 0755) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/copyup", rootfs);
    if (mkdir(p, 0750) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/copyup/file", rootfs);
    if (write_file(p, "copy-me") < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/copyup/link", rootfs);
    if (symlink("file", p) < 0)
        return -1;
    /* The planted symlinks: an absolute one to a host directory, and one that climbs with ../ */
    snprintf(p, sizeof(p), "%s/evil", rootfs);
    if (symlink(escape_abs, p) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/a", rootfs);
    if (mkdir(p, 0755) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/a/climb", rootfs);
    snprintf(rel, sizeof(rel), "../../../../../../../../..%s", escape_rel);
    if (symlink(rel, p) < 0)
        return -1;
    return 0;
}

static spec_mount mounts[24];
static spec_device devices[2];
static spec_config cfg;

static void build_config(void)
{
    size_t n = 0;
    static spec_id_mapping idmap = {.container_id = 0, .host_id = 1000, .size = 1};

    mounts[n++] = mnt("/proc", "proc", "proc", OPTS("nosuid", "noexec", "nodev"));
    mounts[n++] =
        mnt("/dev", "tmpfs", "tmpfs", OPTS("nosuid", "strictatime", "mode=755", "size=65536k"));
    mounts[n++] = mnt("/dev/pts", "devpts", "devpts",
                      OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
    mounts[n++] = mnt("/dev/shm", "tmpfs", "shm",
                      OPTS("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    mounts[n++] = mnt("/dev/mqueue", "mqueue", "mqueue", OPTS("nosuid", "noexec", "nodev"));
    mounts[n++] = mnt("/sys", "sysfs", "sysfs", OPTS("nosuid", "noexec", "nodev", "ro"));
    mounts[n++] = mnt("/sys/fs/cgroup", "cgroup", "cgroup",
                      OPTS("nosuid", "noexec", "nodev", "relatime", "ro"));
    mounts[n++] = mnt("/data", "tmpfs", "tmpfs", OPTS("ro", "nosuid", "size=1m"));
    mounts[n++] = mnt("/etc/hostfile", "bind", hostfile, OPTS("bind", "ro", "nosuid"));
    mounts[n++] = mnt("/etc/rwfile", "bind", hostfile, OPTS("bind"));
    mounts[n++] = mnt("/etc/rwfile2", "bind", hostfile, OPTS("bind"));
    mounts[n++] = mnt("/evil/x", "tmpfs", "tmpfs", OPTS("size=1m"));
    mounts[n++] = mnt("/a/climb/y", "tmpfs", "tmpfs", OPTS("size=1m"));
    mounts[n++] = mnt("/copyup", "tmpfs", "tmpfs", OPTS("tmpcopyup", "size=1m"));
    mounts[n++] = mnt("/recro", "none", recsrc, OPTS("rbind", "rro"));
    mounts[n++] = mnt("/plainro", "none", recsrc, OPTS("rbind", "ro"));
    mounts[n] = mnt("/idmapped", "bind", idsrc, OPTS("rbind", "idmap"));
    mounts[n].uid_mappings = mounts[n].gid_mappings = &idmap;
    mounts[n].n_uid_mappings = mounts[n].n_gid_mappings = 1;
    n++;
    cfg.mounts = mounts;
    cfg.n_mounts = n;

    devices[0] = (spec_device){.path = "/dev/fuse",
                               .type = 'c',
                               .major = 10,
                               .minor = 229,
                               .has_file_mode = true,
                               .file_mode = 0600};
    devices[1] = (spec_device){.path = "/dev/myfifo", .type = 'p'};
    cfg.linux_.devices = devices;
    cfg.linux_.n_devices = 2;
    cfg.linux_.masked_paths =
        OPTS("/proc/keys", "/proc/acpi", "/sys/firmware", "/proc/kcore", "/nonexistent/path");
    cfg.linux_.readonly_paths = OPTS("/proc/sys", "/proc/sysrq-trigger", "/etc/rwfile");
    cfg.root.readonly = true;
}

static void check_mounts(void)
{
    char buf[256];
    struct statvfs sv;

    child_check(fs_is("/proc", PROC_SUPER_MAGIC), "/proc is procfs");
    child_check(read_file("/proc/self/comm", buf, sizeof(buf)) > 0, "/proc/self/comm is readable");
    child_check(fs_is("/data", TMPFS_MAGIC), "/data is a tmpfs");
    child_check(statvfs("/data", &sv) == 0 && (sv.f_flag & ST_RDONLY) && (sv.f_flag & ST_NOSUID),
                "/data is ro,nosuid (statvfs)");
    child_check(open_fails_with("/data/f", O_WRONLY | O_CREAT, EROFS), "/data: create is EROFS");
    child_check(fs_is("/dev/shm", TMPFS_MAGIC) &&
                    mount_flags_have("/dev/shm", ST_NOSUID | ST_NODEV | ST_NOEXEC),
                "/dev/shm is tmpfs nosuid,nodev,noexec");
    child_check(fs_is("/dev/pts", DEVPTS_SUPER_MAGIC), "/dev/pts is devpts");
    child_check(fs_is("/dev/mqueue", MQUEUE_MAGIC), "/dev/mqueue is mqueue");
    child_check(fs_is("/sys", SYSFS_MAGIC) && mount_flags_have("/sys", ST_RDONLY),
                "/sys is sysfs, ro");
    child_check(read_file("/etc/hostfile", buf, sizeof(buf)) > 0 &&
                    strcmp(buf, "host-bind-content") == 0,
                "bind of a host file is visible at /etc/hostfile");
    child_check(open_fails_with("/etc/hostfile", O_WRONLY, EROFS) &&
                    mount_flags_have("/etc/hostfile", ST_NOSUID),
                "bind with ro,nosuid was remounted ro,nosuid");
    child_check(read_file("/copyup/file", buf, sizeof(buf)) > 0 && strcmp(buf, "copy-me") == 0 &&
                    fs_is("/copyup", TMPFS_MAGIC) && symlink_is("/copyup/link", "file"),
                "tmpcopyup: the tmpfs holds the image's files and symlinks");
    child_check(open_fails_with("/recro/sub/f", O_WRONLY | O_CREAT, EROFS) &&
                    open_fails_with("/recro/f", O_WRONLY | O_CREAT, EROFS),
                "rro: the submount is read-only too");
    child_check(open_fails_with("/plainro/f", O_WRONLY | O_CREAT, EROFS) &&
                    open_works("/plainro/sub/f", O_WRONLY | O_CREAT),
                "control: plain ro leaves the submount writable");
}

static void check_idmap(void)
{
    struct stat st;
    child_check(stat("/idmapped/owned-by-root", &st) == 0 && st.st_uid == 1000 && st.st_gid == 1000,
                "idmap: a file owned by 0 shows as 1000 (uid %d)",
                stat("/idmapped/owned-by-root", &st) == 0 ? (int)st.st_uid : -1);
}

static void check_cgroup(void)
{
    char buf[4096], self[32];
    child_check(fs_is("/sys/fs/cgroup", TMPFS_MAGIC) ||
                    fs_is("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC),
                "/sys/fs/cgroup is mounted");
    child_check(mount_flags_have("/sys/fs/cgroup", ST_RDONLY), "/sys/fs/cgroup is read-only");
    if (fs_is("/sys/fs/cgroup", TMPFS_MAGIC)) {
        snprintf(self, sizeof(self), "%d\n", getpid());
        child_check(fs_is("/sys/fs/cgroup/memory", CGROUP_SUPER_MAGIC),
                    "cgroup v1: memory hierarchy");
        child_check(read_file("/sys/fs/cgroup/memory/cgroup.procs", buf, sizeof(buf)) > 0 &&
                        strstr(buf, self) != NULL,
                    "cgroup v1: memory shows the container's own cgroup");
        child_check(mount_flags_have("/sys/fs/cgroup/memory", ST_RDONLY),
                    "cgroup v1: memory is ro");
    }
}

static void check_devices(void)
{
    static const struct {
        const char *path;
        unsigned maj, min;
    } defaults[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
                    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
    struct stat st;
    char buf[8];

    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
        child_check(is_chardev(defaults[i].path, defaults[i].maj, defaults[i].min, 0666),
                    "%s is c %u:%u 0666", defaults[i].path, defaults[i].maj, defaults[i].min);
    child_check(is_chardev("/dev/fuse", 10, 229, 0600),
                "linux.devices: /dev/fuse is c 10:229 0600");
    child_check(lstat("/dev/myfifo", &st) == 0 && S_ISFIFO(st.st_mode), "linux.devices: fifo");
    child_check(read_file("/dev/zero", buf, sizeof(buf)) == sizeof(buf) - 1 && buf[0] == 0,
                "/dev/zero reads zeros");
    child_check(symlink_is("/dev/ptmx", "pts/ptmx"), "/dev/ptmx -> pts/ptmx");
    child_check(open_works("/dev/ptmx", O_RDWR | O_NOCTTY), "/dev/ptmx opens a pty");
    child_check(symlink_is("/dev/fd", "/proc/self/fd"), "/dev/fd -> /proc/self/fd");
    child_check(symlink_is("/dev/stdin", "/proc/self/fd/0") &&
                    symlink_is("/dev/stdout", "/proc/self/fd/1") &&
                    symlink_is("/dev/stderr", "/proc/self/fd/2"),
                "/dev/stdin, stdout, stderr symlinks");
    child_check(access("/proc/kcore", F_OK) == 0 ? symlink_is("/dev/core", "/proc/kcore")
                                                 : access("/dev/core", F_OK) < 0,
                "/dev/core only when there is a /proc/kcore");
}

static void check_lockdown(void)
{
    char buf[256];
    struct stat st;

    child_check(stat("/proc/keys", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
                "masked /proc/keys is /dev/null");
    child_check(read_file("/proc/keys", buf, sizeof(buf)) == 0, "masked /proc/keys reads empty");
    child_check(fs_is("/sys/firmware", TMPFS_MAGIC) && dir_is_empty("/sys/firmware"),
                "masked /sys/firmware is an empty tmpfs");
    child_check(mkdir("/sys/firmware/x", 0755) < 0 && errno == EROFS, "masked dir is read-only");
    child_check(open_fails_with("/proc/sys/kernel/hostname", O_WRONLY, EROFS),
                "readonly /proc/sys: write is EROFS");
    child_check(open_fails_with("/etc/rwfile", O_WRONLY, EROFS), "readonly file: write is EROFS");
    child_check(open_works("/etc/rwfile2", O_WRONLY),
                "control: the same bind not listed is writable");
    child_check(open_works("/proc/self/comm", O_WRONLY), "control: /proc/self/comm stays writable");
    child_check(open_fails_with("/newfile", O_WRONLY | O_CREAT, EROFS), "readonly root: EROFS");
    child_check(open_works("/dev/shm/newfile", O_WRONLY | O_CREAT),
                "control: /dev/shm is writable");
}

static void check_escape(void)
{
    char p[PATH_MAX + 8];
    child_check(fs_is("/evil/x", TMPFS_MAGIC), "/evil/x (evil -> %s) is mounted", escape_abs);
    snprintf(p, sizeof(p), "%s/x", escape_abs);
    child_check(fs_is(p, TMPFS_MAGIC), "inside, the link's target is the rootfs's own %s", p);
    child_check(fs_is("/a/climb/y", TMPFS_MAGIC), "/a/climb/y (climb -> ../../..%s) is mounted",
                escape_rel);
}

static void check_exec(void)
{
    pid_t pid = child_fork();
    if (pid == 0) {
        execl("/bin/busybox", "busybox", "true", (char *)NULL);
        _exit(127);
    }
    child_check(child_exit_code(child_wait(pid, -1)) == 0, "/bin/busybox runs inside the rootfs");
}

static void full_scenario(void *arg)
{
    rootfs_opts o = {.cfg = &cfg, .rootfs = rootfs};
    ward_err err = {0};
    char cwd[PATH_MAX], p[PATH_MAX + 8];

    (void)arg;
    /* A submount in the rbind source, to tell rro from ro; private first so it stays here. */
    snprintf(p, sizeof(p), "%s/sub", recsrc);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("tmpfs", p, "tmpfs", 0, "size=1m") < 0) {
        child_check(false, "setup submount: %s", strerror(errno));
        return;
    }
    if (!child_check_call(rootfs_mount_all(&o, &err) == 0, "rootfs_mount_all", &err))
        return;
    if (!child_check_call(rootfs_enter(&o, &err) == 0, "rootfs_enter", &err))
        return;
    child_check(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0, "cwd is / after rootfs_enter");
    child_check(access("/bin/busybox", X_OK) == 0, "/ is the rootfs");
    check_mounts();
    check_idmap();
    check_cgroup();
    check_devices();
    check_lockdown();
    check_escape();
    check_exec();
}

int main(void)
{
    char p[PATH_MAX + 64];

    if (geteuid() != 0)
        tap_skip_all("mounting needs root");
    if (!tap_ok(setup_host() == 0, "host setup (temp dirs, busybox rootfs): %s", strerror(errno)))
        goto out;
    build_config();
    run_scenario("pivot_root", ROOTFS_SCENARIO_NS, full_scenario, NULL);

    tap_ok(dir_is_empty(escape_abs), "absolute symlink escape: host %s untouched", escape_abs);
    tap_ok(dir_is_empty(escape_rel), "../ symlink escape: host %s untouched", escape_rel);
    snprintf(p, sizeof(p), "%s%s/x", rootfs, escape_abs);
    tap_ok(access(p, F_OK) == 0, "the absolute link's target was made inside the rootfs");
    snprintf(p, sizeof(p), "%s%s/y", rootfs, escape_rel);
    tap_ok(access(p, F_OK) == 0, "the ../ link's target was made inside the rootfs");
    tap_ok(!host_mounts_mention(base), "no mount leaked to the host's namespace");
out:
    remove_tree(base);
    remove_tree(escape_abs);
    remove_tree(escape_rel);
    return tap_done();
}
