/* SPDX-License-Identifier: Apache-2.0 */
/* spec/: parsing config.json, round trips, type errors, malformed JSON and limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec/base/cleanup.h"
#include "spec/base/file.h"
#include "spec/parse.h"
#include "tests/unit/tap.h"

static char *load_fixture(const char *name, size_t *len)
{
    char path[1024];
    char *text = NULL;
    ward_err err = {0};
    snprintf(path, sizeof(path), "%s/%s", SPEC_TEST_DATA, name);
    if (spec_read_file(path, 1 << 24, &text, len, &err) < 0) {
        printf("# cannot read %s: %s\n", path, err.msg);
        exit(1);
    }
    return text;
}

/* Parse text; returns the error message ("" on success). */
static const char *parse_error(const char *json)
{
    static ward_err err;
    spec_config *c = NULL;
    ward_err_clear(&err);
    if (spec_config_parse(json, strlen(json), &c, &err) == 0) {
        spec_config_free(c);
        return "";
    }
    return err.msg;
}

static void test_full_fixture(void)
{
    cleanup_free char *text = NULL;
    spec_config *c = NULL;
    ward_err err = {0};
    size_t len;
    text = load_fixture("full.json", &len);
    if (!tap_ok(spec_config_parse(text, len, &c, &err) == 0, "full.json parses")) {
        printf("# %s\n", err.msg);
        return;
    }
    tap_ok(spec_config_validate(c, &err) == 0, "full.json validates (%s)", err.msg);
    tap_streq(c->oci_version, "1.3.0", "ociVersion");
    tap_ok(c->has_root && c->root.readonly && strcmp(c->root.path, "rootfs") == 0, "root");
    tap_ok(c->n_mounts == 3 && c->mounts[2].n_uid_mappings == 1 &&
               c->mounts[2].uid_mappings[0].host_id == 100000 &&
               c->mounts[2].gid_mappings[0].size == 65536 && c->mounts[1].options.len == 4,
           "mounts with idmaps and options");
    tap_streq(c->process.args.items[2], "echo \"hi\" \\ there\xc3\xa9", "escaped arg decoded");
    tap_ok(c->process.user.has_umask && c->process.user.umask == 18 &&
               c->process.user.n_additional_gids == 3 &&
               c->process.user.additional_gids[2] == 4294967295u,
           "user umask and additionalGids");
    tap_ok(c->process.has_console_size && c->process.console_height == 25 &&
               c->process.console_width == 80,
           "consoleSize");
    tap_ok(c->process.n_rlimits == 2 && c->process.rlimits[1].hard == UINT64_MAX,
           "rlimit hard UINT64_MAX kept exactly");
    tap_ok(c->process.has_oom_score_adj && c->process.oom_score_adj == -500, "oomScoreAdj");
    tap_ok(c->process.io_priority.present && c->process.io_priority.priority == 4 &&
               c->process.scheduler.present && c->process.scheduler.nice == -5 &&
               c->process.scheduler.period == 30000000,
           "ioPriority and scheduler");
    tap_streq(c->process.exec_cpu_affinity_final, "0,1", "execCPUAffinity.final");
    tap_ok(c->hooks.prestart.len == 1 && c->hooks.prestart.items[0].has_timeout &&
               c->hooks.prestart.items[0].timeout == 5 && c->hooks.poststop.len == 1 &&
               c->hooks.create_runtime.len == 1 && c->hooks.create_container.len == 1 &&
               c->hooks.start_container.len == 1 && c->hooks.poststart.len == 1,
           "all six hook kinds");
    tap_streq(spec_annotation(c, "org.example.key"), "value", "annotation lookup");
    tap_ok(c->linux_.n_namespaces == 8 && spec_find_namespace(c, SPEC_NS_TIME) != NULL &&
               strcmp(spec_find_namespace(c, SPEC_NS_NETWORK)->path, "/var/run/netns/full") == 0,
           "namespaces with path");
    tap_ok(c->linux_.n_devices == 3 && c->linux_.devices[2].type == 'p' &&
               !c->linux_.devices[2].has_major && c->linux_.devices[0].file_mode == 438,
           "devices");
    tap_ok(c->linux_.resources.memory.limit == 536870912 &&
               c->linux_.resources.memory.kernel == -1 && c->linux_.resources.cpu.has_idle &&
               c->linux_.resources.pids_limit == 32771 &&
               c->linux_.resources.block_io.throttle_write_iops.items[0].rate == 900 &&
               c->linux_.resources.n_hugepage_limits == 2 &&
               c->linux_.resources.net_class_id == 1048577 && c->linux_.resources.unified.len == 2,
           "resources");
    tap_ok(c->linux_.seccomp.n_syscalls == 4 && c->linux_.seccomp.syscalls[1].n_args == 2 &&
               c->linux_.seccomp.syscalls[1].args[1].value_two == 8 &&
               c->linux_.seccomp.syscalls[3].errno_ret == 38 &&
               c->linux_.seccomp.default_errno_ret == 1,
           "seccomp");
    tap_ok(c->linux_.n_time_offsets == 2 && c->linux_.time_offsets[1].secs == -7200 &&
               strcmp(c->linux_.time_offsets[0].clock, "monotonic") == 0 &&
               c->linux_.time_offsets[0].nanosecs == 500,
           "timeOffsets keyed by clock");
    tap_ok(c->linux_.personality.present && strcmp(c->linux_.personality.domain, "LINUX") == 0,
           "personality");
    spec_config_free(c);
}

