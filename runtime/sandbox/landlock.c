/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Landlock derived from the spec, applied in the init after pivot_root and before seccomp.
 *
 * Handled: every filesystem right the kernel's ABI knows (so anything not granted below is
 * denied), TCP bind/connect only when an annotation asks (ABI 4), and scoping of abstract unix
 * sockets and signals (ABI 6) wherever the container shares the host's network or pid
 * namespace (see scopes_needed). Granted:
 *   - "/": read, read_dir, execute; plus the write rights when root.readonly is false;
 *   - each mount destination whose options do not end up "ro": the write rights;
 *   - devices (the spec's linux.devices and the runtime's defaults /dev/null, zero, full,
 *     random, urandom, tty, console, ptmx and the /dev/pts directory): read, write and (ABI 5)
 *     ioctl, which a shell on a terminal needs (TIOCGWINSZ, TCSETS, TIOCSPGRP...);
 *   - mknod of char/block devices, fifos and unix sockets: only with the host's
 *     landlock.allow_special_files. The spec's devices are made by the runtime before this
 *     point, so a container never needs mknod for them; pathname unix sockets and fifos are
 *     creation of special files too, and the rule is "not unless the host allows".
 *
 * Best effort by ABI for what ward chooses; fail closed for what the config asks explicitly (a
 * port annotation on a kernel without ABI 4 is an error, not a silent no-op). The report says
 * exactly what was enforced. landlock_restrict_self needs no_new_privs or CAP_SYS_ADMIN.
 */

#include "runtime/sandbox/internal.h"
#include "runtime/sandbox/landlock_uapi.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FS(x)   LANDLOCK_ACCESS_FS_##x
#define FS_READ (FS(EXECUTE) | FS(READ_FILE) | FS(READ_DIR))
#define FS_WRITE                                                                                   \
    (FS(WRITE_FILE) | FS(REMOVE_DIR) | FS(REMOVE_FILE) | FS(MAKE_DIR) | FS(MAKE_REG) |             \
     FS(MAKE_SYM) | FS(TRUNCATE) | FS(REFER))
#define FS_SPECIAL (FS(MAKE_CHAR) | FS(MAKE_BLOCK) | FS(MAKE_FIFO) | FS(MAKE_SOCK))
#define FS_FILE    (FS(EXECUTE) | FS(WRITE_FILE) | FS(READ_FILE) | FS(TRUNCATE) | FS(IOCTL_DEV))
#define FS_DEVICE  (FS(READ_FILE) | FS(WRITE_FILE) | FS(TRUNCATE) | FS(IOCTL_DEV))

static const char *const default_devices[] = {
    "/dev/null", "/dev/zero",    "/dev/full", "/dev/random", "/dev/urandom",
    "/dev/tty",  "/dev/console", "/dev/ptmx", "/dev/pts",
};

typedef struct ll_state {
    int abi;
    int ruleset_fd;
    int root_fd;
    uint64_t handled_fs, handled_net, scoped;
    uint32_t restrict_flags;
    size_t rules;
    bool special;
    landlock_ports bind, connect;
} ll_state;

int sandbox_landlock_abi(void)
{
    int abi = ward_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? 0 : abi;
}

static uint64_t fs_rights_for_abi(int abi)
{
    uint64_t r = (FS(MAKE_SYM) << 1) - 1; /* ABI 1: execute .. make_sym */
    if (abi >= 2)
        r |= FS(REFER);
    if (abi >= 3)
        r |= FS(TRUNCATE);
    if (abi >= 5)
        r |= FS(IOCTL_DEV);
    return r;
}

static int open_beneath(int root_fd, const char *path)
{
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
    return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
}

