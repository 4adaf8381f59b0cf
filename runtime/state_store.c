/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/state_store.h"
#include "runtime/cgroup/cgroup.h"
#include "runtime/fault.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"

#include <ctype.h>
#include <linux/fs.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STATE_FILE     "state.json"
#define STATE_MAX_SIZE (4 << 20)

int state_validate_id(const char *id, ward_err *err)
{
    size_t len = strlen(id);
    if (len == 0 || len > 255)
        return ward_fail(err, "invalid container id \"%s\": must be 1 to 255 characters", id);
    if (!isalnum((unsigned char)id[0]))
        return ward_fail(err, "invalid container id \"%s\": must start with a letter or digit", id);
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_.+-", *p))
            return ward_fail(err, "invalid container id \"%s\": only [A-Za-z0-9_.+-] allowed", id);
    return 0;
}

int state_root_open(const char *root, bool create, ward_err *err)
{
    int fd;
    if (create && mkdir(root, 0700) < 0 && errno != EEXIST)
        return ward_fail_errno(err, errno, "create state root %s", root);
    fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ward_fail_errno(err, errno, "open state root %s", root);
    if (state_check_trusted(fd, "state root", true, err) < 0 ||
        state_check_root_parents(root, err) < 0) {
        close(fd);
        return ward_err_prefix(err, "%s", root);
    }
    return fd;
}

static int lock_dir(int fd, const char *id, ward_err *err)
{
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR)
            return ward_fail_errno(err, errno, "lock container \"%s\"", id);
    }
    return 0;
}

/* A name for the directory while it is made: ids never start with '.', and one id always gets
 * the same name, so two creates of one id meet there (FNV-1a of the id). */