/* parse -> to_json -> parse -> to_json gives the same text (the models are equal). */
static int round_trip(const char *text, size_t len, char **first, ward_err *err)
{
    spec_config *a = NULL, *b = NULL;
    cleanup_free char *s1 = NULL;
    cleanup_free char *s2 = NULL;
    size_t l1, l2;
    int ret = -1;
    if (spec_config_parse(text, len, &a, err) < 0 || spec_config_to_json(a, &s1, &l1, err) < 0 ||
        spec_config_parse(s1, l1, &b, err) < 0 || spec_config_to_json(b, &s2, &l2, err) < 0)
        goto out;
    if (l1 != l2 || strcmp(s1, s2) != 0) {
        ward_fail(err, "second serialisation differs");
        goto out;
    }
    ret = 0;
    if (first != NULL)
        *first = steal_ptr(s1);
out:
    spec_config_free(a);
    spec_config_free(b);
    return ret;
}

static void test_round_trips(void)
{
    static const struct {
        const char *file;
        const char *validate_error; /* NULL: validates */
    } fixtures[] = {
        {"full.json", NULL},
        {"runc-spec.json", NULL},
        {"runc-spec-rootless.json", NULL},
        {"crun-spec.json", NULL},
        /* crun fills in the mappings at run time; ward wants them written down. */
        {"crun-spec-rootless.json",
         "linux.uidMappings: must not be empty with a new user namespace"},
        /* `ctr oci spec` is a template: containerd fills in args per container. */
        {"ctr-oci-spec.json", "process.args: must be a non-empty array"},
    };
    size_t i;
    for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        cleanup_free char *text = NULL;
        cleanup_free char *out = NULL;
        spec_config *c = NULL;
        ward_err err = {0};
        size_t len;
        text = load_fixture(fixtures[i].file, &len);
        tap_ok(round_trip(text, len, &out, &err) == 0, "%s round-trips (%s)", fixtures[i].file,
               err.msg);
        if (spec_config_parse(text, len, &c, &err) < 0)
            continue;
        if (spec_config_validate(c, &err) == 0)
            err.msg[0] = '\0';
        tap_streq(err.msg, fixtures[i].validate_error ? fixtures[i].validate_error : "",
                  fixtures[i].file);
        spec_config_free(c);
    }
}

static void test_round_trip_keeps_values(void)
{
    cleanup_free char *text = NULL;
    cleanup_free char *out = NULL;
    ward_err err = {0};
    size_t len;
    text = load_fixture("full.json", &len);
    if (round_trip(text, len, &out, &err) < 0)
        return;
    tap_ok(strstr(out, "18446744073709551615") != NULL, "uint64 max survives serialisation");
    tap_ok(strstr(out, "\"secs\": -7200") != NULL || strstr(out, "\"secs\":-7200") != NULL,
           "negative int64 survives serialisation");
    tap_ok(strstr(out, "x-unknown-field") == NULL && strstr(out, "solaris") == NULL,
           "unknown fields are dropped, not kept");
    tap_ok(strstr(out, "\"valueTwo\": 8") != NULL, "valueTwo written");
}

