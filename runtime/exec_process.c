/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process `exec` runs: a runtime-spec Process file (as podman and containerd write it), or
 * the container's own process with the command replaced (as runc does); then the command-line
 * overrides (--tty, --cwd, --env, --user, --cap, --no-new-privs, labels). Validated at the end.
 */
#include "runtime/internal.h"
#include "runtime/unsupported.h"
#include "runtime/log.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"
#include "spec/json.h"
#include "spec/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#define PROCESS_FILE_MAX (1 << 20)

static void strv_clear(spec_strv *v)
{
    for (size_t i = 0; i < v->len; i++)
        free(v->items[i]);
    free(v->items);
    v->items = NULL;
    v->len = 0;
}

static bool strv_has(const spec_strv *v, const char *s)
{
    for (size_t i = 0; i < v->len; i++)
        if (strcmp(v->items[i], s) == 0)
            return true;
    return false;
}

static int set_str(char **field, const char *value, ward_err *err)
{
    char *copy = strdup(value);
    if (copy == NULL)
        return ward_fail_errno(err, ENOMEM, "exec");
    free(*field);
    *field = copy;
    return 0;
}

static int load_process_file(const char *path, spec_process **out, ward_err *err)
{
    cleanup_free char *buf = NULL;
    size_t len;
    if (spec_read_file(path, PROCESS_FILE_MAX, &buf, &len, err) < 0)
        return -1;
    if (spec_process_parse(buf, len, out, err) < 0)
        return ward_err_prefix(err, "%s", path);
    return 0;
}

/* The container's process with argv replaced; a new process never inherits the init's tty. */
static int from_args(const exec_opts *o, spec_process *base, ward_err *err)
{
    if (o->n_args == 0)
        return ward_fail(err, "exec: no command given (use --process FILE or ARGS after the id)");
    strv_clear(&base->args);
    for (size_t i = 0; i < o->n_args; i++)
        if (spec_strv_push(&base->args, o->args[i], err) < 0)
            return -1;
    base->terminal = false;
    base->has_console_size = false;
    return 0;
}

/* KEY=VALUE replaces an existing KEY or is appended. */
static int set_env(spec_strv *env, const char *kv, ward_err *err)
{
    const char *eq = strchr(kv, '=');
    size_t klen;
    if (eq == NULL || eq == kv)
        return ward_fail(err, "--env %s: must be of the form KEY=VALUE", kv);
    klen = (size_t)(eq - kv) + 1;
    for (size_t i = 0; i < env->len; i++)
        if (strncmp(env->items[i], kv, klen) == 0)
            return set_str(&env->items[i], kv, err);
    return spec_strv_push(env, kv, err);
}

static int parse_id(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v;
    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v > UINT32_MAX - 1)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* uid[:gid], numeric as runc takes it; a new uid gets no supplementary groups of the old one. */
static int set_user(spec_user *u, const char *spec, ward_err *err)
{
    char buf[64];
    char *colon;
    if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf))
        return ward_fail(err, "--user %s: too long", spec);
    colon = strchr(buf, ':');
    if (colon)
        *colon = '\0';
    if (parse_id(buf, &u->uid) < 0 || (colon && parse_id(colon + 1, &u->gid) < 0))
        return ward_fail(err, "--user %s: must be uid[:gid] (numbers)", spec);
    free(u->additional_gids);
    u->additional_gids = NULL;
    u->n_additional_gids = 0;
    return 0;
}

/* "NET_ADMIN" or "CAP_NET_ADMIN", any case: the canonical name, added to three sets. */
static int add_cap(spec_capabilities *c, const char *name, ward_err *err)
{
    char canon[64];
    cap_value_t v;
    size_t off = strncasecmp(name, "CAP_", 4) == 0 ? 4 : 0;
    if (snprintf(canon, sizeof(canon), "CAP_%s", name + off) >= (int)sizeof(canon))
        return ward_fail(err, "--cap %s: unknown capability", name);
    for (char *p = canon; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (cap_from_name(canon, &v) < 0)
        return ward_fail(err, "--cap %s: unknown capability", name);
    c->present = true;
    spec_strv *sets[] = {&c->bounding, &c->effective, &c->permitted};
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        if (!strv_has(sets[i], canon) && spec_strv_push(sets[i], canon, err) < 0)
            return -1;
    return 0;
}

/* SELinux and AppArmor are not applied by ward: the label lands in the process, and
 * unsupported_settings() warns about it there, as for a --process file's own labels. */
static int set_label(char **field, const char *value, ward_err *err)
{
    if (value == NULL || *value == '\0')
        return 0;
    return set_str(field, value, err);
}

static int apply_overrides(const exec_opts *o, spec_process *p, ward_err *err)
{
    if (o->tty)
        p->terminal = true;
    if (o->console_rows && o->console_cols) {
        p->has_console_size = true;
        p->console_height = o->console_rows;
        p->console_width = o->console_cols;
    }
    if (o->cwd && set_str(&p->cwd, o->cwd, err) < 0)
        return -1;
    for (size_t i = 0; i < o->n_env; i++)
        if (set_env(&p->env, o->env[i], err) < 0)
            return -1;
    if (o->user && set_user(&p->user, o->user, err) < 0)
        return -1;
    for (size_t i = 0; i < o->n_caps; i++)
        if (add_cap(&p->capabilities, o->caps[i], err) < 0)
            return -1;
    if (o->no_new_privs) {
        p->no_new_privileges = true;
        p->has_no_new_privileges = true;
    }
    if (set_label(&p->selinux_label, o->process_label, err) < 0 ||
        set_label(&p->apparmor_profile, o->apparmor, err) < 0)
        return -1;
    return 0;
}

int exec_build_process(const exec_opts *o, spec_process *base, spec_process **out, ward_err *err)
{
    spec_process *p = NULL;
    if (o->process_file) {
        if (o->n_args)
            return ward_fail(err, "exec: give either --process FILE or a command, not both");
        if (load_process_file(o->process_file, &p, err) < 0)
            return -1;
    } else {
        p = calloc(1, sizeof(*p));
        if (p == NULL)
            return ward_fail_errno(err, ENOMEM, "exec");
        *p = *base; /* moved: the caller's copy is cleared */
        memset(base, 0, sizeof(*base));
        if (from_args(o, p, err) < 0) {
            spec_process_free(p);
            return -1;
        }
    }
    if (apply_overrides(o, p, err) < 0 || spec_process_validate(p, "", err) < 0) {
        spec_process_free(p);
        return ward_err_prefix(err, "exec");
    }
    /* warn about what this exec asks for itself (the container's own labels were recorded in
     * its state at create) */
    spec_process asked = {.apparmor_profile = (char *)o->apparmor,
                          .selinux_label = (char *)o->process_label};
    if (unsupported_settings("exec", o->process_file ? p : &asked, NULL, NULL, err) < 0) {
        spec_process_free(p);
        return -1;
    }
    *out = p;
    return 0;
}
