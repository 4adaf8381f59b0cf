/* SPDX-License-Identifier: Apache-2.0 */
/* Writing state.json (ward's full record) and the runtime-spec state that hooks read. */
#include <stdlib.h>
#include <string.h>

#include "spec/base/cleanup.h"
#include "spec/json.h"
#include "spec/state.h"

static const char *const status_names[] = {
    [SPEC_STATUS_CREATING] = "creating", [SPEC_STATUS_CREATED] = "created",
    [SPEC_STATUS_RUNNING] = "running",   [SPEC_STATUS_PAUSED] = "paused",
    [SPEC_STATUS_STOPPED] = "stopped",
};

const char *spec_status_name(spec_status s)
{
    if ((unsigned)s >= sizeof(status_names) / sizeof(status_names[0]))
        return "unknown";
    return status_names[s];
}

int spec_status_from_name(const char *name)
{
    size_t i;
    for (i = 0; name != NULL && i < sizeof(status_names) / sizeof(status_names[0]); i++)
        if (strcmp(status_names[i], name) == 0)
            return (int)i;
    return -1;
}

static void emit_oci_fields(jwriter *w, const spec_state *s)
{
    jw_kstr(w, "ociVersion", s->oci_version ? s->oci_version : "1.3.0");
    jw_kstr(w, "id", s->id ? s->id : "");
    jw_kstr(w, "status", spec_status_name(s->status));
    if (s->pid > 0)
        jw_ki64(w, "pid", s->pid);
    jw_kstr(w, "bundle", s->bundle ? s->bundle : "");
}

static void emit_annotations(jwriter *w, const spec_state *s)
{
    if (s->annotations.len == 0)
        return;
    jw_key(w, "annotations");
    jw_kv(w, &s->annotations);
}

/* How the init ended: each field only once known. */
static const jfield exit_fields[] = {
    JF(spec_state, "initExeDev", JK_U64, init_exe_dev, JF_OMITZERO),
    JF(spec_state, "initExeIno", JK_U64, init_exe_ino, JF_OMITZERO),
    JFH(spec_state, "exitCode", JK_I32, exit_code, has_exit_code, 0),
    JFH(spec_state, "exitSignal", JK_I32, exit_signal, has_exit_signal, 0),
    JFH(spec_state, "oomKilled", JK_BOOL, oom_killed, has_oom_killed, 0),
};

/* protections_json is ward's own JSON, but it is still parsed so a bad one cannot corrupt the file.
 */
static int emit_ward_fields(jwriter *w, const spec_state *s, ward_err *err)
{
    jw_key(w, "ward");
    jw_open(w);
    jw_ku64(w, "initStartTime", s->init_start_time);
    jw_kstr(w, "cgroupPath", s->cgroup_path);
    jw_kstr(w, "cgroupMode", s->cgroup_mode);
    jw_kbool(w, "systemdCgroup", s->systemd_cgroup);
    jw_kbool(w, "started", s->started);
    if (s->protections_json != NULL) {
        jw_key(w, "protections");
        if (jw_json_object(w, s->protections_json, err) < 0)
            return ward_err_prefix(err, "protections");
    }
    jf_emit(w, exit_fields, JF_COUNT(exit_fields), s);
    jw_kstrv(w, "ignored", &s->ignored);
    jw_close(w);
    return 0;
}

int spec_state_to_json(const spec_state *s, char **out, size_t *len, ward_err *err)
{
    cleanup_jwriter jwriter w = {0};
    if (jw_init(&w, true, err) < 0)
        return -1;
    jw_open(&w);
    emit_oci_fields(&w, s);
    jw_kstr(&w, "rootfs", s->rootfs);
    jw_kstr(&w, "created", s->created);
    jw_kstr(&w, "owner", s->owner);
    emit_annotations(&w, s);
    if (emit_ward_fields(&w, s, err) < 0)
        return -1;
    jw_close(&w);
    return jw_finish(&w, out, len, err);
}

int spec_state_to_oci_json(const spec_state *s, char **out, size_t *len, ward_err *err)
{
    jwriter w;
    if (jw_init(&w, false, err) < 0)
        return -1;
    jw_open(&w);
    emit_oci_fields(&w, s);
    emit_annotations(&w, s);
    jw_close(&w);
    return jw_finish(&w, out, len, err);
}

void spec_state_free(spec_state *s)
{
    if (s == NULL)
        return;
    free(s->oci_version);
    free(s->id);
    free(s->bundle);
    spec_kv_free(&s->annotations);
    free(s->rootfs);
    free(s->created);
    free(s->cgroup_path);
    free(s->cgroup_mode);
    free(s->owner);
    free(s->protections_json);
    spec_strv_free(&s->ignored);
    free(s);
}