static void test_defaults(void)
{
    static const bool modes[] = {false, true};
    size_t i;
    for (i = 0; i < 2; i++) {
        cleanup_free char *json = NULL;
        spec_config *c = NULL;
        ward_err err = {0};
        const char *name = modes[i] ? "rootless" : "rootful";
        if (!tap_ok(spec_default_config_json(modes[i], 1234, 5678, &json, &err) == 0,
                    "default %s config generated", name))
            continue;
        if (!tap_ok(spec_config_parse(json, strlen(json), &c, &err) == 0,
                    "default %s config parses (%s)", name, err.msg))
            continue;
        tap_ok(spec_config_validate(c, &err) == 0, "default %s config validates (%s)", name,
               err.msg);
        tap_ok(round_trip(json, strlen(json), NULL, &err) == 0, "default %s config round-trips",
               name);
        tap_streq(c->oci_version, "1.3.0", "default ociVersion");
        tap_ok(c->process.args.len == 1 && strcmp(c->process.args.items[0], "sh") == 0 &&
                   c->process.terminal && c->n_mounts == 7 &&
                   spec_find_namespace(c, SPEC_NS_CGROUP) != NULL &&
                   spec_find_namespace(c, SPEC_NS_NETWORK) != NULL,
               "default %s config: sh, terminal, 7 mounts, cgroup and network ns", name);
        if (modes[i])
            tap_ok(spec_find_namespace(c, SPEC_NS_USER) != NULL && c->linux_.n_uid_mappings == 1 &&
                       c->linux_.uid_mappings[0].host_id == 1234 &&
                       c->linux_.gid_mappings[0].host_id == 5678 &&
                       c->linux_.uid_mappings[0].container_id == 0,
                   "rootless maps container root to the given host uid/gid");
        else
            tap_ok(spec_find_namespace(c, SPEC_NS_USER) == NULL &&
                       c->linux_.resources.n_devices == 1,
                   "rootful: no user namespace, deny-all device rule");
        spec_config_free(c);
    }
}

#define MIN "\"ociVersion\":\"1.0.0\""

static void test_type_errors(void)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{" MIN ",\"process\":{\"args\":\"sh\",\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}}",
         "process.args: must be a non-empty array"},
        {"{" MIN ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"uts\"},"
         "{\"type\":\"foo\"}]}}",
         "linux.namespaces[2].type: unknown namespace \"foo\""},
        {"{" MIN ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
         "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":-1,\"soft\":1}]}}",
         "process.rlimits[0].hard: must be an unsigned integer"},
        {"{" MIN ",\"mounts\":[{\"destination\":\"/a\"},{\"destination\":5}]}",
         "mounts[1].destination: must be a string"},
        {"{" MIN ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":4294967296,\"gid\":0}}}",
         "process.user.uid: 4294967296 is out of range (0 to 4294967295)"},
        {"{" MIN ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":1.5,\"gid\":0}}}",
         "process.user.uid: must be an unsigned integer"},
        {"{" MIN ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":\"0\",\"gid\":0}}}",
         "process.user.uid: must be an unsigned integer"},
        {"{" MIN ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0}}}",
         "process.user.gid: required"},
        {"{" MIN ",\"process\":{\"cwd\":\"/\"}}", "process.user: required"},
        {"{" MIN ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
         "\"oomScoreAdj\":2147483648}}",
         "process.oomScoreAdj: 2147483648 is out of range (-2147483648 to 2147483647)"},
        {"{" MIN ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"terminal\":1}}",
         "process.terminal: must be a boolean"},
        {"{" MIN ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
         "\"env\":[\"A=1\",2]}}",
         "process.env[1]: must be a string"},
        {"{" MIN ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0,"
         "\"additionalGids\":[1,-2]}}}",
         "process.user.additionalGids[1]: must be an unsigned integer"},
        {"{" MIN ",\"linux\":{\"resources\":{\"memory\":{\"limit\":9223372036854775808}}}}",
         "linux.resources.memory.limit: 9223372036854775808 is out of range "
         "(-9223372036854775808 to 9223372036854775807)"},
        {"{" MIN ",\"linux\":{\"resources\":{\"blockIO\":{\"weight\":65536}}}}",
         "linux.resources.blockIO.weight: 65536 is out of range (0 to 65535)"},
        {"{" MIN ",\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"cc\"}]}}",
         "linux.devices[0].type: must be one of \"c\", \"b\", \"u\", \"p\""},
        {"{" MIN ",\"linux\":{\"sysctl\":{\"a\":1}}}", "linux.sysctl.a: must be a string"},
        {"{" MIN ",\"annotations\":[]}", "annotations: must be an object"},
        {"{" MIN ",\"linux\":{\"timeOffsets\":{\"monotonic\":{\"secs\":\"1\"}}}}",
         "linux.timeOffsets.monotonic.secs: must be an integer"},
        {"{" MIN ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
         "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\","
         "\"args\":[{\"index\":0,\"value\":1}]}]}}}",
         "linux.seccomp.syscalls[0].args[0].op: required"},
        {"{" MIN ",\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":\"5\"}]}}",
         "hooks.poststop[0].timeout: must be an integer"},
        {"{" MIN ",\"mounts\":{}}", "mounts: must be an array"},
        {"{" MIN ",\"mounts\":[\"/proc\"]}", "mounts[0]: must be an object"},
        {"{\"ociVersion\":3}", "ociVersion: must be a string"},
        {"{}", "ociVersion: required"},
        {"[]", "config must be a JSON object"},
        {"{\"ociVersion\":\"2.0.0\"}",
         "ociVersion: unsupported version \"2.0.0\" (ward supports 1.0.0 to 1.3.x)"},
        /* null means "not given", unknown fields are ignored */
        {"{" MIN ",\"hostname\":null,\"linux\":{\"unknownThing\":{\"a\":[1,{}]}},\"vm\":1}", ""},
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        tap_streq(parse_error(cases[i].json), cases[i].want,
                  cases[i].want[0] ? cases[i].want : "accepted");
}

