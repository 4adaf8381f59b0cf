/* SPDX-License-Identifier: Apache-2.0 */
/* spec/state.h: state.json written and read back, the OCI state for hooks, hostile files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/base/cleanup.h"
#include "spec/state.h"
#include "tests/unit/tap.h"

static spec_state *sample(void)
{
    spec_state *s = calloc(1, sizeof(*s));
    s->oci_version = strdup("1.3.0");
    s->id = strdup("c1");
    s->status = SPEC_STATUS_RUNNING;
    s->pid = 4242;
    s->bundle = strdup("/run/bundles/c1");
    s->annotations.items = calloc(1, sizeof(spec_kv));
    s->annotations.items[0].key = strdup("org.example/k");
    s->annotations.items[0].value = strdup("v \"quoted\"");
    s->annotations.len = 1;
    s->rootfs = strdup("/run/bundles/c1/rootfs");
    s->created = strdup("2024-05-01T10:00:00.000000000Z");
    s->init_start_time = 18446744073709551615ull;
    s->cgroup_path = strdup("/ward/c1");
    s->cgroup_mode = strdup("hybrid");
    s->systemd_cgroup = false;
    s->started = true;
    s->owner = strdup("0");
    s->protections_json = strdup("{\"seccomp\": {\"baseline\": \"sha256:ab\"}, \"landlock\": 7}");
    s->init_exe_dev = 64769;
    s->init_exe_ino = 1234567;
    s->has_exit_signal = true;
    s->exit_signal = 9;
    s->has_oom_killed = true;
    s->oom_killed = true;
    return s;
}

static void test_status_names(void)
{
    static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
    int i;
    for (i = 0; i < 5; i++)
        tap_ok(strcmp(spec_status_name((spec_status)i), names[i]) == 0 &&
                   spec_status_from_name(names[i]) == i,
               "status %s both ways", names[i]);
    tap_ok(spec_status_from_name("Running") == -1 && spec_status_from_name("") == -1 &&
               spec_status_from_name(NULL) == -1,
           "unknown status names are -1");
}

static void test_round_trip(void)
{
    spec_state *s = sample(), *back = NULL;
    cleanup_free char *json = NULL;
    cleanup_free char *again = NULL;
    ward_err err = {0};
    size_t len, len2;
    if (!tap_ok(spec_state_to_json(s, &json, &len, &err) == 0, "state to JSON (%s)", err.msg))
        return;
    if (!tap_ok(spec_state_parse(json, len, &back, &err) == 0, "state parses back (%s)", err.msg))
        return;
    tap_ok(back->status == SPEC_STATUS_RUNNING && back->pid == 4242 &&
               strcmp(back->id, "c1") == 0 && strcmp(back->bundle, s->bundle) == 0 &&
               strcmp(back->rootfs, s->rootfs) == 0 && strcmp(back->created, s->created) == 0 &&
               strcmp(back->owner, "0") == 0 && back->annotations.len == 1 &&
               strcmp(back->annotations.items[0].value, "v \"quoted\"") == 0,
           "OCI and top-level fields survive");
    tap_ok(back->init_start_time == 18446744073709551615ull &&
               strcmp(back->cgroup_path, "/ward/c1") == 0 &&
               strcmp(back->cgroup_mode, "hybrid") == 0 && back->started && !back->systemd_cgroup,
           "ward fields survive");
    tap_ok(back->init_exe_dev == 64769 && back->init_exe_ino == 1234567 && back->has_exit_signal &&
               back->exit_signal == 9 && !back->has_exit_code && back->has_oom_killed &&
               back->oom_killed,
           "init exe and how the init ended survive");
    tap_streq(back->protections_json, "{\"seccomp\":{\"baseline\":\"sha256:ab\"},\"landlock\":7}",
              "protections kept as compact JSON");
    tap_ok(strstr(json, "\"ward\"") != NULL && strstr(json, "\"initStartTime\"") != NULL,
           "ward's fields sit under \"ward\"");
    tap_ok(spec_state_to_json(back, &again, &len2, &err) == 0 && strcmp(json, again) == 0,
           "state round-trips to the same text");
    spec_state_free(back);
    spec_state_free(s);
}

/* A state.json an older ward wrote (no initExe*, no exit fields) still reads: unknown stays
 * unknown. */
static void test_old_state(void)
{
    static const char old[] = "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"running\","
                              "\"pid\":7,\"bundle\":\"/b\",\"ward\":{\"initStartTime\":5,"
                              "\"started\":true}}";
    spec_state *s = NULL;
    cleanup_free char *json = NULL;
    ward_err err = {0};
    size_t len;
    if (!tap_ok(spec_state_parse(old, strlen(old), &s, &err) == 0, "old state reads (%s)", err.msg))
        return;
    tap_ok(s->init_exe_ino == 0 && !s->has_exit_code && !s->has_exit_signal && !s->has_oom_killed,
           "old state: exe and exit unknown");
    tap_ok(spec_state_to_json(s, &json, &len, &err) == 0 && strstr(json, "initExe") == NULL &&
               strstr(json, "exit") == NULL && strstr(json, "oomKilled") == NULL,
           "unknown fields are not written");
    spec_state_free(s);
}

