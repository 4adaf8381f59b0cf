/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_config_validate: every rule has a failing case with its exact message. Each case is a JSON
 * merge patch (RFC 7396: objects merge, null deletes, anything else replaces) over a small valid
 * config, so a case shows only what it breaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spec/base/cleanup.h"
#include "spec/json.h"
#include "spec/parse.h"
#include "tests/unit/tap.h"

static const char base_config[] =
    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"hostname\":\"h\","
    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
    "\"env\":[\"PATH=/bin\"]},"
    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}],"
    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"}]}}";

static const jnode *member(const jnode *obj, const char *key)
{
    size_t i;
    for (i = 0; obj != NULL && obj->type == JT_OBJECT && i < obj->len; i++)
        if (strcmp(obj->u.members[i].key, key) == 0)
            return obj->u.members[i].val;
    return NULL;
}

/* Write target merged with patch. */
static void merge(jwriter *w, const jnode *target, const jnode *patch)
{
    size_t i;
    if (patch->type != JT_OBJECT) {
        jw_node(w, patch);
        return;
    }
    jw_open(w);
    for (i = 0; target != NULL && target->type == JT_OBJECT && i < target->len; i++) {
        const jmember *m = &target->u.members[i];
        const jnode *p = member(patch, m->key);
        if (p == NULL) {
            jw_key(w, m->key);
            jw_node(w, m->val);
        } else if (p->type != JT_NULL) {
            jw_key(w, m->key);
            merge(w, m->val, p);
        }
    }
    for (i = 0; i < patch->len; i++) {
        const jmember *m = &patch->u.members[i];
        if (member(target, m->key) == NULL && m->val->type != JT_NULL) {
            jw_key(w, m->key);
            merge(w, NULL, m->val);
        }
    }
    jw_close(w);
}

/* Parse and validate base+patch; the error message, "" when valid. */
static const char *check(const char *patch_json)
{
    static ward_err err;
    cleanup_json jnode *base = NULL;
    cleanup_json jnode *patch = NULL;
    cleanup_free char *text = NULL;
    spec_config *c = NULL;
    size_t len;
    jwriter w;
    ward_err_clear(&err);
    if (json_parse(base_config, strlen(base_config), &base, &err) < 0 ||
        json_parse(patch_json, strlen(patch_json), &patch, &err) < 0 ||
        jw_init(&w, false, &err) < 0)
        return "BAD TEST CASE";
    merge(&w, base, patch);
    if (jw_finish(&w, &text, &len, &err) < 0)
        return "BAD TEST CASE";
    if (spec_config_parse(text, len, &c, &err) < 0)
        return err.msg;
    if (spec_config_validate(c, &err) == 0)
        err.msg[0] = '\0';
    spec_config_free(c);
    return err.msg;
}

#define NS3        "{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"}"
#define USERNS     "\"namespaces\":[" NS3 ",{\"type\":\"user\"}]"
#define MAP1       "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"
#define SECCOMP(x) "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"," x "}}}"
#define SYSCALL(x)                                                                                 \
    SECCOMP("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"," x "}]")
#define RES(x) "{\"linux\":{\"resources\":" x "}}"