static void test_versions(void)
{
    static const struct {
        const char *v;
        bool ok;
    } cases[] = {
        {"1.0.0", true},      {"1.0.1", true},   {"1.0.2-dev", true}, {"1.1.0-rc.1", true},
        {"1.1.0", true},      {"1.2.1", true},   {"1.3.0", true},     {"1.3.7+build.5", true},
        {"1.0.0-rc5", false}, {"0.9.0", false},  {"1.4.0", false},    {"2.0.0", false},
        {"1.3", false},       {"01.0.0", false}, {"1.3.0-", false},   {"1.3.0 ", false},
        {"", false},          {"1.03.0", false},
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char json[128];
        snprintf(json, sizeof(json), "{\"ociVersion\":\"%s\"}", cases[i].v);
        tap_ok((parse_error(json)[0] == '\0') == cases[i].ok, "ociVersion \"%s\" %s", cases[i].v,
               cases[i].ok ? "accepted" : "refused");
    }
}

static void test_malformed(void)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{\n  \"ociVersion\": \"1.0.0\",\n  \"x\": tru\n}",
         "line 3, column 10: invalid JSON: lexical error: invalid string in json text"},
        {"{\"a\": 1,\n  \"b\": x}",
         "line 2, column 8: invalid JSON: lexical error: invalid char in json text"},
        {"{\"a\": 1", "line 1, column 8: invalid JSON: parse error: premature EOF"},
        {"{\"a\" 1}",
         "line 1, column 6: invalid JSON: parse error: object key and value must be separated by "
         "a colon (':')"},
        {"{}\n}", "line 2, column 1: invalid JSON: parse error: trailing garbage"},
        {"", "line 1, column 1: invalid JSON: parse error: premature EOF"},
        {"{\"a\":1,\"a\":2}", "line 1, column 13: duplicate key \"a\""},
        {"{\"a\":\"x\\u0000y\"}", "line 1, column 15: a: contains a NUL character (\\u0000)"},
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        tap_streq(parse_error(cases[i].json), cases[i].want,
                  "malformed JSON reported with its position");
    tap_streq(parse_error("{\"ociVersion\":\"1.0.0\",\"a\":\"\xff\"}"),
              "line 1, column 28: invalid JSON: lexical error: invalid bytes in UTF8 string",
              "invalid UTF-8 refused with position");
}

static char *nested(int depth)
{
    char *s = malloc((size_t)depth * 2 + 64);
    int i, n = 0;
    n += sprintf(s, "{\"ociVersion\":\"1.0.0\",\"x\":");
    for (i = 0; i < depth - 1; i++)
        s[n++] = '[';
    for (i = 0; i < depth - 1; i++)
        s[n++] = ']';
    s[n++] = '}';
    s[n] = '\0';
    return s;
}

