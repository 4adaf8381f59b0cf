/* SPDX-License-Identifier: Apache-2.0 */
/* The run record and the output paths of a stopped container, for its result manifest. */
#include "runtime/result.h"
#include "runtime/state_store.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static void rfc3339(const struct timespec *ts, char *buf, size_t len)
{
    struct timespec now;
    struct tm tm;
    size_t n;
    if (ts == NULL || (ts->tv_sec == 0 && ts->tv_nsec == 0)) {
        clock_gettime(CLOCK_REALTIME, &now);
        ts = &now;
    }
    gmtime_r(&ts->tv_sec, &tm);
    n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%09ldZ", ts->tv_nsec);
}

static const char *annotation(const spec_kv_list *kv, const char *key)
{
    for (size_t i = 0; i < kv->len; i++)
        if (strcmp(kv->items[i].key, key) == 0)
            return kv->items[i].value;
    return NULL;
}

static void emit_image(jwriter *w, const spec_config *cfg)
{
    static const char *const keys[][2] = {{"ref", "ward.image.ref"},
                                          {"digest", "ward.image.digest"},
                                          {"policy", "ward.image.verified"}};
    bool any = false;
    for (size_t i = 0; i < 3; i++)
        any = any || annotation(&cfg->annotations, keys[i][1]) != NULL;
    if (!any)
        return;
    jw_key(w, "image");
    jw_open(w);
    for (size_t i = 0; i < 3; i++)
        jw_kstr(w, keys[i][0], annotation(&cfg->annotations, keys[i][1]));
    jw_close(w);
}

static void emit_process(jwriter *w, const spec_config *cfg)
{
    const spec_strv *env = &cfg->process.env;
    jw_key(w, "process");
    jw_open(w);
    jw_key(w, "args");
    jw_strv(w, &cfg->process.args);
    jw_key(w, "env_names"); /* names only: values may be secrets */
    jw_open_array(w);
    for (size_t i = 0; i < env->len; i++) {
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(env->items[i], "="), env->items[i]);
        jw_str(w, name);
    }
    jw_close_array(w);
    jw_kstr(w, "cwd", cfg->process.cwd);
    jw_close(w);
}

static void emit_exit(jwriter *w, const ward_run_end *end)
{
    jw_key(w, "exit");
    jw_open(w);
    if (!end->exit_known) {
        jw_kstr(w, "unknown", end->exit_unknown ? end->exit_unknown : "not observed");
    } else if (WIFSIGNALED(end->wait_status)) {
        const char *abbrev = sigabbrev_np(WTERMSIG(end->wait_status));
        char name[32];
        snprintf(name, sizeof(name), "SIG%s", abbrev ? abbrev : "?");
        jw_kstr(w, "signal", name);
        jw_ki64(w, "signal_number", WTERMSIG(end->wait_status));
    } else {
        jw_ki64(w, "code", WEXITSTATUS(end->wait_status));
    }
    jw_close(w);
}

static const jnode *path_get(const jnode *n, const char *a, const char *b, const char *c)
{
    n = n ? json_get(n, a) : NULL;
    n = n ? json_get(n, b) : NULL;
    return n ? json_get(n, c) : NULL;
}

/* CPU time and peak memory: the cgroup's (every process of the container), else the rusage. */
static void emit_resources(jwriter *w, const spec_state *st, const ward_run_end *end)
{
    cleanup_free char *stats = NULL;
    cleanup_json jnode *root = NULL;
    const jnode *cpu = NULL, *mem = NULL;
    ward_cgroup cg;
    ward_err err;

    if (state_cgroup(st, &cg) == 0 && cgroup_stats_json(&cg, &stats, &err) == 0 &&
        json_parse(stats, strlen(stats), &root, &err) == 0) {
        cpu = path_get(root, "cpu", "usage", "total");
        mem = path_get(root, "memory", "usage", "max");
    }
    jw_key(w, "resources");
    jw_open(w);
    if (cpu && cpu->type == JT_NUMBER && mem && mem->type == JT_NUMBER) {
        jw_kstr(w, "source", "cgroup");
        jw_ku64(w, "cpu_time_ns", strtoull(cpu->u.s, NULL, 10));
        jw_ku64(w, "peak_memory_bytes", strtoull(mem->u.s, NULL, 10));
    } else if (end->usage) {
        const struct rusage *u = end->usage;
        jw_kstr(w, "source", "rusage");
        jw_ku64(w, "cpu_time_ns",
                (uint64_t)(u->ru_utime.tv_sec + u->ru_stime.tv_sec) * 1000000000u +
                    (uint64_t)(u->ru_utime.tv_usec + u->ru_stime.tv_usec) * 1000u);
        jw_ku64(w, "peak_memory_bytes", (uint64_t)u->ru_maxrss * 1024u);
    }
    jw_close(w);
}