static const struct {
    const char *patch, *want;
} cases[] = {
    /* valid variations */
    {"{}", ""},
    {"{\"linux\":{" USERNS ",\"uidMappings\":" MAP1 ",\"gidMappings\":" MAP1 "}}", ""},
    {"{\"linux\":{\"namespaces\":[" NS3 ",{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]}}", ""},
    {"{\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/1/ns/uts\"}]}}", ""},
    {"{\"process\":{\"env\":[\"EMPTY=\",\"A==b\"]}}", ""},
    /* root, process */
    {"{\"root\":null}", "root: required"},
    {"{\"root\":{\"path\":\"\"}}", "root.path: must not be empty"},
    {"{\"process\":null}", "process: required"},
    {"{\"process\":{\"args\":[]}}", "process.args: must be a non-empty array"},
    {"{\"process\":{\"args\":[\"\"]}}", "process.args[0]: must not be empty"},
    {"{\"process\":{\"cwd\":\"tmp\"}}", "process.cwd: must be an absolute path"},
    {"{\"process\":{\"env\":[\"PATH=/bin\",\"NOEQUALS\"]}}",
     "process.env[1]: must be of the form KEY=VALUE"},
    {"{\"process\":{\"env\":[\"=x\"]}}", "process.env[0]: must be of the form KEY=VALUE"},
    {"{\"process\":{\"user\":{\"umask\":512}}}", "process.user.umask: must be at most 0777"},
    {"{\"process\":{\"consoleSize\":{\"height\":24,\"width\":80}}}",
     "process.consoleSize: requires process.terminal"},
    {"{\"process\":{\"oomScoreAdj\":1001}}", "process.oomScoreAdj: must be between -1000 and 1000"},
    {"{\"process\":{\"oomScoreAdj\":-1001}}",
     "process.oomScoreAdj: must be between -1000 and 1000"},
    {"{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\",\"CAP_BPF\","
     "\"CAP_FOO\"]}}}",
     "process.capabilities.bounding[3]: unknown capability \"CAP_FOO\""},
    {"{\"process\":{\"capabilities\":{\"ambient\":[\"cap_kill\"]}}}",
     "process.capabilities.ambient[0]: unknown capability \"cap_kill\""},
    {"{\"process\":{\"capabilities\":{\"permitted\":[\"KILL\"]}}}",
     "process.capabilities.permitted[0]: unknown capability \"KILL\""},
    {"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"hard\":1,\"soft\":1}]}}",
     "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
    {"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":2048}]}}",
     "process.rlimits[0]: soft limit 2048 exceeds hard limit 1024"},
    {"{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1},"
     "{\"type\":\"RLIMIT_NOFILE\",\"hard\":2,\"soft\":2}]}}",
     "process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\""},
    {"{\"process\":{\"ioPriority\":{\"class\":\"IOPRIO_CLASS_X\",\"priority\":0}}}",
     "process.ioPriority.class: unknown class \"IOPRIO_CLASS_X\""},
    {"{\"process\":{\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":8}}}",
     "process.ioPriority.priority: must be between 0 and 7"},
    {"{\"process\":{\"scheduler\":{\"policy\":\"SCHED_FAST\"}}}",
     "process.scheduler.policy: unknown policy \"SCHED_FAST\""},
    {"{\"process\":{\"scheduler\":{\"policy\":\"SCHED_RR\",\"flags\":[\"SCHED_FLAG_X\"]}}}",
     "process.scheduler.flags[0]: unknown flag \"SCHED_FLAG_X\""},
    {"{\"process\":{\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"nice\":20}}}",
     "process.scheduler.nice: must be between -20 and 19"},
    {"{\"process\":{\"scheduler\":{\"policy\":\"SCHED_RR\",\"priority\":100}}}",
     "process.scheduler.priority: must be between 0 and 99"},
    {"{\"process\":{\"execCPUAffinity\":{\"initial\":\"0-\"}}}",
     "process.execCPUAffinity.initial: must be a CPU list such as \"0-3,7\""},
    {"{\"process\":{\"execCPUAffinity\":{\"final\":\"1-2-3\"}}}",
     "process.execCPUAffinity.final: must be a CPU list such as \"0-3,7\""},
    /* mounts */
    {"{\"mounts\":[{\"destination\":\"proc\"}]}",
     "mounts[0].destination: must be an absolute path"},
    {"{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},{\"destination\":\"/c\"},"
     "{\"destination\":\"/c/../../etc\"}]}",
     "mounts[3].destination: must not contain \"..\""},
    {"{\"mounts\":[{\"destination\":\"/x/..\"}]}",
     "mounts[0].destination: must not contain \"..\""},
    {"{\"mounts\":[{\"destination\":\"/x\",\"uidMappings\":" MAP1 "}]}",
     "mounts[0]: uidMappings and gidMappings must be given together"},
    {"{\"mounts\":[{\"destination\":\"/x\",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,"
     "\"size\":0}],\"gidMappings\":" MAP1 "}]}",
     "mounts[0].uidMappings[0].size: must be greater than 0"},
    /* hooks, annotations */
    {"{\"hooks\":{\"prestart\":[{\"path\":\"hook\"}]}}",
     "hooks.prestart[0].path: must be an absolute path"},
    {"{\"hooks\":{\"poststop\":[{\"path\":\"/h\"},{\"path\":\"/h\",\"timeout\":0}]}}",
     "hooks.poststop[1].timeout: must be greater than 0"},
    {"{\"hooks\":{\"createRuntime\":[{\"path\":\"/h\",\"env\":[\"X\"]}]}}",
     "hooks.createRuntime[0].env[0]: must be of the form KEY=VALUE"},
    {"{\"annotations\":{\"\":\"x\"}}", "annotations: keys must not be empty"},
    /* namespaces and id mappings */
    {"{\"linux\":{\"namespaces\":[" NS3 ",{\"type\":\"pid\"}]}}",
     "linux.namespaces[3].type: duplicate namespace \"pid\""},
    {"{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"uts\"},{\"type\":\"foo\"}]}}",
     "linux.namespaces[2].type: unknown namespace \"foo\""},
    {"{\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"ns/uts\"}]}}",
     "linux.namespaces[0].path: must be an absolute path"},
    {"{\"linux\":{\"uidMappings\":" MAP1 ",\"gidMappings\":" MAP1 "}}",
     "linux.uidMappings: requires a user namespace"},
    {"{\"linux\":{\"gidMappings\":" MAP1 "}}", "linux.gidMappings: requires a user namespace"},
    {"{\"linux\":{" USERNS "}}", "linux.uidMappings: must not be empty with a new user namespace"},
    {"{\"linux\":{" USERNS ",\"uidMappings\":" MAP1 "}}",
     "linux.gidMappings: must not be empty with a new user namespace"},
    {"{\"linux\":{" USERNS ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":0}],"
     "\"gidMappings\":" MAP1 "}}",
     "linux.uidMappings[0].size: must be greater than 0"},
    {"{\"linux\":{" USERNS ",\"uidMappings\":" MAP1 ",\"gidMappings\":[{\"containerID\":"
     "4294967295,\"hostID\":1,\"size\":2}]}}",
     "linux.gidMappings[0]: range overflows 32-bit ids"},
    {"{\"linux\":{\"timeOffsets\":{\"monotonic\":{\"secs\":1}}}}",
     "linux.timeOffsets: requires a new time namespace"},
    {"{\"linux\":{\"namespaces\":[" NS3 ",{\"type\":\"time\"}],\"timeOffsets\":"
     "{\"realtime\":{\"secs\":1}}}}",
     "linux.timeOffsets: unknown clock \"realtime\""},
    {"{\"linux\":{\"namespaces\":[" NS3 ",{\"type\":\"time\"}],\"timeOffsets\":"
     "{\"boottime\":{\"nanosecs\":1000000000}}}}",
     "linux.timeOffsets.boottime.nanosecs: must be less than 1000000000"},
    {"{\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]}}",
     "hostname: requires a new UTS namespace"},
    {"{\"hostname\":null,\"domainname\":\"d\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}",
     "domainname: requires a new UTS namespace"},
    /* devices */
    {"{\"linux\":{\"devices\":[{\"path\":\"/etc/x\",\"type\":\"c\",\"major\":1,\"minor\":3}]}}",
     "linux.devices[0].path: must be an absolute path under /dev"},
    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/../etc/passwd\",\"type\":\"c\",\"major\":1,"
     "\"minor\":3}]}}",
     "linux.devices[0].path: must be an absolute path under /dev"},
    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"x\",\"major\":1,\"minor\":3}]}}",
     "linux.devices[0].type: must be one of \"c\", \"b\", \"u\", \"p\""},
    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1}]}}",
     "linux.devices[0]: major and minor are required for type c"},
    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"b\",\"major\":-1,\"minor\":0}]}}",
     "linux.devices[0]: major and minor must be 0 to 4294967295"},
    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"p\"},{\"path\":\"/dev/x\","
     "\"type\":\"u\",\"major\":1,\"minor\":1}]}}",
     "linux.devices[1].path: duplicate device \"/dev/x\""},
    {"{\"linux\":{\"devices\":[{\"path\":\"/dev/a\",\"type\":\"p\"},{\"path\":\"/dev/b\","
     "\"type\":\"p\"},{\"path\":\"/dev/c\",\"type\":\"p\"},{\"path\":\"/dev/b\",\"type\":\"p\"},"
     "{\"path\":\"/dev/a\",\"type\":\"p\"}]}}",
     "linux.devices[3].path: duplicate device \"/dev/b\""},
    /* other linux fields */
    {"{\"linux\":{\"rootfsPropagation\":\"weird\"}}",
     "linux.rootfsPropagation: unknown propagation \"weird\""},
    {"{\"linux\":{\"sysctl\":{\"\":\"1\"}}}", "linux.sysctl: keys must not be empty"},
    {"{\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"proc/keys\"]}}",
     "linux.maskedPaths[1]: must be an absolute path"},
    {"{\"linux\":{\"readonlyPaths\":[\"/proc/../sys\"]}}",
     "linux.readonlyPaths[0]: must not contain \"..\""},
    {"{\"linux\":{\"personality\":{\"domain\":\"LINUX64\"}}}",
     "linux.personality.domain: unknown domain \"LINUX64\""},
    {"{\"linux\":{\"personality\":{\"domain\":\"LINUX32\",\"flags\":[\"X\"]}}}",
     "linux.personality.flags[0]: unknown flag \"X\" (none are defined)"},
    {"{\"linux\":{\"intelRdt\":{\"closID\":\"x\"}}}", "linux.intelRdt: not supported by ward"},
    {"{\"linux\":{\"netDevices\":{\"eth0\":{}}}}", "linux.netDevices: not supported by ward"},
    {"{\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\"}}}",
     "linux.memoryPolicy: not supported by ward"},
    /* seccomp */
    {SECCOMP("\"architectures\":[\"SCMP_ARCH_X86_64\"]"), ""},
    {"{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_BOOM\"}}}",
     "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BOOM\""},
    {"{\"linux\":{\"seccomp\":{}}}", "linux.seccomp.defaultAction: required"},
    {"{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/s\"}}}",
     "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default"},
    {SECCOMP("\"defaultErrnoRet\":1"),
     "linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE"},
    {SECCOMP("\"architectures\":[\"SCMP_ARCH_VAX\"]"),
     "linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_VAX\""},
    {SECCOMP("\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_X\"]"),
     "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_X\""},
    {SECCOMP("\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ALLOW\"}]"),
     "linux.seccomp.syscalls[0].names: must not be empty"},
    {SECCOMP("\"syscalls\":[{\"names\":[\"read\",\"\"],\"action\":\"SCMP_ACT_ALLOW\"}]"),
     "linux.seccomp.syscalls[0].names[1]: must not be empty"},
    {SECCOMP("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"ALLOW\"}]"),
     "linux.seccomp.syscalls[0].action: unknown action \"ALLOW\""},
    {SYSCALL("\"errnoRet\":1"),
     "linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE"},
    {SYSCALL("\"args\":[{\"index\":6,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]"),
     "linux.seccomp.syscalls[0].args[0].index: must be 0 to 5"},
    {SYSCALL("\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,"
             "\"value\":0,\"op\":\"EQ\"}]"),
     "linux.seccomp.syscalls[0].args[1].op: unknown operator \"EQ\""},
    {SECCOMP("\"listenerMetadata\":\"m\""),
     "linux.seccomp.listenerMetadata: requires listenerPath"},
    {SECCOMP("\"listenerPath\":\"agent.sock\""),
     "linux.seccomp.listenerPath: must be an absolute path"},
    {SECCOMP("\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]"),
     "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used"},
    /* resources */
    {RES("{\"devices\":[{\"allow\":true,\"type\":\"u\"}]}"),
     "linux.resources.devices[0].type: must be one of \"a\", \"c\", \"b\""},
    {RES("{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}"),
     "linux.resources.devices[0].access: must be a combination of r, w and m"},
    {RES("{\"devices\":[{\"access\":\"r\"}]}"), "linux.resources.devices[0].allow: required"},
    {RES("{\"memory\":{\"limit\":-2}}"),
     "linux.resources.memory.limit: must be -1 (unlimited) or a byte count"},
    {RES("{\"memory\":{\"swappiness\":101}}"),
     "linux.resources.memory.swappiness: must be between 0 and 100"},
    {RES("{\"memory\":{\"limit\":2000,\"swap\":0}}"), ""},
    {RES("{\"memory\":{\"limit\":2000,\"swap\":-1}}"), ""},
    {RES("{\"memory\":{\"limit\":2000,\"swap\":1000}}"),
     "linux.resources.memory.swap: must not be less than memory.limit"},
    {RES("{\"cpu\":{\"cpus\":\"0-1,a\"}}"),
     "linux.resources.cpu.cpus: must be a CPU list such as \"0-3,7\""},
    {RES("{\"cpu\":{\"mems\":\",\"}}"),
     "linux.resources.cpu.mems: must be a node list such as \"0-1\""},
    {RES("{\"cpu\":{\"quota\":-2}}"),
     "linux.resources.cpu.quota: must be -1 (unlimited) or positive"},
    {RES("{\"blockIO\":{\"weight\":5}}"),
     "linux.resources.blockIO.weight: must be between 10 and 1000"},
    {RES("{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":2000}]}}"),
     "linux.resources.blockIO.weightDevice[0].weight: must be between 10 and 1000"},
    {RES("{\"hugepageLimits\":[{\"pageSize\":\"2M\",\"limit\":1}]}"),
     "linux.resources.hugepageLimits[0].pageSize: must be of the form <n>KB, <n>MB or <n>GB"},
    {RES("{\"hugepageLimits\":[{\"pageSize\":\"1GB\",\"limit\":1},{\"pageSize\":\"0MB\","
         "\"limit\":1}]}"),
     "linux.resources.hugepageLimits[1].pageSize: must be of the form <n>KB, <n>MB or <n>GB"},
    {RES("{\"network\":{\"priorities\":[{\"name\":\"\",\"priority\":1}]}}"),
     "linux.resources.network.priorities[0].name: must not be empty"},
    {RES("{\"unified\":{\"memory.max\":\"1\",\"../cgroup.procs\":\"1\"}}"),
     "linux.resources.unified: key \"../cgroup.procs\" must be a plain file name"},
    {RES("{\"rdma\":{\"mlx4_0\":{\"hcaHandles\":1}}}"),
     "linux.resources.rdma: not supported by ward"},
};