static void creating_name(const char *id, char out[32])
{
    uint64_t h = 14695981039346656037ull;
    for (const char *p = id; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    snprintf(out, 32, ".creating-%016llx", (unsigned long long)h);
}

/*
 * The directory is made under a hidden name, locked, and only then renamed to <id>: no other
 * command can see <id> before its creator holds the lock, so one that does get the lock on a
 * directory without state.json knows that its creator died (and delete --force may clean it).
 * A hidden directory left by a creator that died before the rename is empty and unlocked: the
 * next create of that id takes it over.
 */
int state_dir_create(const char *root, const char *id, ward_err *err)
{
    cleanup_close int rootfd = state_root_open(root, true, err);
    cleanup_close int fd = -1;
    char tmp[32];
    int ret;
    if (rootfd < 0)
        return -1;
    creating_name(id, tmp);
    if (mkdirat(rootfd, tmp, 0700) < 0 && errno != EEXIST)
        return ward_fail_errno(err, errno, "create state dir %s/%s", root, tmp);
    fd = openat(rootfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return ward_fail_errno(err, errno, "open state dir %s/%s", root, tmp);
    if (flock(fd, LOCK_EX | LOCK_NB) < 0)
        return ward_fail_errno(err, EEXIST, "container \"%s\" is being created", id);
    if (state_check_trusted(fd, "state dir", true, err) < 0)
        return ward_err_prefix(err, "%s/%s", root, tmp);
    fault_point("create:dir-locked");
    ret = (int)syscall(SYS_renameat2, rootfd, tmp, rootfd, id, RENAME_NOREPLACE);
    if (ret < 0 && errno == EEXIST) {
        unlinkat(rootfd, tmp, AT_REMOVEDIR);
        return ward_fail_errno(err, EEXIST, "container \"%s\" already exists", id);
    }
    if (ret < 0) /* ENOENT: a second create of this id took the directory over */
        return ward_fail_errno(err, errno == ENOENT ? EEXIST : errno, "create state dir %s/%s",
                               root, id);
    return steal_fd(fd);
}

void state_dir_drop_stale(const char *root, const char *id)
{
    ward_err err;
    cleanup_close int rootfd = state_root_open(root, false, &err);
    cleanup_close int fd = -1;
    char tmp[32];
    if (rootfd < 0)
        return;
    creating_name(id, tmp);
    fd = openat(rootfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    /* locked: a create is making it; rmdir removes only an empty directory */
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        unlinkat(rootfd, tmp, AT_REMOVEDIR);
}

int state_dir_open(const char *root, const char *id, bool lock, ward_err *err)
{
    cleanup_close int rootfd = -1;
    int fd;
    if (state_validate_id(id, err) < 0)
        return -1;
    rootfd = state_root_open(root, false, err);
    if (rootfd < 0 && err->errnum == ENOENT)
        return ward_fail_errno(err, ENOENT, "container \"%s\" does not exist", id);
    if (rootfd < 0)
        return -1;
    fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT)
        return ward_fail_errno(err, ENOENT, "container \"%s\" does not exist", id);
    if (fd < 0)
        return ward_fail_errno(err, errno, "open state dir %s/%s", root, id);
    if (state_check_trusted(fd, "state dir", true, err) < 0) {
        close(fd);
        return ward_err_prefix(err, "%s/%s", root, id);
    }
    if (lock && lock_dir(fd, id, err) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int state_write_file(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                     ward_err *err)
{
    char tmp[NAME_MAX + 1];
    cleanup_close int fd = -1;
    snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
    fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return ward_fail_errno(err, errno, "write %s", name);
    if (ward_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        int e = errno;
        unlinkat(dirfd, tmp, 0);
        return ward_fail_errno(err, e, "write %s", name);
    }
    fault_point(strcmp(name, STATE_FILE) == 0 ? "write:state.json" : "write:config.json");
    if (renameat(dirfd, tmp, dirfd, name) < 0) {
        int e = errno;
        unlinkat(dirfd, tmp, 0);
        return ward_fail_errno(err, e, "rename %s", name);
    }
    return 0;
}

int state_write(int dirfd, const spec_state *s, ward_err *err)
{
    cleanup_free char *json = NULL;
    size_t len;
    if (spec_state_to_json(s, &json, &len, err) < 0)
        return -1;
    return state_write_file(dirfd, STATE_FILE, json, len, 0600, err);
}

int state_open_file(int dirfd, const char *name, ward_err *err)
{
    /* O_NONBLOCK: a FIFO planted under the name must not hang ward before the type check */
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return ward_fail_errno(err, errno, "read %s", name);
    if (state_check_trusted(fd, name, false, err) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int state_read(int dirfd, const char *id, spec_state **out, ward_err *err)
{
    cleanup_close int fd = state_open_file(dirfd, STATE_FILE, err);
    char path[64];
    cleanup_free char *buf = NULL;
    size_t len;
    if (fd < 0)
        return -1;
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    if (spec_read_file(path, STATE_MAX_SIZE, &buf, &len, err) < 0)
        return -1;
    if (spec_state_parse(buf, len, out, err) < 0)
        return ward_err_prefix(err, "state.json");
    if (strcmp((*out)->id, id) != 0) {
        spec_state_free(*out);
        *out = NULL;
        return ward_fail(err, "state.json: id: not the container's own");
    }
    return 0;
}

/*
 * Only the names ward writes, state.json last: a remove cut short leaves a directory that still
 * says what it was (delete --force finishes it). Anything else in the directory is not ours: it
 * stays, and so does the directory (rmdir fails and says so), since a wrong --root must never cost
 * a user a file.
 */
int state_dir_remove(const char *root, const char *id, ward_err *err)
{
    static const char *const names[] = {"exec.fifo", ".config.json.tmp", "config.json",
                                        ".state.json.tmp", STATE_FILE};
    cleanup_close int fd = state_dir_open(root, id, false, err);
    char path[PATH_MAX];
    if (fd < 0)
        return err->errnum == ENOENT ? 0 : -1;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(names[i], STATE_FILE) == 0)
            fault_point("delete:before-state-unlink");
        if (unlinkat(fd, names[i], 0) < 0 && errno != ENOENT)
            return ward_fail_errno(err, errno, "remove state file %s/%s/%s", root, id, names[i]);
    }
    fault_point("delete:before-rmdir");
    snprintf(path, sizeof(path), "%s/%s", root, id);
    if (rmdir(path) < 0 && errno != ENOENT)
        return ward_fail_errno(err, errno, "remove state dir %s%s", path,
                               errno == ENOTEMPTY ? " (it holds files ward did not make)" : "");
    return 0;
}

uint64_t proc_start_time(pid_t pid, bool *zombie)
{
    char path[64], buf[1024];
    cleanup_close int fd = -1;
    ssize_t n;
    char *p;
    unsigned long long start = 0;
    *zombie = false;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* comm may contain spaces and parens: fields restart after the last ')' */
    p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ')
        return 0;
    *zombie = p[2] == 'Z' || p[2] == 'X';
    p += 2;
    /* p points at field 3 (state); starttime is field 22 */
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    if (p == NULL || sscanf(p, "%llu", &start) != 1)
        return 0;
    return (uint64_t)start;
}

bool state_init_alive(const spec_state *s)
{
    bool zombie;
    uint64_t st;
    if (s->pid <= 0)
        return false;
    st = proc_start_time(s->pid, &zombie);
    return st != 0 && !zombie && (s->init_start_time == 0 || st == s->init_start_time);
}

void state_refresh_status(spec_state *s)
{
    ward_cgroup cg;
    bool frozen = false;
    ward_err err;
    /* creating: the init may not be cloned yet; once it was, its death means stopped (a create
     * killed before it finished) */
    if (s->status == SPEC_STATUS_CREATING && (s->pid == 0 || state_init_alive(s)))
        return;
    if (!state_init_alive(s)) {
        s->status = SPEC_STATUS_STOPPED;
        return;
    }
    s->status = state_init_started(s) ? SPEC_STATUS_RUNNING : SPEC_STATUS_CREATED;
    if (s->cgroup_path && s->cgroup_mode && cgroup_mode_from_name(s->cgroup_mode, &cg.mode) == 0 &&
        strlen(s->cgroup_path) < sizeof(cg.path)) {
        strcpy(cg.path, s->cgroup_path);
        if (cgroup_is_frozen(&cg, &frozen, &err) == 0 && frozen)
            s->status = SPEC_STATUS_PAUSED;
    }
}

int write_pid_file(const char *path, pid_t pid, ward_err *err)
{
    char buf[32], tmp[PATH_MAX];
    int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
    cleanup_close int fd = -1;
    if (snprintf(tmp, sizeof(tmp), "%s.ward-tmp", path) >= (int)sizeof(tmp))
        return ward_fail(err, "pid file path too long: %s", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return ward_fail_errno(err, errno, "write pid file %s", path);
    if (ward_write_all(fd, buf, (size_t)n) < 0 || rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return ward_fail_errno(err, e, "write pid file %s", path);
    }
    return 0;
}