/* A path-beneath rule; a path that does not exist grants nothing and is skipped. */
static int add_path_rule(ll_state *s, const char *path, uint64_t access, ward_err *err)
{
    struct landlock_path_beneath_attr attr = {0};
    cleanup_close int fd = open_beneath(s->root_fd, path);
    struct stat st;

    if (fd < 0) {
        if (errno == ENOENT) {
            sandbox_debug("landlock: %s does not exist, no rule", path);
            return 0;
        }
        return ward_fail_errno(err, errno, "landlock: opening %s", path);
    }
    if (fstat(fd, &st) < 0)
        return ward_fail_errno(err, errno, "landlock: stat of %s", path);
    if (!S_ISDIR(st.st_mode))
        access &= FS_FILE; /* the kernel refuses directory rights on a file */
    access &= s->handled_fs;
    if (access == 0)
        return 0;
    attr.allowed_access = access;
    attr.parent_fd = fd;
    if (ward_landlock_add_rule(s->ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
        return ward_fail_errno(err, errno, "landlock: adding the rule for %s", path);
    s->rules++;
    return 0;
}

static bool mount_is_readonly(const spec_mount *m)
{
    bool ro = false;
    for (size_t i = 0; i < m->options.len; i++) {
        if (strcmp(m->options.items[i], "ro") == 0)
            ro = true;
        else if (strcmp(m->options.items[i], "rw") == 0)
            ro = false;
    }
    return ro;
}

static int add_fs_rules(ll_state *s, const spec_config *cfg, ward_err *err)
{
    uint64_t write = FS_WRITE | (s->special ? FS_SPECIAL : 0);
    bool root_ro = cfg->has_root && cfg->root.readonly;

    if (add_path_rule(s, "/", FS_READ | (root_ro ? 0 : write), err) < 0)
        return -1;
    for (size_t i = 0; i < cfg->n_mounts; i++) {
        const spec_mount *m = &cfg->mounts[i];
        if (m->destination && !mount_is_readonly(m) &&
            add_path_rule(s, m->destination, FS_READ | write, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < cfg->linux_.n_devices; i++)
        if (cfg->linux_.devices[i].path &&
            add_path_rule(s, cfg->linux_.devices[i].path, FS_DEVICE, err) < 0)
            return -1;
    for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
        if (add_path_rule(s, default_devices[i], FS_DEVICE, err) < 0)
            return -1;
    return 0;
}

static int add_port_rules(ll_state *s, const landlock_ports *p, uint64_t access, ward_err *err)
{
    for (size_t i = 0; i < p->n; i++) {
        struct ward_landlock_net_port_attr attr = {.allowed_access = access, .port = p->ports[i]};
        if (ward_landlock_add_rule(s->ruleset_fd, WARD_LANDLOCK_RULE_NET_PORT, &attr, 0) < 0)
            return ward_fail_errno(err, errno, "landlock: adding the rule for TCP port %u",
                                   p->ports[i]);
        s->rules++;
    }
    return 0;
}

static int create_ruleset(ll_state *s, ward_err *err)
{
    struct ward_landlock_ruleset_attr attr = {
        .handled_access_fs = s->handled_fs,
        .handled_access_net = s->handled_net,
        .scoped = s->scoped,
    };
    size_t size = s->abi >= 6   ? WARD_LANDLOCK_ATTR_SIZE_V6
                  : s->abi >= 4 ? WARD_LANDLOCK_ATTR_SIZE_V4
                                : WARD_LANDLOCK_ATTR_SIZE_V1;
    s->ruleset_fd = ward_landlock_create_ruleset(&attr, size, 0);
    if (s->ruleset_fd < 0)
        return ward_fail_errno(err, errno, "landlock: creating the ruleset (ABI %d)", s->abi);
    return 0;
}

/* True when the config creates a fresh namespace of this type (not the host's, not a joined one).
 */
static bool has_own_namespace(const spec_config *cfg, spec_ns_type t)
{
    for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
        if (cfg->linux_.namespaces[i].type == t &&
            (cfg->linux_.namespaces[i].path == NULL || !*cfg->linux_.namespaces[i].path))
            return true;
    return false;
}

/*
 * Scope what the container's namespaces do not already isolate. A fresh pid namespace already
 * keeps signals in; a fresh network namespace already has its own abstract socket space. Scoping
 * those too would only cut `ward exec` processes (a sibling Landlock domain) off from the
 * container's own processes, so scope only where a namespace is shared or joined.
 */
static uint64_t scopes_needed(const spec_config *cfg, int abi)
{
    uint64_t scoped = 0;
    if (abi < 6)
        return 0;
    if (!has_own_namespace(cfg, SPEC_NS_NETWORK))
        scoped |= LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
    if (!has_own_namespace(cfg, SPEC_NS_PID))
        scoped |= LANDLOCK_SCOPE_SIGNAL;
    return scoped;
}

/* What the kernel will handle, from its ABI and the config's explicit asks. */
static int plan(ll_state *s, const spec_config *cfg, const ward_hostconf *hc, ward_err *err)
{
    if (landlock_net_from_spec(cfg, &s->bind, &s->connect, err) < 0)
        return -1;
    if ((s->bind.present || s->connect.present) && s->abi < 4)
        return ward_fail(err, "annotations %s/%s need Landlock ABI 4 (this kernel has %d)",
                         SANDBOX_ANN_NET_BIND, SANDBOX_ANN_NET_CONNECT, s->abi);
    s->special = hc && hc->landlock_allow_special;
    s->handled_fs = fs_rights_for_abi(s->abi);
    s->handled_net = (s->bind.present ? LANDLOCK_ACCESS_NET_BIND_TCP : 0) |
                     (s->connect.present ? LANDLOCK_ACCESS_NET_CONNECT_TCP : 0);
    s->scoped = scopes_needed(cfg, s->abi);
    /* Audit the workload's denials too (by default only those before execve are logged). */
    s->restrict_flags = s->abi >= 7 ? LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON : 0;
    return 0;
}

static int enforce(ll_state *s, const spec_config *cfg, const char *root, ward_err *err)
{
    s->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (s->root_fd < 0)
        return ward_fail_errno(err, errno, "landlock: opening the root %s", root);
    if (create_ruleset(s, err) < 0 || add_fs_rules(s, cfg, err) < 0 ||
        add_port_rules(s, &s->bind, LANDLOCK_ACCESS_NET_BIND_TCP, err) < 0 ||
        add_port_rules(s, &s->connect, LANDLOCK_ACCESS_NET_CONNECT_TCP, err) < 0)
        return -1;
    if (ward_landlock_restrict_self(s->ruleset_fd, s->restrict_flags) < 0) {
        if (errno == EPERM)
            return ward_fail_errno(err, errno,
                                   "landlock: restrict_self needs no_new_privs or CAP_SYS_ADMIN");
        return ward_fail_errno(err, errno, "landlock: restrict_self");
    }
    return 0;
}

int landlock_apply_beneath(const spec_config *cfg, const ward_hostconf *hc, const char *root,
                           char **report_json, ward_err *err)
{
    ll_state s = {.ruleset_fd = -1, .root_fd = -1};
    int r = -1;

    *report_json = NULL;
    s.abi = sandbox_landlock_abi();
    if (hc && hc->landlock_off)
        return landlock_report_disabled(s.abi, "host config: landlock = off", report_json, err);
    if (plan(&s, cfg, hc, err) < 0)
        goto out;
    if (s.abi == 0) {
        r = landlock_report_disabled(0, "the kernel has no Landlock", report_json, err);
        goto out;
    }
    if (enforce(&s, cfg, root, err) < 0)
        goto out;
    r = landlock_report(s.abi, s.handled_fs, s.handled_net, s.scoped, s.rules, s.special,
                        s.restrict_flags != 0, &s.bind, &s.connect, report_json, err);
out:
    if (s.ruleset_fd >= 0)
        close(s.ruleset_fd);
    if (s.root_fd >= 0)
        close(s.root_fd);
    free(s.bind.ports);
    free(s.connect.ports);
    return r;
}

int sandbox_landlock_apply(const spec_config *cfg, const ward_hostconf *hc, char **report_json,
                           ward_err *err)
{
    return landlock_apply_beneath(cfg, hc, "/", report_json, err);
}