/* Rules that parse already enforces cannot be reached through JSON; break the model instead. */
static void test_model_only(void)
{
    spec_config *c = NULL;
    ward_err err = {0};
    if (spec_config_parse(base_config, strlen(base_config), &c, &err) < 0)
        return;
    free(c->oci_version);
    c->oci_version = strdup("1.4.0");
    tap_ok(spec_config_validate(c, &err) < 0, "model with ociVersion 1.4.0 refused");
    tap_streq(err.msg, "ociVersion: unsupported version \"1.4.0\" (ward supports 1.0.0 to 1.3.x)",
              "ociVersion checked by validate too");
    spec_config_free(c);
}

/* 100000 devices: the duplicate check must not be quadratic (that would take minutes). */
static void test_many_devices(void)
{
    const size_t n = 100000;
    size_t i, used = 0, cap = n * 48 + 512;
    char *text = malloc(cap);
    spec_config *c = NULL;
    ward_err err = {0};
    struct timespec t0, t1;
    used += (size_t)snprintf(text, cap,
                             "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"process\":"
                             "{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                             "\"linux\":{\"devices\":[");
    for (i = 0; i < n; i++)
        used +=
            (size_t)snprintf(text + used, cap - used, "%s{\"path\":\"/dev/d%zu\",\"type\":\"p\"}",
                             i ? "," : "", (n - i) * 7919 % 1000003);
    snprintf(text + used, cap - used, "]}}");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tap_ok(spec_config_parse(text, strlen(text), &c, &err) == 0 &&
               spec_config_validate(c, &err) == 0,
           "100000 distinct devices validate (%s)", err.msg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("# parse + validate of 100000 devices: %.2f s\n",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    spec_config_free(c);
    free(text);
}

int main(void)
{
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = check(cases[i].patch);
        if (!tap_ok(strcmp(got, cases[i].want) == 0, "%s",
                    cases[i].want[0] ? cases[i].want : "valid"))
            printf("#   patch: %s\n#   got:  \"%s\"\n#   want: \"%s\"\n", cases[i].patch, got,
                   cases[i].want);
    }
    test_model_only();
    test_many_devices();
    return tap_done();
}