static void test_oci_state(void)
{
    spec_state *s = sample();
    cleanup_free char *a = NULL;
    cleanup_free char *b = NULL;
    ward_err err = {0};
    size_t len;
    tap_ok(spec_state_to_oci_json(s, &a, &len, &err) == 0, "OCI state");
    tap_streq(a,
              "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"running\",\"pid\":4242,"
              "\"bundle\":\"/run/bundles/c1\",\"annotations\":{\"org.example/k\":\"v "
              "\\\"quoted\\\"\"}}",
              "OCI state has only the runtime-spec fields");
    s->pid = 0;
    s->status = SPEC_STATUS_STOPPED;
    free(s->annotations.items[0].key);
    free(s->annotations.items[0].value);
    free(s->annotations.items);
    s->annotations.items = NULL;
    s->annotations.len = 0;
    tap_ok(spec_state_to_oci_json(s, &b, &len, &err) == 0, "OCI state without pid");
    tap_streq(b,
              "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"stopped\","
              "\"bundle\":\"/run/bundles/c1\"}",
              "pid 0 and empty annotations are omitted");
    free(s->protections_json);
    s->protections_json = strdup("[1,2]");
    tap_ok(spec_state_to_json(s, &a, &len, &err) < 0, "protections_json that is not an object");
    tap_streq(err.msg, "protections: must be a JSON object", "refused by to_json");
    spec_state_free(s);
}

#define OK_HEAD "\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"created\",\"bundle\":\"/b\""

static void test_hostile(void)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{" OK_HEAD "}", ""},
        {"{" OK_HEAD ",\"pid\":7,\"ward\":{\"protections\":{}}}", ""},
        {"", "line 1, column 1: invalid JSON: parse error: premature EOF"},
        {"{" OK_HEAD ",\"pid\":", "line 1, column 72: invalid JSON: parse error: premature EOF"},
        {"\x7f"
         "ELF\x02\x01",
         "line 1, column 1: invalid JSON: lexical error: invalid char in json text"},
        {"[]", "state must be a JSON object"},
        {"{\"id\":\"c1\",\"status\":\"created\",\"bundle\":\"/b\"}", "ociVersion: required"},
        {"{" OK_HEAD ",\"pid\":\"7\"}", "pid: must be an integer"},
        {"{" OK_HEAD ",\"pid\":-1}", "pid: must not be negative"},
        {"{" OK_HEAD ",\"pid\":4294967297}",
         "pid: 4294967297 is out of range (-2147483648 to 2147483647)"},
        {"{" OK_HEAD ",\"pid\":1e3}", "pid: must be an integer"},
        {"{\"ociVersion\":\"1\",\"id\":\"../x\",\"status\":\"created\",\"bundle\":\"/b\"}",
         "id: must be a non-empty name without '/'"},
        {"{\"ociVersion\":\"1\",\"id\":\"\",\"status\":\"created\",\"bundle\":\"/b\"}",
         "id: must be a non-empty name without '/'"},
        {"{\"ociVersion\":\"1\",\"id\":[],\"status\":\"created\",\"bundle\":\"/b\"}",
         "id: must be a string"},
        {"{\"ociVersion\":\"1\",\"id\":\"c\",\"status\":\"zombie\",\"bundle\":\"/b\"}",
         "status: unknown status \"zombie\""},
        {"{\"ociVersion\":\"1\",\"id\":\"c\",\"status\":3,\"bundle\":\"/b\"}",
         "status: must be a string"},
        {"{\"ociVersion\":\"1\",\"id\":\"c\",\"bundle\":\"/b\"}", "status: required"},
        {"{\"ociVersion\":\"1\",\"id\":\"c\",\"status\":\"created\",\"bundle\":\"b\"}",
         "bundle: must be an absolute path without \"..\""},
        {"{" OK_HEAD ",\"rootfs\":\"/b/../../etc\"}",
         "rootfs: must be an absolute path without \"..\""},
        {"{" OK_HEAD ",\"ward\":{\"cgroupPath\":\"/ward/../../system.slice\"}}",
         "ward.cgroupPath: must be an absolute path without \"..\""},
        {"{" OK_HEAD ",\"ward\":{\"cgroupMode\":\"v3\"}}",
         "ward.cgroupMode: must be v1, hybrid or v2"},
        {"{" OK_HEAD ",\"ward\":{\"started\":\"yes\"}}", "ward.started: must be a boolean"},
        {"{" OK_HEAD ",\"ward\":{\"initStartTime\":-5}}",
         "ward.initStartTime: must be an unsigned integer"},
        {"{" OK_HEAD ",\"ward\":{\"protections\":\"all\"}}", "ward.protections: must be an object"},
        {"{" OK_HEAD ",\"ward\":[]}", "ward: must be an object"},
        {"{" OK_HEAD ",\"ward\":{\"exitCode\":256}}", "ward.exitCode: must be 0 to 255"},
        {"{" OK_HEAD ",\"ward\":{\"exitSignal\":0}}",
         "ward.exitSignal: must be a signal number (1 to 64)"},
        {"{" OK_HEAD ",\"ward\":{\"oomKilled\":1}}", "ward.oomKilled: must be a boolean"},
        {"{" OK_HEAD ",\"annotations\":{\"a\":1}}", "annotations.a: must be a string"},
        {"{" OK_HEAD ",\"pid\":1,\"pid\":2}", "line 1, column 81: duplicate key \"pid\""},
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        spec_state *s = NULL;
        ward_err err = {0};
        int r = spec_state_parse(cases[i].json, strlen(cases[i].json), &s, &err);
        if (r == 0)
            err.msg[0] = '\0';
        if (!tap_ok(strcmp(err.msg, cases[i].want) == 0, "hostile state: %s",
                    cases[i].want[0] ? cases[i].want : "valid"))
            printf("#   got: \"%s\"\n", err.msg);
        spec_state_free(s);
    }
}

int main(void)
{
    test_status_names();
    test_round_trip();
    test_old_state();
    test_oci_state();
    test_hostile();
    return tap_done();
}
