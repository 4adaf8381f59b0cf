/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime-spec features document (features.md, features-linux.md) for `ward features`. Every
 * list comes from the tables validation uses (spec/names.c), so what is advertised is accepted.
 */
#include <string.h>

#include "spec/base/cleanup.h"
#include "spec/features.h"
#include "spec/json.h"
#include "spec/names.h"

static void emit_names(jwriter *w, const char *key, const char *const *table)
{
    size_t i;
    jw_key(w, key);
    jw_open_array(w);
    for (i = 0; table[i] != NULL; i++)
        jw_str(w, table[i]);
    jw_close_array(w);
}

static void emit_enabled(jwriter *w, const char *key, bool enabled)
{
    jw_key(w, key);
    jw_open(w);
    jw_kbool(w, "enabled", enabled);
    jw_close(w);
}

static void emit_namespaces(jwriter *w)
{
    int t;
    jw_key(w, "namespaces");
    jw_open_array(w);
    for (t = 0; t < SPEC_NS_COUNT; t++)
        jw_str(w, spec_ns_type_name((spec_ns_type)t));
    jw_close_array(w);
}

static void emit_linux(jwriter *w)
{
    jw_key(w, "linux");
    jw_open(w);
    emit_namespaces(w);
    emit_names(w, "capabilities", spec_capability_names);
    jw_key(w, "cgroup");
    jw_open(w);
    jw_kbool(w, "v1", true);
    jw_kbool(w, "v2", true);
    jw_kbool(w, "systemd", false);
    jw_kbool(w, "systemdUser", false);
    jw_kbool(w, "rdma", false);
    jw_close(w);
    jw_key(w, "seccomp");
    jw_open(w);
    jw_kbool(w, "enabled", true);
    emit_names(w, "actions", spec_seccomp_actions);
    emit_names(w, "operators", spec_seccomp_operators);
    emit_names(w, "archs", spec_seccomp_arches);
    emit_names(w, "knownFlags", spec_seccomp_flags);
    emit_names(w, "supportedFlags", spec_seccomp_supported_flags);
    jw_close(w);
    emit_enabled(w, "apparmor", false);
    emit_enabled(w, "selinux", false);
    emit_enabled(w, "intelRdt", false);
    jw_key(w, "mountExtensions");
    jw_open(w);
    emit_enabled(w, "idmap", true);
    jw_close(w);
    jw_close(w);
}

/*
 * Annotations must be string -> string (features.md), so each member of ward_extra_json becomes one
 * annotation: a string value as it is, any other value as its compact JSON text.
 */
static int emit_annotations(jwriter *w, const jnode *extra, ward_err *err)
{
    size_t i;
    jw_key(w, "annotations");
    jw_open(w);
    jw_kstr(w, "io.github.ward.seccomp.baseline", "enforced");
    jw_kstr(w, "io.github.ward.landlock", "best-effort");
    for (i = 0; extra != NULL && i < extra->len; i++) {
        const jmember *m = &extra->u.members[i];
        if (strcmp(m->key, "io.github.ward.seccomp.baseline") == 0 ||
            strcmp(m->key, "io.github.ward.landlock") == 0)
            continue; /* ward's own statements are not for the caller to override */
        jw_key(w, m->key);
        if (m->val->type == JT_STRING) {
            jw_str(w, m->val->u.s);
        } else {
            cleanup_free char *text = NULL;
            jwriter sub;
            if (jw_init(&sub, false, err) < 0)
                return -1;
            jw_node(&sub, m->val);
            if (jw_finish(&sub, &text, NULL, err) < 0)
                return -1;
            jw_str(w, text);
        }
    }
    jw_close(w);
    return 0;
}

int spec_features_json(const char *ward_extra_json, char **out, ward_err *err)
{
    cleanup_json jnode *extra = NULL;
    jwriter w;
    if (ward_extra_json != NULL) {
        if (json_parse(ward_extra_json, strlen(ward_extra_json), &extra, err) < 0)
            return ward_err_prefix(err, "features extra");
        if (extra->type != JT_OBJECT)
            return ward_fail(err, "features extra: must be a JSON object");
    }
    if (jw_init(&w, true, err) < 0)
        return -1;
    jw_open(&w);
    jw_kstr(&w, "ociVersionMin", SPEC_OCI_VERSION_MIN);
    jw_kstr(&w, "ociVersionMax", SPEC_OCI_VERSION_MAX);
    emit_names(&w, "hooks", spec_hook_names);
    emit_names(&w, "mountOptions", spec_mount_options);
    emit_linux(&w);
    if (emit_annotations(&w, extra, err) < 0) {
        jw_abandon(&w);
        return -1;
    }
    jw_close(&w);
    return jw_finish(&w, out, NULL, err);
}
