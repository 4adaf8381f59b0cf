/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json for an unpacked image: ward's default config (`ward spec`), with the image config's
 * Entrypoint + Cmd, Env, WorkingDir and User (names looked up in the rootfs's /etc/passwd and
 * /etc/group, never through a symlink), and the ward.image.* annotations. ExposedPorts, Volumes
 * and the rest of the image config are ignored.
 */
#include "attest/unpack_fs.h"
#include "attest/unpack_internal.h"
#include "spec/base/cleanup.h"
#include "spec/parse.h"
#include "spec/base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ID_FILE_MAX (1 << 20)

/* Append the strings of array node n (NULL or null: nothing) to v. */
static int add_strings(spec_strv *v, const jnode *n, const char *what, ward_err *err)
{
    char **grown;
    if (n == NULL)
        return 0;
    if (n->type != JT_ARRAY)
        return ward_fail(err, "image config: %s must be an array of strings", what);
    grown = realloc(v->items, (v->len + n->len + 1) * sizeof(*grown));
    if (grown == NULL)
        return ward_fail_errno(err, ENOMEM, "image config");
    v->items = grown;
    for (size_t i = 0; i < n->len; i++) {
        if (n->u.items[i]->type != JT_STRING)
            return ward_fail(err, "image config: %s[%zu] must be a string", what, i);
        if ((v->items[v->len] = strdup(n->u.items[i]->u.s)) == NULL)
            return ward_fail_errno(err, ENOMEM, "image config");
        v->len++;
    }
    v->items[v->len] = NULL;
    return 0;
}

