/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading state.json back. The file lives in ward's state directory, but a corrupt or planted one
 * must not make ward act on the wrong pid or path, so every field is checked like outside input.
 */
#include <stdlib.h>
#include <string.h>

#include "spec/base/cleanup.h"
#include "spec/json.h"
#include "spec/model.h"
#include "spec/state.h"

_Static_assert(sizeof(pid_t) == sizeof(int32_t), "pid_t is parsed as int32");

static const jfield state_fields[] = {
    JF(spec_state, "ociVersion", JK_STR, oci_version, JF_REQUIRED),
    JF(spec_state, "id", JK_STR, id, JF_REQUIRED),
    JF(spec_state, "pid", JK_I32, pid, 0),
    JF(spec_state, "bundle", JK_STR, bundle, JF_REQUIRED),
    JF(spec_state, "rootfs", JK_STR, rootfs, 0),
    JF(spec_state, "created", JK_STR, created, 0),
    JF(spec_state, "owner", JK_STR, owner, 0),
};

static const jfield ward_fields[] = {
    JF(spec_state, "initStartTime", JK_U64, init_start_time, 0),
    JF(spec_state, "cgroupPath", JK_STR, cgroup_path, 0),
    JF(spec_state, "cgroupMode", JK_STR, cgroup_mode, 0),
    JF(spec_state, "systemdCgroup", JK_BOOL, systemd_cgroup, 0),
    JF(spec_state, "started", JK_BOOL, started, 0),
    JF(spec_state, "initExeDev", JK_U64, init_exe_dev, 0),
    JF(spec_state, "initExeIno", JK_U64, init_exe_ino, 0),
    JFH(spec_state, "exitCode", JK_I32, exit_code, has_exit_code, 0),
    JFH(spec_state, "exitSignal", JK_I32, exit_signal, has_exit_signal, 0),
    JFH(spec_state, "oomKilled", JK_BOOL, oom_killed, has_oom_killed, 0),
    JF(spec_state, "ignored", JK_STRV, ignored, 0),
};

static bool plain_id(const char *id)
{
    return id[0] != '\0' && strchr(id, '/') == NULL && strcmp(id, ".") != 0 &&
           strcmp(id, "..") != 0;
}

static bool clean_absolute(const char *path)
{
    return path == NULL || (spec_path_is_absolute(path) && !spec_path_has_dotdot(path));
}

static int check_values(const spec_state *s, ward_err *err)
{
    if (!plain_id(s->id))
        return ward_fail(err, "id: must be a non-empty name without '/'");
    if (s->pid < 0)
        return ward_fail(err, "pid: must not be negative");
    if (!clean_absolute(s->bundle) || s->bundle[0] == '\0')
        return ward_fail(err, "bundle: must be an absolute path without \"..\"");
    if (!clean_absolute(s->rootfs))
        return ward_fail(err, "rootfs: must be an absolute path without \"..\"");
    if (!clean_absolute(s->cgroup_path))
        return ward_fail(err, "ward.cgroupPath: must be an absolute path without \"..\"");
    if (s->has_exit_code && (s->exit_code < 0 || s->exit_code > 255))
        return ward_fail(err, "ward.exitCode: must be 0 to 255");
    if (s->has_exit_signal && (s->exit_signal < 1 || s->exit_signal > 64))
        return ward_fail(err, "ward.exitSignal: must be a signal number (1 to 64)");
    if (s->cgroup_mode != NULL && strcmp(s->cgroup_mode, "v1") != 0 &&
        strcmp(s->cgroup_mode, "hybrid") != 0 && strcmp(s->cgroup_mode, "v2") != 0)
        return ward_fail(err, "ward.cgroupMode: must be v1, hybrid or v2");
    return 0;
}

static int parse_ward(const jnode *n, jpath *p, spec_state *s, ward_err *err)
{
    const jnode *prot;
    if (jf_parse(n, p, ward_fields, JF_COUNT(ward_fields), s, err) < 0)
        return -1;
    if ((prot = json_get(n, "protections")) != NULL) {
        jwriter w;
        size_t saved = jp_key(p, "protections");
        if (jr_object(prot, p, err) < 0)
            return -1;
        jp_pop(p, saved);
        if (jw_init(&w, false, err) < 0)
            return -1;
        jw_node(&w, prot);
        if (jw_finish(&w, &s->protections_json, NULL, err) < 0)
            return -1;
    }
    return 0;
}

static int parse_state_node(const jnode *root, spec_state *s, ward_err *err)
{
    const jnode *v;
    jpath p;
    int st;
    jp_init(&p, NULL);
    if (root->type != JT_OBJECT)
        return ward_fail(err, "state must be a JSON object");
    if (jf_parse(root, &p, state_fields, JF_COUNT(state_fields), s, err) < 0)
        return -1;
    v = json_get(root, "status");
    if (v == NULL)
        return ward_fail(err, "status: required");
    if (v->type != JT_STRING)
        return ward_fail(err, "status: must be a string");
    if ((st = spec_status_from_name(v->u.s)) < 0)
        return ward_fail(err, "status: unknown status \"%.32s\"", v->u.s);
    s->status = (spec_status)st;
    if ((v = json_get(root, "annotations")) != NULL) {
        size_t saved = jp_key(&p, "annotations");
        if (jr_kv(v, &p, &s->annotations, err) < 0)
            return -1;
        jp_pop(&p, saved);
    }
    if ((v = json_get(root, "ward")) != NULL) {
        size_t saved = jp_key(&p, "ward");
        if (parse_ward(v, &p, s, err) < 0)
            return -1;
        jp_pop(&p, saved);
    }
    return check_values(s, err);
}

int spec_state_parse(const char *json, size_t len, spec_state **out, ward_err *err)
{
    cleanup_json jnode *root = NULL;
    spec_state *s;
    if (json_parse(json, len, &root, err) < 0)
        return -1;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return ward_fail(err, "out of memory");
    if (parse_state_node(root, s, err) < 0) {
        spec_state_free(s);
        return -1;
    }
    *out = s;
    return 0;
}
