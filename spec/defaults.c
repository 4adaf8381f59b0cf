/* SPDX-License-Identifier: Apache-2.0 */
/* `ward spec`: a default config.json for a busybox-style rootfs, written directly in JSON order. */
#include "spec/json.h"
#include "spec/names.h"
#include "spec/parse.h"

#define STRV(...)                                                                                  \
    (spec_strv)                                                                                    \
    {                                                                                              \
        (char *[]){__VA_ARGS__}, sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)                  \
    }

static void emit_process(jwriter *w)
{
    static const char *const sets[] = {"bounding", "effective", "permitted"};
    spec_strv caps = STRV("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    size_t i;
    jw_key(w, "process");
    jw_open(w);
    jw_kbool(w, "terminal", true);
    jw_key(w, "user");
    jw_open(w);
    jw_ku64(w, "uid", 0);
    jw_ku64(w, "gid", 0);
    jw_close(w);
    jw_kstrv(w, "args", &STRV("sh"));
    jw_kstrv(
        w, "env",
        &STRV("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"));
    jw_kstr(w, "cwd", "/");
    jw_key(w, "capabilities");
    jw_open(w);
    for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        jw_kstrv(w, sets[i], &caps);
    jw_close(w);
    jw_key(w, "rlimits");
    jw_open_array(w);
    jw_open(w);
    jw_kstr(w, "type", "RLIMIT_NOFILE");
    jw_ku64(w, "hard", 1024);
    jw_ku64(w, "soft", 1024);
    jw_close(w);
    jw_close_array(w);
    jw_kbool(w, "noNewPrivileges", true);
    jw_close(w);
}

static void emit_mount(jwriter *w, const char *dest, const char *type, const char *source,
                       const spec_strv *options)
{
    jw_open(w);
    jw_kstr(w, "destination", dest);
    jw_kstr(w, "type", type);
    jw_kstr(w, "source", source);
    jw_kstrv(w, "options", options);
    jw_close(w);
}

static void emit_mounts(jwriter *w, bool rootless)
{
    /* In a user namespace gid 5 is usually unmapped, so devpts cannot use it (runc and crun agree).
     */
    spec_strv pts =
        rootless ? STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")
                 : STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
    jw_key(w, "mounts");
    jw_open_array(w);
    emit_mount(w, "/proc", "proc", "proc", &(spec_strv){0});
    emit_mount(w, "/dev", "tmpfs", "tmpfs",
               &STRV("nosuid", "strictatime", "mode=755", "size=65536k"));
    emit_mount(w, "/dev/pts", "devpts", "devpts", &pts);
    emit_mount(w, "/dev/shm", "tmpfs", "shm",
               &STRV("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    emit_mount(w, "/dev/mqueue", "mqueue", "mqueue", &STRV("nosuid", "noexec", "nodev"));
    emit_mount(w, "/sys", "sysfs", "sysfs", &STRV("nosuid", "noexec", "nodev", "ro"));
    emit_mount(w, "/sys/fs/cgroup", "cgroup", "cgroup",
               &STRV("nosuid", "noexec", "nodev", "relatime", "ro"));
    jw_close_array(w);
}

static void emit_mapping(jwriter *w, const char *key, uint32_t host_id)
{
    jw_key(w, key);
    jw_open_array(w);
    jw_open(w);
    jw_ku64(w, "containerID", 0);
    jw_ku64(w, "hostID", host_id);
    jw_ku64(w, "size", 1);
    jw_close(w);
    jw_close_array(w);
}

static void emit_linux(jwriter *w, bool rootless, uint32_t uid, uint32_t gid)
{
    static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", "user"};
    size_t i, n_ns = rootless ? 7 : 6;
    jw_key(w, "linux");
    jw_open(w);
    if (rootless) {
        emit_mapping(w, "uidMappings", uid);
        emit_mapping(w, "gidMappings", gid);
    } else {
        jw_key(w, "resources");
        jw_open(w);
        jw_key(w, "devices");
        jw_open_array(w);
        jw_open(w);
        jw_kbool(w, "allow", false);
        jw_kstr(w, "access", "rwm");
        jw_close(w);
        jw_close_array(w);
        jw_close(w);
    }
    jw_key(w, "namespaces");
    jw_open_array(w);
    for (i = 0; i < n_ns; i++) {
        jw_open(w);
        jw_kstr(w, "type", ns[i]);
        jw_close(w);
    }
    jw_close_array(w);
    jw_kstrv(w, "maskedPaths",
             &STRV("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                   "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                   "/proc/scsi"));
    jw_kstrv(w, "readonlyPaths",
             &STRV("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));
    jw_close(w);
}

int spec_default_config_json(bool rootless, uint32_t host_uid, uint32_t host_gid, char **out,
                             ward_err *err)
{
    jwriter w;
    if (jw_init(&w, true, err) < 0)
        return -1;
    jw_open(&w);
    jw_kstr(&w, "ociVersion", SPEC_OCI_VERSION_MAX);
    emit_process(&w);
    jw_key(&w, "root");
    jw_open(&w);
    jw_kstr(&w, "path", "rootfs");
    jw_kbool(&w, "readonly", true);
    jw_close(&w);
    jw_kstr(&w, "hostname", "ward");
    emit_mounts(&w, rootless);
    emit_linux(&w, rootless, host_uid, host_gid);
    jw_close(&w);
    return jw_finish(&w, out, NULL, err);
}
