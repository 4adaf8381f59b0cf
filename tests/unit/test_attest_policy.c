/* SPDX-License-Identifier: Apache-2.0 */
/*
 * containers-policy.json: reference normalisation, strict parsing (malformed and tricky policies,
 * each error naming its JSON path), most-specific scope selection and signedIdentity rules, all
 * against what containers/image 5.23 does (its policy_config.go, policy_reference_match.go and
 * docker/policyconfiguration/naming.go).
 */
#include "attest/policy.h"
#include "tests/unit/tap.h"

#include <stdlib.h>
#include <string.h>

static void test_refs(void)
{
    static const struct {
        const char *in, *want; /* want NULL: an error whose message holds err */
        const char *err;
    } cases[] = {
        {"busybox", "docker.io/library/busybox", NULL},
        {"busybox:1.36", "docker.io/library/busybox:1.36", NULL},
        {"index.docker.io/busybox", "docker.io/library/busybox", NULL},
        {"docker.io/foo/bar:v1", "docker.io/foo/bar:v1", NULL},
        {"foo/bar", "docker.io/foo/bar", NULL},
        {"localhost/foo", "localhost/foo", NULL},
        {"localhost:5000/foo:tag", "localhost:5000/foo:tag", NULL},
        {"127.0.0.1:5000/test/busybox:latest", "127.0.0.1:5000/test/busybox:latest", NULL},
        {"quay.io/a/b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "quay.io/a/b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         NULL},
        {"Example.com/foo", "Example.com/foo", NULL},
        {"a__b/c-d.e_f---g", "docker.io/a__b/c-d.e_f---g", NULL},
        {"Busybox", NULL, "lowercase"},
        {"example.com/Foo", NULL, "lowercase"},
        {"foo//bar", NULL, "path component"},
        {"foo/bar:", NULL, "bad tag"},
        {"foo:-x", NULL, "bad tag"},
        {"foo/-bar", NULL, "path component"},
        {"foo/bar___x", NULL, "path component"},
        {"-host.com/foo", NULL, "bad host"},
        {"foo@sha256:abc", NULL, "digest"},
        {"foo@md5:0123456789abcdef0123456789abcdef", NULL, "digest"},
        {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
         "64-byte hexadecimal"},
        {"", NULL, "path component"},
        {"example.com:/foo", NULL, "bad host"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        img_ref r;
        ward_err e = {0};
        char buf[IMG_REF_MAX];
        int rc = img_ref_parse(cases[i].in, &r, &e);
        if (cases[i].want) {
            if (!tap_ok(rc == 0, "ref \"%s\" parses", cases[i].in))
                printf("#   %s\n", e.msg);
            else
                tap_streq(img_ref_string(&r, buf), cases[i].want, cases[i].in);
        } else if (!tap_ok(rc < 0 && strstr(e.msg, cases[i].err), "ref \"%s\" refused (%s)",
                           cases[i].in, cases[i].err))
            printf("#   rc %d, msg: %s\n", rc, e.msg);
    }
    {
        img_ref r;
        ward_err e;
        char buf[IMG_REF_MAX];
        tap_ok(img_ref_parse_image("busybox", &r, &e) == 0 &&
                   strcmp(img_ref_string(&r, buf), "docker.io/library/busybox:latest") == 0,
               "an image identity without a tag gets :latest");
        tap_ok(img_ref_parse_image("busybox:1@sha256:0123456789abcdef0123456789abcdef0123456789ab"
                                   "cdef0123456789abcdef",
                                   &r, &e) < 0,
               "an image identity with a tag and a digest is refused");
    }
}

#define ANY "{\"type\":\"insecureAcceptAnything\"}"
#define GPG "{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\",\"keyPath\":\"/k.gpg\"}"

static void test_malformed(void)
{
    static const struct {
        const char *json, *err; /* err NULL: must parse */
    } cases[] = {
        {"{\"default\":[" ANY "]}", NULL},
        {"{\"default\":[" ANY "],\"transports\":{}}", NULL},
        {"{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker-daemon\":{\"\":[" ANY
         "]}}}",
         NULL},
        {"{}", "default: missing"},
        {"[]", "must be an object"},
        {"{\"default\":[]}", "default: the list of requirements must not be empty"},
        {"{\"default\":{}}", "default: must be an array"},
        {"{\"default\":[" ANY "],\"extra\":1}", "extra: unknown field"},
        {"{\"default\":[" ANY "],\"default\":[" ANY "]}", "duplicate key \"default\""},
        {"{\"default\":[{\"type\":\"insecureAcceptAnything\",\"keyPath\":\"/x\"}]}",
         "default[0].keyPath: unknown field"},
        {"{\"default\":[{\"type\":\"acceptAll\"}]}",
         "default[0].type: unknown requirement type \"acceptAll\""},
        {"{\"default\":[{}]}", "default[0].type: missing"},
        {"{\"default\":[{\"type\":null}]}", "default[0].type: must be a string"},
        {"{\"default\":[{\"type\":\"signedBaseLayer\"}]}",
         "default[0]: baseLayerIdentity: missing"},
        {"{\"default\":[{\"type\":\"signedBaseLayer\",\"baseLayerIdentity\":{\"type\":"
         "\"exactRepository\",\"dockerRepository\":\"registry.access.redhat.com/rhel7/rhel\"}}]}",
         NULL},
        {"{\"default\":[" ANY "],\"transports\":{\"docker\":{\"docker.io\":[]}}}",
         "transports.docker.docker.io: the list of requirements must not be empty"},
        {"{\"default\":[" ANY "],\"transports\":{\"docker\":{\"x\":[{\"type\":\"signedBy\","
         "\"keyType\":\"GPGKeys\"}]}}}",
         "transports.docker.x[0]: exactly one of keyPath, keyPaths, keyData must be given (0 "
         "are)"},
        {"{\"default\":[{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\",\"keyPath\":\"/a\","
         "\"keyData\":\"AAAA\"}]}",
         "default[0]: exactly one of keyPath, keyPaths, keyData must be given (2 are)"},
        {"{\"default\":[{\"type\":\"signedBy\",\"keyPath\":\"/a\"}]}",
         "default[0].keyType: missing"},
        {"{\"default\":[{\"type\":\"signedBy\",\"keyType\":\"X509Certificates\",\"keyPath\":\"/a\"}"
         "]}",
         NULL},
        {"{\"default\":[{\"type\":\"signedBy\",\"keyType\":\"PGP\",\"keyPath\":\"/a\"}]}",
         "default[0].keyType: unknown keyType \"PGP\""},
        {"{\"default\":[{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\",\"keyPaths\":[]}]}",
         "default[0].keyPaths: must be a non-empty array"},
        {"{\"default\":[{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\",\"keyPaths\":[\"/a\",1]}]}",
         "default[0].keyPaths[1]: must be a non-empty string"},
        {"{\"default\":[{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\",\"keyData\":\"!!\"}]}",
         "default[0].keyData: "},
        {"{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPaths\":[\"/a\"]}]}",
         "default[0].keyPaths: unknown field"},
        {"{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/a\",\"fulcio\":{}}]}",
         "default[0].fulcio: unknown field"},
        {"{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/a\",\"signedIdentity\":{"
         "\"type\":\"matchAnything\"}}]}",
         "default[0].signedIdentity.type: unknown signedIdentity type \"matchAnything\""},
        {"{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/a\",\"signedIdentity\":{"
         "\"type\":\"matchRepository\",\"dockerRepository\":\"x\"}}]}",
         "default[0].signedIdentity.dockerRepository: unknown field"},
        {"{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/a\",\"signedIdentity\":{"
         "\"type\":\"exactReference\",\"dockerReference\":\"busybox\"}}]}",
         "default[0].signedIdentity.dockerReference: docker.io/library/busybox contains neither"},
        {"{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/a\",\"signedIdentity\":{"
         "\"type\":\"exactReference\",\"dockerReference\":\"BusyBox:1\"}}]}",
         "default[0].signedIdentity.dockerReference: invalid reference"},
        {"{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/a\",\"signedIdentity\":{"
         "\"type\":\"exactRepository\"}}]}",
         "default[0].signedIdentity.dockerRepository: missing"},
        {"{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/a\",\"signedIdentity\":{"
         "\"type\":\"remapIdentity\",\"prefix\":\"busybox\",\"signedPrefix\":\"quay.io\"}}]}",
         "default[0].signedIdentity.prefix: prefix \"busybox\" is not valid"},
        {"{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/a\",\"signedIdentity\":{"
         "\"type\":\"remapIdentity\",\"prefix\":\"example.com/ns\",\"signedPrefix\":\"quay.io/"
         "a:tag\"}}]}",
         "default[0].signedIdentity.signedPrefix: prefix \"quay.io/a:tag\" is not valid"},
        {"{\"default\":[" ANY "],\"transports\":{\"dir\":{\"relative/path\":[" ANY "]}}}",
         "transports.dir.relative/path: scope must be an absolute path"},
        {"{\"default\":[" ANY "],\"transports\":{\"dir\":{\"/\":[" ANY "]}}}",
         "transports.dir./: scope \"/\" is not allowed"},
        {"{\"default\":[" ANY "],\"transports\":{\"oci\":{\"/a/../b\":[" ANY "]}}}",
         "transports.oci./a/../b: scope is not a clean path"},
        {"{\"default\":[" ANY "],\"transports\":{\"oci\":{\"/a/b/\":[" ANY "]}}}",
         "scope is not a clean path"},
        {"{\"default\":[" ANY "],\"transports\":{\"oci\":{\"/a/b:tag\":[" ANY "]}}}", NULL},
        {"{\"default\":[" ANY "],\"transports\":{\"docker\":[]}}",
         "transports.docker: must be an object"},
        {"{\"default\":[" GPG "," GPG "]}", NULL},
        {"{\"default\":[" ANY "]} trailing", "line"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        img_policy p;
        ward_err e = {0};
        int rc = policy_parse(cases[i].json, strlen(cases[i].json), &p, &e);
        if (cases[i].err == NULL) {
            if (!tap_ok(rc == 0, "policy %zu parses", i))
                printf("#   %s\n", e.msg);
            else
                policy_free(&p);
        } else if (!tap_ok(rc < 0 && strstr(e.msg, cases[i].err) != NULL, "policy %zu refused: %s",
                           i, cases[i].err))
            printf("#   rc %d, msg: %s\n", rc, e.msg);
    }
}

/* Scope precedence: each image, which scope decides. */
static void test_scopes(void)
{
    static const char policy[] =
        "{\"default\":[{\"type\":\"reject\"}],\"transports\":{"
        "\"docker\":{"
        "\"\":[" ANY "],"
        "\"docker.io/library/busybox:latest\":[" ANY "],"
        "\"docker.io/library/busybox\":[{\"type\":\"reject\"}],"
        "\"docker.io/library\":[" GPG "],"
        "\"docker.io\":[" ANY "],"
        "\"quay.io/ns/sub\":[" ANY "],"
        "\"quay.io/ns\":[" ANY "],"
        "\"*.example.com\":[" ANY "],"
        "\"*.com\":[" ANY "],"
        "\"reg.example.com:5000/team\":[" ANY "]"
        "},"
        "\"oci\":{\"/srv/images\":[" ANY "],\"/srv/images/app\":[" GPG "]},"
        "\"dir\":{\"/srv/dirs\":[" ANY "]}}}";
    static const struct {
        const char *transport, *ref, *path, *scope; /* scope NULL: the global default */
    } cases[] = {
        {"docker", "busybox", NULL, "docker.io/library/busybox:latest"},
        {"docker", "busybox:1.36", NULL, "docker.io/library/busybox"},
        {"docker",
         "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
         "docker.io/library/busybox"},
        {"docker", "alpine", NULL, "docker.io/library"},
        {"docker", "someone/tool", NULL, "docker.io"},
        {"docker", "quay.io/ns/sub/deeper/x:1", NULL, "quay.io/ns/sub"},
        {"docker", "quay.io/ns/other:1", NULL, "quay.io/ns"},
        {"docker", "quay.io/nsx/other:1", NULL, "*.io"}, /* no such scope: falls to "" */
        {"docker", "reg.example.com/a:1", NULL, "*.example.com"},
        {"docker", "reg.example.com:5000/team/a:1", NULL, "reg.example.com:5000/team"},
        {"docker", "reg.example.com:5000/other/a:1", NULL, "*.example.com"},
        {"docker", "a.b.example.com/x", NULL, "*.example.com"},
        {"docker", "example.com/x", NULL, "*.com"},
        {"docker", "localhost:5000/x", NULL, ""},
        {"oci", NULL, "/srv/images/app", "/srv/images/app"},
        {"oci", NULL, "/srv/images/app2", "/srv/images"},
        {"oci", NULL, "/srv/images/app/nested", "/srv/images/app"},
        {"oci", NULL, "/srv/other", NULL},
        {"dir", NULL, "/srv/dirs/x", "/srv/dirs"},
        {"dir", NULL, "/srv/dirsx", NULL},
        {"containers-storage", "busybox", NULL, NULL},
    };
    img_policy p;
    ward_err e;
    if (!tap_ok(policy_parse(policy, strlen(policy), &p, &e) == 0, "scope policy parses")) {
        printf("#   %s\n", e.msg);
        return;
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        img_ref r;
        const char *scope = "(none)";
        const char *want = cases[i].scope;
        if (cases[i].ref && img_ref_parse_image(cases[i].ref, &r, &e) < 0) {
            tap_ok(0, "scope case %zu: %s", i, e.msg);
            continue;
        }
        if (want && strcmp(want, "*.io") == 0)
            want = ""; /* "*.io" is not in the policy: the transport default */
        const pol_reqs *reqs =
            policy_select(&p, cases[i].transport, cases[i].ref ? &r : NULL, cases[i].path, &scope);
        if (want == NULL)
            tap_ok(scope == NULL && reqs == &p.def, "%s %s: the global default", cases[i].transport,
                   cases[i].ref ? cases[i].ref : cases[i].path);
        else
            tap_streq(scope, want, cases[i].ref ? cases[i].ref : cases[i].path);
    }
    policy_free(&p);
}

static void test_identities(void)
{
    static const struct {
        const char *identity; /* a signedIdentity object */
        const char *image;    /* NULL: an image without a Docker reference */
        const char *sig;
        bool ok;
    } cases[] = {
        {"{\"type\":\"matchRepoDigestOrExact\"}", "busybox:latest",
         "docker.io/library/busybox:latest", true},
        {"{\"type\":\"matchRepoDigestOrExact\"}", "busybox:latest", "busybox", false},
        {"{\"type\":\"matchRepoDigestOrExact\"}", "busybox:latest", "busybox:other", false},
        {"{\"type\":\"matchRepoDigestOrExact\"}",
         "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "busybox:anything", true},
        {"{\"type\":\"matchRepoDigestOrExact\"}", NULL, "busybox:latest", false},
        {"{\"type\":\"matchExact\"}", "busybox:1", "docker.io/library/busybox:1", true},
        {"{\"type\":\"matchExact\"}",
         "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "busybox:1", false},
        {"{\"type\":\"matchRepository\"}", "quay.io/a/b:1", "quay.io/a/b", true},
        {"{\"type\":\"matchRepository\"}", "quay.io/a/b:1", "quay.io/a/c", false},
        {"{\"type\":\"exactReference\",\"dockerReference\":\"busybox-test:latest\"}", NULL,
         "docker.io/library/busybox-test:latest", true},
        {"{\"type\":\"exactReference\",\"dockerReference\":\"busybox-test:latest\"}", NULL,
         "docker.io/library/busybox-test", false},
        {"{\"type\":\"exactReference\",\"dockerReference\":\"busybox-test:v2\"}", NULL,
         "docker.io/library/busybox-test:latest", false},
        {"{\"type\":\"exactRepository\",\"dockerRepository\":\"192.168.64.2:5000/cosign-signed-"
         "single-sample\"}",
         NULL, "192.168.64.2:5000/cosign-signed-single-sample", true},
        {"{\"type\":\"exactRepository\",\"dockerRepository\":\"quay.io/a\"}", "quay.io/b:1",
         "quay.io/a:7", true},
        {"{\"type\":\"remapIdentity\",\"prefix\":\"mirror.local/quay\",\"signedPrefix\":\"quay.io"
         "\"}",
         "mirror.local/quay/ns/app:1", "quay.io/ns/app:1", true},
        {"{\"type\":\"remapIdentity\",\"prefix\":\"mirror.local/quay\",\"signedPrefix\":\"quay.io"
         "\"}",
         "mirror.local/quayx/app:1", "quay.io/x/app:1", false},
        {"{\"type\":\"remapIdentity\",\"prefix\":\"mirror.local/quay\",\"signedPrefix\":\"quay.io"
         "\"}",
         "other.local/app:1", "other.local/app:1", true},
        {"{\"type\":\"matchRepository\"}", "quay.io/a/b:1", "Not A Reference", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char json[1024], why[512] = "";
        img_policy p;
        img_ref image;
        ward_err e;
        snprintf(json, sizeof(json),
                 "{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"/k\","
                 "\"signedIdentity\":%s}]}",
                 cases[i].identity);
        if (policy_parse(json, strlen(json), &p, &e) < 0 ||
            (cases[i].image && img_ref_parse_image(cases[i].image, &image, &e) < 0)) {
            tap_ok(0, "identity case %zu: %s", i, e.msg);
            continue;
        }
        bool ok = policy_identity_matches(&p.def.items[0].identity, cases[i].image ? &image : NULL,
                                          cases[i].sig, why, sizeof(why));
        if (!tap_ok(ok == cases[i].ok, "%s: image %s, signature %s: %s", cases[i].identity,
                    cases[i].image ? cases[i].image : "(none)", cases[i].sig,
                    cases[i].ok ? "accepted" : "refused"))
            printf("#   %s\n", why);
        else if (!ok)
            tap_ok(why[0] != '\0', "  ... with a reason: %s", why);
        policy_free(&p);
    }
}

/* containers/image's own example policy (every requirement type, keyType and identity). */
static void test_upstream_example(void)
{
    static const char path[] =
        "/usr/share/gocode/src/github.com/containers/image/signature/fixtures/policy.json";
    img_policy p;
    ward_err e;
    img_ref r;
    const char *scope;
    if (!tap_ok(policy_load(path, &p, &e) == 0, "containers/image's fixtures/policy.json parses"))
        printf("#   %s\n", e.msg);
    else {
        img_ref_parse_image("example.com/hardened/app:1", &r, &e);
        const pol_reqs *reqs = policy_select(&p, "docker", &r, NULL, &scope);
        tap_ok(scope && strcmp(scope, "example.com/hardened") == 0 && reqs->n == 3 &&
                   reqs->items[1].type == PR_SIGNED_BY &&
                   strcmp(reqs->items[1].key_type, "signedByGPGKeys") == 0 &&
                   reqs->items[2].type == PR_SIGNED_BASE_LAYER,
               "its example.com/hardened scope has the three requirements it lists");
        policy_free(&p);
    }
}

int main(void)
{
    test_upstream_example();
    test_refs();
    test_malformed();
    test_scopes();
    test_identities();
    return tap_done();
}