static void test_limits(void)
{
    cleanup_free char *ok = nested(64);
    cleanup_free char *deep = nested(65);
    cleanup_free char *huge = NULL;
    size_t big = ((size_t)16 << 20) + 1;
    tap_streq(parse_error(ok), "", "64 levels of nesting accepted");
    tap_streq(parse_error(deep), "line 1, column 90: nested deeper than 64 levels",
              "65 levels of nesting refused");
    huge = malloc(big + 1);
    memset(huge, ' ', big);
    memcpy(huge, "{\"ociVersion\":\"1.0.0\"}", 22);
    huge[big] = '\0';
    tap_streq(parse_error(huge), "document larger than 16777216 bytes", "over 16 MiB refused");
}

static void test_load(void)
{
    char dir[] = "/tmp/ward-spec-test-XXXXXX";
    char path[128];
    spec_config *c = NULL;
    ward_err err = {0};
    FILE *f;
    if (!tap_ok(mkdtemp(dir) != NULL, "temp dir"))
        return;
    snprintf(path, sizeof(path), "%s/config.json", dir);
    f = fopen(path, "w");
    fputs("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],"
          "\"cwd\":\"tmp\",\"user\":{\"uid\":0,\"gid\":0}}}",
          f);
    fclose(f);
    tap_ok(spec_config_load(path, &c, &err) < 0, "load validates");
    tap_streq(err.msg, "config.json: process.cwd: must be an absolute path",
              "load errors are prefixed with config.json");
    f = fopen(path, "w");
    fputs("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],"
          "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}}",
          f);
    fclose(f);
    tap_ok(spec_config_load(path, &c, &err) == 0 && c != NULL, "load of a valid config");
    spec_config_free(c);
    unlink(path);
    tap_ok(spec_config_load(path, &c, &err) < 0 && strncmp(err.msg, "config.json: open ", 18) == 0,
           "missing file: %s", err.msg);
    rmdir(dir);
}

static void test_process_and_resources(void)
{
    static const char proc_ok[] =
        "{\"args\":[\"ls\",\"-l\"],\"cwd\":\"/\",\"user\":{\"uid\":1,\"gid\":2},"
        "\"env\":[\"A=b\"],\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}}";
    static const char res_ok[] = "{\"memory\":{\"limit\":268435456,\"swap\":536870912},"
                                 "\"cpu\":{\"shares\":512}}";
    spec_process *p = NULL;
    spec_resources *r = NULL;
    ward_err err = {0};
    tap_ok(spec_process_parse(proc_ok, strlen(proc_ok), &p, &err) == 0 && p->args.len == 2 &&
               p->user.gid == 2,
           "process.json parses (%s)", err.msg);
    spec_process_free(p);
    p = NULL;
    static const char proc_empty[] = "{\"args\":[],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}";
    static const char res_bad[] = "{\"memory\":{\"limit\":\"1G\"}}";
    static const char res_swappy[] = "{\"memory\":{\"swappiness\":101}}";
    tap_ok(spec_process_parse(proc_empty, strlen(proc_empty), &p, &err) < 0, "empty args refused");
    tap_streq(err.msg, "args: must be a non-empty array", "process errors carry no prefix");
    tap_ok(spec_process_parse("[1]", 3, &p, &err) < 0, "non-object process refused");
    ward_err_clear(&err);
    tap_ok(spec_resources_parse(res_ok, strlen(res_ok), &r, &err) == 0 && r->memory.present &&
               r->memory.limit == 268435456 && r->memory.swap == 536870912 &&
               r->cpu.shares == 512 && !r->has_pids_limit,
           "resources parse (%s)", err.msg);
    spec_resources_free(r);
    tap_ok(spec_resources_parse(res_bad, strlen(res_bad), &r, &err) < 0, "bad limit");
    tap_streq(err.msg, "memory.limit: must be an integer", "resources path without prefix");
    tap_ok(spec_resources_parse(res_swappy, strlen(res_swappy), &r, &err) < 0,
           "resources are validated");
    tap_streq(err.msg, "memory.swappiness: must be between 0 and 100", "resources validation path");
}

int main(void)
{
    test_full_fixture();
    test_round_trips();
    test_round_trip_keeps_values();
    test_defaults();
    test_type_errors();
    test_versions();
    test_malformed();
    test_limits();
    test_load();
    test_process_and_resources();
    return tap_done();
}