/* Read rootfs/etc/<file> without following any symlink; NULL text when it is not there. */
static int read_id_file(int rootfd, const char *file, char **text, ward_err *err)
{
    char path[64];
    const char *name;
    cleanup_close int pfd = -1, fd = -1;
    size_t len;
    char proc[64];
    *text = NULL;
    snprintf(path, sizeof(path), "etc/%s", file);
    pfd = unpack_open_parent(rootfd, path, false, &name, err);
    if (pfd < 0)
        return 0;
    fd = openat(pfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    return spec_read_file(proc, ID_FILE_MAX, text, &len, err);
}

/* Field 3 (id) and 4 (gid, passwd only) of the line whose name or id is key. */
static bool find_id(const char *text, const char *key, bool numeric, uint32_t *id, uint32_t *gid)
{
    for (const char *line = text; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        char buf[512];
        char *f[5] = {0}, *save = NULL;
        size_t n = strcspn(line, "\n");
        int i = 0;
        if (n >= sizeof(buf))
            continue;
        memcpy(buf, line, n);
        buf[n] = '\0';
        for (char *p = buf, *c; i < 5 && (c = strsep(&p, ":")) != NULL;)
            f[i++] = c;
        (void)save;
        if (i < 3 || f[2][0] == '\0')
            continue;
        if (numeric ? strcmp(f[2], key) != 0 : strcmp(f[0], key) != 0)
            continue;
        *id = (uint32_t)strtoul(f[2], NULL, 10);
        if (gid != NULL)
            *gid = i >= 4 ? (uint32_t)strtoul(f[3], NULL, 10) : 0;
        return true;
    }
    return false;
}

static bool parse_num(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* User: "", "uid", "uid:gid", "name", "name:group" (and mixes). */
static int resolve_user(const char *user, int rootfd, spec_user *out, ward_err *err)
{
    cleanup_free char *passwd = NULL, *group = NULL;
    char u[256];
    char *g;
    uint32_t pw_gid = 0;
    bool has_pw_gid = false;
    out->uid = out->gid = 0;
    if (user == NULL || user[0] == '\0')
        return 0;
    if (snprintf(u, sizeof(u), "%s", user) >= (int)sizeof(u))
        return ward_fail(err, "image config: User too long");
    g = strchr(u, ':');
    if (g)
        *g++ = '\0';
    if (read_id_file(rootfd, "passwd", &passwd, err) < 0 ||
        read_id_file(rootfd, "group", &group, err) < 0)
        return -1;
    if (parse_num(u, &out->uid))
        has_pw_gid = passwd && find_id(passwd, u, true, &out->uid, &pw_gid);
    else if (passwd && find_id(passwd, u, false, &out->uid, &pw_gid))
        has_pw_gid = true;
    else
        return ward_fail(err, "image config: user \"%.64s\" is not in the image's /etc/passwd", u);
    if (g == NULL) {
        out->gid = has_pw_gid ? pw_gid : 0;
        return 0;
    }
    if (parse_num(g, &out->gid))
        return 0;
    if (group && find_id(group, g, false, &out->gid, NULL))
        return 0;
    return ward_fail(err, "image config: group \"%.64s\" is not in the image's /etc/group", g);
}

static int add_annotation(spec_kv_list *kv, const char *key, const char *value, ward_err *err)
{
    spec_kv *grown = realloc(kv->items, (kv->len + 1) * sizeof(*grown));
    if (grown == NULL)
        return ward_fail_errno(err, ENOMEM, "annotations");
    kv->items = grown;
    kv->items[kv->len].key = strdup(key);
    kv->items[kv->len].value = strdup(value);
    if (kv->items[kv->len].key == NULL || kv->items[kv->len].value == NULL)
        return ward_fail_errno(err, ENOMEM, "annotations");
    kv->len++;
    return 0;
}

static int prepend(spec_strv *v, const char *s, ward_err *err)
{
    char **grown = realloc(v->items, (v->len + 2) * sizeof(*grown));
    if (grown == NULL)
        return ward_fail_errno(err, ENOMEM, "image config");
    v->items = grown;
    memmove(v->items + 1, v->items, (v->len + 1) * sizeof(*grown));
    if ((v->items[0] = strdup(s)) == NULL)
        return ward_fail_errno(err, ENOMEM, "image config");
    v->len++;
    return 0;
}

static int apply_image(spec_config *c, const jnode *ic, int rootfd, ward_err *err)
{
    spec_strv args = {0}, env = {0};
    const jnode *wd = ic ? json_get(ic, "WorkingDir") : NULL;
    const jnode *user = ic ? json_get(ic, "User") : NULL;
    bool has_path = false;
    int rc = -1;

    if (ic != NULL && ic->type != JT_OBJECT)
        return ward_fail(err, "image config: config must be an object");
    if (add_strings(&args, ic ? json_get(ic, "Entrypoint") : NULL, "Entrypoint", err) < 0 ||
        add_strings(&args, ic ? json_get(ic, "Cmd") : NULL, "Cmd", err) < 0 ||
        add_strings(&env, ic ? json_get(ic, "Env") : NULL, "Env", err) < 0)
        goto out;
    if ((wd && wd->type != JT_STRING) || (user && user->type != JT_STRING)) {
        ward_fail(err, "image config: WorkingDir and User must be strings");
        goto out;
    }
    if (resolve_user(user ? user->u.s : NULL, rootfd, &c->process.user, err) < 0)
        goto out;
    for (size_t i = 0; i < env.len; i++)
        has_path |= strncmp(env.items[i], "PATH=", 5) == 0;
    if (args.len > 0) {
        spec_strv_free(&c->process.args);
        c->process.args = args;
        args = (spec_strv){0};
    }
    if (env.len > 0) {
        /* the image's environment; ward's default PATH first when the image sets none */
        for (size_t i = 0; !has_path && i < c->process.env.len; i++)
            if (strncmp(c->process.env.items[i], "PATH=", 5) == 0 &&
                prepend(&env, c->process.env.items[i], err) < 0)
                goto out;
        spec_strv_free(&c->process.env);
        c->process.env = env;
        env = (spec_strv){0};
    }
    if (wd && wd->u.s[0]) {
        free(c->process.cwd);
        c->process.cwd = NULL;
        if (asprintf(&c->process.cwd, "%s%s", wd->u.s[0] == '/' ? "" : "/", wd->u.s) < 0) {
            ward_fail_errno(err, ENOMEM, "cwd");
            goto out;
        }
    }
    rc = 0;
out:
    spec_strv_free(&args);
    spec_strv_free(&env);
    return rc;
}

int unpack_config_json(const jnode *image_config, int rootfd, const unpack_opts *o,
                       const char *manifest_digest, char **out, size_t *len, ward_err *err)
{
    cleanup_free char *base = NULL;
    spec_config *c = NULL;
    int rc = -1;
    if (image_config == NULL || image_config->type != JT_OBJECT)
        return ward_fail(err, "image config: not an object");
    if (spec_default_config_json(false, 0, 0, &base, err) < 0 ||
        spec_config_parse(base, strlen(base), &c, err) < 0)
        return -1;
    c->process.terminal = false; /* an image's process runs detached unless the caller says */
    if (apply_image(c, json_get(image_config, "config"), rootfd, err) < 0 ||
        (o->ref && add_annotation(&c->annotations, "ward.image.ref", o->ref, err) < 0) ||
        add_annotation(&c->annotations, "ward.image.digest", manifest_digest, err) < 0 ||
        (o->verified &&
         add_annotation(&c->annotations, "ward.image.verified", o->verified, err) < 0))
        goto out;
    rc = spec_config_to_json(c, out, len, err);
out:
    spec_config_free(c);
    return rc;
}