static int emit_protections(jwriter *w, const spec_state *st, ward_err *err)
{
    cleanup_json jnode *prot = NULL;
    if (st->protections_json == NULL)
        return ward_fail(err, "state.json records no protections");
    if (json_parse(st->protections_json, strlen(st->protections_json), &prot, err) < 0)
        return ward_err_prefix(err, "state.json: protections");
    jw_key(w, "protections");
    jw_node(w, prot);
    return 0;
}

int container_result_record(const ward_ctx *ctx, const char *id, const ward_run_end *end,
                            char **json, ward_err *err)
{
    cleanup_close int dirfd = -1;
    cleanup_state spec_state *st = NULL;
    cleanup_config spec_config *cfg = NULL;
    char config[PATH_MAX], started[64], ended[64];
    jwriter w;

    if (container_load(ctx, id, false, &dirfd, &st, err) < 0 ||
        state_load_config(dirfd, &cfg, err) < 0)
        return -1;
    if (st->status != SPEC_STATUS_STOPPED)
        return ward_fail(err, "result: container \"%s\" has not stopped", id);
    if (snprintf(config, sizeof(config), "%s/config.json", st->bundle) >= (int)sizeof(config))
        return ward_fail(err, "result: bundle path too long");
    if (end->started.tv_sec || end->started.tv_nsec)
        rfc3339(&end->started, started, sizeof(started));
    else
        snprintf(started, sizeof(started), "%s", st->created ? st->created : "");
    rfc3339(&end->ended, ended, sizeof(ended));
    if (jw_init(&w, false, err) < 0)
        return -1;
    jw_open(&w);
    jw_kstr(&w, "id", id);
    jw_kstr(&w, "config", config);
    emit_image(&w, cfg);
    emit_process(&w, cfg);
    jw_kstr(&w, "started", started);
    jw_kstr(&w, "ended", ended);
    emit_exit(&w, end);
    emit_resources(&w, st, end);
    if (emit_protections(&w, st, err) < 0) {
        jw_abandon(&w);
        return -1;
    }
    jw_close(&w);
    return jw_finish(&w, json, NULL, err);
}

/* ---- outputs ---- */

static bool is_bind(const spec_mount *m)
{
    if (m->type && strcmp(m->type, "bind") == 0)
        return true;
    for (size_t i = 0; i < m->options.len; i++)
        if (strcmp(m->options.items[i], "bind") == 0 || strcmp(m->options.items[i], "rbind") == 0)
            return true;
    return false;
}

/* Length of mount destination dest when it holds path (a prefix at a component boundary). */
static size_t holds(const char *dest, const char *path)
{
    size_t n = strlen(dest);
    while (n > 1 && dest[n - 1] == '/')
        n--;
    if (n == 1 && dest[0] == '/')
        return 1;
    if (strncmp(dest, path, n) == 0 && (path[n] == '\0' || path[n] == '/'))
        return n;
    return 0;
}

static int open_beneath(int root, const char *rest, uint64_t resolve, const char *path,
                        ward_err *err)
{
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = resolve};
    int fd;
    while (*rest == '/')
        rest++;
    do
        fd = (int)syscall(SYS_openat2, root, *rest ? rest : ".", &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN);
    if (fd < 0 && errno == EXDEV)
        return ward_fail(err, "output %s: a symlink or \"..\" leads out of the container's files",
                         path);
    if (fd < 0)
        return ward_fail_errno(err, errno, "output %s", path);
    return fd;
}

static int fd_path(int fd, char out[PATH_MAX])
{
    char proc[64];
    ssize_t n;
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    n = readlink(proc, out, PATH_MAX - 1);
    if (n < 0)
        return -1;
    out[n] = '\0';
    return 0;
}

