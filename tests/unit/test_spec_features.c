/* SPDX-License-Identifier: Apache-2.0 */
/* spec_features_json: the features document's shape, and that what it lists is accepted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/base/cleanup.h"
#include "spec/features.h"
#include "spec/json.h"
#include "spec/parse.h"
#include "tests/unit/tap.h"

/* Follow a dotted path of object keys. */
static const jnode *at(const jnode *n, const char *path)
{
    char buf[256];
    char *save = NULL, *k;
    snprintf(buf, sizeof(buf), "%s", path);
    for (k = strtok_r(buf, ".", &save); k != NULL && n != NULL; k = strtok_r(NULL, ".", &save))
        n = json_get(n, k);
    return n;
}

static const char *str_at(const jnode *n, const char *path)
{
    n = at(n, path);
    return n != NULL && n->type == JT_STRING ? n->u.s : NULL;
}

static int bool_at(const jnode *n, const char *path)
{
    n = at(n, path);
    return n != NULL && n->type == JT_BOOL ? n->u.b : -1;
}

static bool array_has(const jnode *arr, const char *s)
{
    size_t i;
    for (i = 0; arr != NULL && arr->type == JT_ARRAY && i < arr->len; i++)
        if (arr->u.items[i]->type == JT_STRING && strcmp(arr->u.items[i]->u.s, s) == 0)
            return true;
    return false;
}

static size_t array_len(const jnode *arr)
{
    return arr != NULL && arr->type == JT_ARRAY ? arr->len : 0;
}

/* A config with every listed capability, seccomp action/arch/operator/flag must validate. */
static void test_listed_names_accepted(const jnode *doc)
{
    const jnode *caps = at(doc, "linux.capabilities");
    const jnode *sc = at(doc, "linux.seccomp");
    jwriter w;
    cleanup_free char *text = NULL;
    spec_config *c = NULL;
    ward_err err = {0};
    size_t i, len;
    jw_init(&w, false, &err);
    jw_open(&w);
    jw_kstr(&w, "ociVersion", "1.3.0");
    jw_key(&w, "process");
    jw_open(&w);
    jw_key(&w, "args");
    jw_open_array(&w);
    jw_str(&w, "sh");
    jw_close_array(&w);
    jw_kstr(&w, "cwd", "/");
    jw_key(&w, "user");
    jw_open(&w);
    jw_ku64(&w, "uid", 0);
    jw_ku64(&w, "gid", 0);
    jw_close(&w);
    jw_key(&w, "capabilities");
    jw_open(&w);
    jw_key(&w, "bounding");
    jw_node(&w, caps);
    jw_close(&w);
    jw_close(&w);
    jw_key(&w, "root");
    jw_open(&w);
    jw_kstr(&w, "path", "r");
    jw_close(&w);
    jw_key(&w, "linux");
    jw_open(&w);
    jw_key(&w, "seccomp");
    jw_open(&w);
    jw_kstr(&w, "defaultAction", "SCMP_ACT_ERRNO");
    jw_kstr(&w, "listenerPath", "/run/agent.sock");
    jw_key(&w, "architectures");
    jw_node(&w, json_get(sc, "archs"));
    jw_key(&w, "flags");
    jw_node(&w, json_get(sc, "knownFlags"));
    jw_key(&w, "syscalls");
    jw_open_array(&w);
    for (i = 0; i < array_len(json_get(sc, "actions")); i++) {
        jw_open(&w);
        jw_key(&w, "names");
        jw_open_array(&w);
        jw_str(&w, "read");
        jw_close_array(&w);
        jw_kstr(&w, "action", json_get(sc, "actions")->u.items[i]->u.s);
        jw_key(&w, "args");
        jw_open_array(&w);
        jw_open(&w);
        jw_ku64(&w, "index", 0);
        jw_ku64(&w, "value", 1);
        jw_kstr(&w, "op", json_get(sc, "operators")->u.items[i % 7]->u.s);
        jw_close(&w);
        jw_close_array(&w);
        jw_close(&w);
    }
    jw_close_array(&w);
    jw_close(&w);
    jw_close(&w);
    jw_close(&w);
    if (jw_finish(&w, &text, &len, &err) < 0)
        return;
    tap_ok(spec_config_parse(text, len, &c, &err) == 0 && spec_config_validate(c, &err) == 0,
           "a config using every advertised capability, action, arch and flag validates (%s)",
           err.msg);
    spec_config_free(c);
}