/*
 * The container path that fd (resolved beneath the rootfs root) stands for: where the symlinks
 * on the way led; "" when it cannot be told (then the lexical path stands).
 */
static void container_path_of(int root, int fd, char out[PATH_MAX])
{
    char r[PATH_MAX], f[PATH_MAX];
    size_t n;
    out[0] = '\0';
    if (fd_path(root, r) < 0 || fd_path(fd, f) < 0)
        return;
    n = strlen(r);
    if (strncmp(r, f, n) == 0 && (f[n] == '/' || f[n] == '\0'))
        snprintf(out, PATH_MAX, "%s", f[n] ? f + n : "/");
}

static int resolve(const spec_state *st, const spec_config *cfg, const char *path, int depth,
                   ward_err *err);

/* Beneath the rootfs; when symlinks led into a bind mount's destination, through that mount. */
static int resolve_in_rootfs(const spec_state *st, const spec_config *cfg, const char *path,
                             int depth, ward_err *err)
{
    cleanup_close int root = open(st->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int fd = -1;
    char canon[PATH_MAX];
    if (root < 0)
        return ward_fail_errno(err, errno, "output %s: rootfs %s", path, st->rootfs);
    fd = open_beneath(root, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, path, err);
    if (fd < 0)
        return -1;
    container_path_of(root, fd, canon);
    if (depth == 0 && canon[0] == '/' && strcmp(canon, path) != 0) {
        for (size_t i = 0; i < cfg->n_mounts; i++)
            if (holds(cfg->mounts[i].destination, canon) > 1)
                return resolve(st, cfg, canon, depth + 1, err);
    }
    return steal_fd(fd);
}

static int resolve(const spec_state *st, const spec_config *cfg, const char *path, int depth,
                   ward_err *err)
{
    const spec_mount *best = NULL;
    size_t best_len = 0;
    char src[PATH_MAX];
    cleanup_close int root = -1;

    for (size_t i = 0; i < cfg->n_mounts; i++) {
        size_t n = holds(cfg->mounts[i].destination, path);
        if (n > best_len) {
            best = &cfg->mounts[i];
            best_len = n;
        }
    }
    if (best && !is_bind(best))
        return ward_fail(err,
                         "output %s: on a %s mount at %s, whose contents do not outlive the "
                         "container (use a bind mount or the rootfs)",
                         path, best->type ? best->type : "non-bind", best->destination);
    if (best == NULL)
        return resolve_in_rootfs(st, cfg, path, depth, err);
    if (best->source[0] == '/')
        snprintf(src, sizeof(src), "%s", best->source);
    else
        snprintf(src, sizeof(src), "%s/%s", st->bundle, best->source);
    root = open(src, O_PATH | O_CLOEXEC);
    if (root < 0)
        return ward_fail_errno(err, errno, "output %s: bind mount source %s", path, src);
    if (path[best_len] == '\0')
        return steal_fd(root);
    /* beneath the source: a symlink that leads out is an error, not followed */
    return open_beneath(root, path + best_len, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, path, err);
}

int container_result_output(const ward_ctx *ctx, const char *id, const char *path, int *fd,
                            char **name, ward_err *err)
{
    cleanup_close int dirfd = -1;
    cleanup_state spec_state *st = NULL;
    cleanup_config spec_config *cfg = NULL;
    const char *base;
    size_t n = strlen(path);

    if (path[0] != '/' || strstr(path, "/../") || (n >= 3 && strcmp(path + n - 3, "/..") == 0))
        return ward_fail(err, "output %s: must be an absolute path without \"..\"", path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    base = path + n;
    while (base > path && base[-1] != '/')
        base--;
    if (base == path + n || strncmp(base, ".", (size_t)(path + n - base)) == 0)
        return ward_fail(err, "output %s: needs a last component to name it", path);
    if (container_load(ctx, id, false, &dirfd, &st, err) < 0 ||
        state_load_config(dirfd, &cfg, err) < 0)
        return -1;
    if (st->rootfs == NULL)
        return ward_fail(err, "container \"%s\": state.json has no rootfs", id);
    *fd = resolve(st, cfg, path, 0, err);
    if (*fd < 0)
        return -1;
    *name = strndup(base, (size_t)(path + n - base));
    if (*name == NULL) {
        close(*fd);
        return ward_fail_errno(err, ENOMEM, "output");
    }
    return 0;
}