static void test_document(void)
{
    cleanup_free char *json = NULL;
    cleanup_json jnode *doc = NULL;
    ward_err err = {0};
    const jnode *caps;
    if (!tap_ok(spec_features_json(NULL, &json, &err) == 0, "features document"))
        return;
    if (!tap_ok(json_parse(json, strlen(json), &doc, &err) == 0, "features document is JSON"))
        return;
    tap_streq(str_at(doc, "ociVersionMin"), "1.0.0", "ociVersionMin");
    tap_streq(str_at(doc, "ociVersionMax"), "1.3.0", "ociVersionMax");
    tap_ok(array_len(json_get(doc, "hooks")) == 6 &&
               array_has(json_get(doc, "hooks"), "prestart") &&
               array_has(json_get(doc, "hooks"), "poststop"),
           "six hooks");
    tap_ok(array_has(json_get(doc, "mountOptions"), "rbind") &&
               array_has(json_get(doc, "mountOptions"), "rro") &&
               array_has(json_get(doc, "mountOptions"), "idmap") &&
               array_has(json_get(doc, "mountOptions"), "ridmap") &&
               array_has(json_get(doc, "mountOptions"), "tmpcopyup") &&
               array_has(json_get(doc, "mountOptions"), "nosymfollow") &&
               array_has(json_get(doc, "mountOptions"), "rnosuid"),
           "mount options include crun's list and the recursive ones");
    caps = at(doc, "linux.capabilities");
    tap_ok(array_len(caps) == 41 && strcmp(caps->u.items[0]->u.s, "CAP_CHOWN") == 0 &&
               strcmp(caps->u.items[40]->u.s, "CAP_CHECKPOINT_RESTORE") == 0,
           "41 capabilities, CAP_CHECKPOINT_RESTORE = 40");
    tap_ok(array_len(at(doc, "linux.namespaces")) == 8 &&
               array_has(at(doc, "linux.namespaces"), "time"),
           "eight namespaces");
    tap_ok(bool_at(doc, "linux.cgroup.v1") == 1 && bool_at(doc, "linux.cgroup.v2") == 1 &&
               bool_at(doc, "linux.cgroup.systemd") == 0 &&
               bool_at(doc, "linux.cgroup.systemdUser") == 0 &&
               bool_at(doc, "linux.cgroup.rdma") == 0,
           "cgroup managers");
    tap_ok(bool_at(doc, "linux.seccomp.enabled") == 1 &&
               array_len(at(doc, "linux.seccomp.actions")) == 9 &&
               array_len(at(doc, "linux.seccomp.operators")) == 7 &&
               array_has(at(doc, "linux.seccomp.archs"), "SCMP_ARCH_X86_64") &&
               array_has(at(doc, "linux.seccomp.knownFlags"),
                         "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") &&
               array_len(at(doc, "linux.seccomp.knownFlags")) == 4 &&
               array_len(at(doc, "linux.seccomp.supportedFlags")) == 3 &&
               !array_has(at(doc, "linux.seccomp.supportedFlags"),
                          "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
           "seccomp lists");
    tap_ok(bool_at(doc, "linux.apparmor.enabled") == 0 &&
               bool_at(doc, "linux.selinux.enabled") == 0 &&
               bool_at(doc, "linux.intelRdt.enabled") == 0 &&
               bool_at(doc, "linux.mountExtensions.idmap.enabled") == 1,
           "apparmor/selinux/intelRdt off, idmap mounts on");
    tap_ok(
        json_get(json_get(doc, "annotations"), "io.github.ward.seccomp.baseline") != NULL &&
            strcmp(json_get(json_get(doc, "annotations"), "io.github.ward.seccomp.baseline")->u.s,
                   "enforced") == 0,
        "seccomp baseline annotation");
    test_listed_names_accepted(doc);
}

static void test_extra(void)
{
    static const char extra[] =
        "{\"io.github.ward.host.landlock.abi\":7,\"io.github.ward.host.cgroup\":"
        "\"hybrid\",\"io.github.ward.host.seccomp\":{\"notify\":true},"
        "\"io.github.ward.seccomp.baseline\":\"off\"}";
    cleanup_free char *json = NULL;
    cleanup_json jnode *doc = NULL;
    const jnode *ann;
    ward_err err = {0};
    char *bad = NULL;
    if (!tap_ok(spec_features_json(extra, &json, &err) == 0, "features with extra (%s)", err.msg))
        return;
    json_parse(json, strlen(json), &doc, &err);
    ann = json_get(doc, "annotations");
    tap_streq(json_get(ann, "io.github.ward.host.landlock.abi")->u.s, "7",
              "number merged as its JSON text");
    tap_streq(json_get(ann, "io.github.ward.host.cgroup")->u.s, "hybrid", "string merged as is");
    tap_streq(json_get(ann, "io.github.ward.host.seccomp")->u.s, "{\"notify\":true}",
              "object merged as compact JSON");
    tap_streq(json_get(ann, "io.github.ward.seccomp.baseline")->u.s, "enforced",
              "extra cannot override ward's own annotation");
    tap_ok(spec_features_json("[1]", &bad, &err) < 0, "extra must be an object");
    tap_streq(err.msg, "features extra: must be a JSON object", "extra type message");
    tap_ok(spec_features_json("{\"a\":", &bad, &err) < 0, "malformed extra refused");
    tap_streq(err.msg, "features extra: line 1, column 6: invalid JSON: parse error: premature EOF",
              "malformed extra message");
}

int main(void)
{
    test_document();
    test_extra();
    return tap_done();
}
