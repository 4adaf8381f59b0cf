/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec/: every JSON string is checked as RFC 8259 says before it becomes a C string: well-formed
 * UTF-8 (yajl alone passes overlong forms, encoded surrogates and code points above U+10FFFF, and
 * decodes an unpaired surrogate escape to '?' or to an unrelated character) and no \u0000. Errors
 * name the JSON path. Each refusal has a control: the same place with a valid string parses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/base/cleanup.h"
#include "spec/parse.h"
#include "spec/state.h"
#include "tests/unit/tap.h"

/* A config whose process.args[1] is `arg` (raw JSON string text, without the quotes). */
static const char *config_with_arg(const char *arg)
{
    static char json[512];
    snprintf(json, sizeof(json),
             "{\"ociVersion\":\"1.0.0\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
             "\"args\":[\"sh\",\"%s\"]}}",
             arg);
    return json;
}

static const char *config_error(const char *json, spec_config **keep)
{
    static ward_err err;
    spec_config *c = NULL;
    ward_err_clear(&err);
    if (spec_config_parse(json, strlen(json), &c, &err) == 0) {
        if (keep != NULL)
            *keep = c;
        else
            spec_config_free(c);
        return "";
    }
    return err.msg;
}

static void test_string_bytes(void)
{
    static const struct {
        const char *raw, *want, *what;
    } refused[] = {
        {"a\\u0000b", "process.args[1]: contains a NUL character (\\u0000)", "\\u0000"},
        {"\xc0\x80", "process.args[1]: is not valid UTF-8 (byte 0xc0 at offset 0)",
         "overlong NUL C0 80"},
        {"\xe0\x80\xaf", "process.args[1]: is not valid UTF-8 (byte 0xe0 at offset 0)",
         "overlong '/' E0 80 AF"},
        {"\xf0\x80\x80\xaf", "process.args[1]: is not valid UTF-8 (byte 0xf0 at offset 0)",
         "overlong F0 80 80 AF"},
        {"x\xed\xa0\x80", "process.args[1]: is not valid UTF-8 (byte 0xed at offset 1)",
         "UTF-16 surrogate in UTF-8 (ED A0 80)"},
        {"\xf4\x90\x80\x80", "process.args[1]: is not valid UTF-8 (byte 0xf4 at offset 0)",
         "above U+10FFFF (F4 90 80 80)"},
        {"\xf5\x80\x80\x80", "process.args[1]: is not valid UTF-8 (byte 0xf5 at offset 0)",
         "lead byte F5"},
        {"\\ud800", "process.args[1]: contains an unpaired UTF-16 surrogate (\\ud800)",
         "lone high surrogate (yajl: '?')"},
        {"\\ud800\\u0041", "process.args[1]: contains an unpaired UTF-16 surrogate (\\ud800)",
         "high surrogate + non-surrogate (yajl: U+10041)"},
        {"\\udc00", "process.args[1]: contains an unpaired UTF-16 surrogate (\\udc00)",
         "lone low surrogate"},
        {"\\ud800\\ud800", "process.args[1]: contains an unpaired UTF-16 surrogate (\\ud800)",
         "two high surrogates"},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        const char *msg = config_error(config_with_arg(refused[i].raw), NULL);
        const char *at = strstr(msg, ": process.args");
        tap_ok(strncmp(msg, "line 1, column ", 15) == 0 && at != NULL &&
                   strcmp(at + 2, refused[i].want) == 0,
               "%s refused with its JSON path", refused[i].what);
        if (at == NULL || strcmp(at + 2, refused[i].want) != 0)
            printf("#   got:  \"%s\"\n#   want: \"...: %s\"\n", msg, refused[i].want);
    }

    /* controls: the same place with valid text, raw and escaped, decodes to the same bytes */
    static const struct {
        const char *raw, *decoded, *what;
    } accepted[] = {
        {"h\xc3\xa9llo", "h\xc3\xa9llo", "2-byte UTF-8"},
        {"\xe2\x82\xac", "\xe2\x82\xac", "3-byte UTF-8 (U+20AC)"},
        {"\xef\xbf\xbf", "\xef\xbf\xbf", "U+FFFF"},
        {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "4-byte UTF-8 (U+1F600)"},
        {"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "U+10FFFF"},
        {"\\ud83d\\ude00", "\xf0\x9f\x98\x80", "surrogate pair escape (U+1F600)"},
        {"\\u00e9\\u0001\\\"\\\\\\/", "\xc3\xa9\x01\"\\/", "escapes"},
        {"\xed\x9f\xbf", "\xed\x9f\xbf", "U+D7FF (just below the surrogates)"},
    };
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        spec_config *c = NULL;
        const char *msg = config_error(config_with_arg(accepted[i].raw), &c);
        tap_ok(msg[0] == '\0' && c != NULL &&
                   strcmp(c->process.args.items[1], accepted[i].decoded) == 0,
               "control: %s accepted (%s)", accepted[i].what, msg);
        spec_config_free(c);
    }
}

/* \u0000 everywhere a string becomes a C string: the error names where. */
static void test_nul_paths(void)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{\"ociVersion\":\"1.0.0\",\"process\":{\"env\":[\"A=b\\u0000c\"]}}",
         "process.env[0]: contains a NUL character (\\u0000)"},
        {"{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\\u0000/x\"}}",
         "root.path: contains a NUL character (\\u0000)"},
        {"{\"ociVersion\":\"1.0.0\",\"hostname\":\"a\\u0000\"}",
         "hostname: contains a NUL character (\\u0000)"},
        {"{\"ociVersion\":\"1.0.0\",\"mounts\":[{\"destination\":\"/a\"},"
         "{\"destination\":\"/b\\u0000\"}]}",
         "mounts[1].destination: contains a NUL character (\\u0000)"},
        {"{\"ociVersion\":\"1.0.0\",\"annotations\":{\"k\":\"v\\u0000\"}}",
         "annotations.k: contains a NUL character (\\u0000)"},
        {"{\"ociVersion\":\"1.0.0\",\"annotations\":{\"k\\u0000x\":\"v\"}}",
         "annotations: an object key contains a NUL character (\\u0000)"},
        {"{\"ociVersion\":\"1.0.0\",\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"1\\u0000\"}}}",
         "linux.sysctl.net.ipv4.ip_forward: contains a NUL character (\\u0000)"},
        {"{\"ociVersion\":\"1.0.0\",\"x-unknown\":[\"\\u0000\"]}",
         "x-unknown[0]: contains a NUL character (\\u0000)"},
        {"\"\\u0000\"", "string contains a NUL character (\\u0000)"},
        {"{\"a\\u0000\":1}", "an object key contains a NUL character (\\u0000)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *msg = config_error(cases[i].json, NULL);
        const char *at = strstr(msg, ": ");
        tap_ok(at != NULL && strcmp(at + 2, cases[i].want) == 0, "NUL refused at %.*s",
               (int)strcspn(cases[i].want, ":"), cases[i].want);
        if (at == NULL || strcmp(at + 2, cases[i].want) != 0)
            printf("#   got:  \"%s\"\n#   want: \"...: %s\"\n", msg, cases[i].want);
    }
    tap_streq(config_error("{\"ociVersion\":\"1.0.0\",\"hostname\":\"a\\u0001\"}", NULL), "",
              "control: \\u0001 is a string like any other");
}

/* The other documents go through the same parser: process, resources, state, spec_json_check. */
static void test_other_documents(void)
{
    static const char proc[] = "{\"args\":[\"sh\",\"\\u0000\"],\"cwd\":\"/\","
                               "\"user\":{\"uid\":0,\"gid\":0}}";
    static const char res[] = "{\"unified\":{\"memory.max\\u0000\":\"1\"}}";
    static const char state[] = "{\"ociVersion\":\"1.0.0\",\"id\":\"a\xc0\x80\",\"status\":"
                                "\"created\",\"pid\":1,\"bundle\":\"/b\"}";
    spec_process *p = NULL;
    spec_resources *r = NULL;
    spec_state *s = NULL;
    ward_err err = {0};

    tap_ok(spec_process_parse(proc, strlen(proc), &p, &err) < 0 &&
               strstr(err.msg, ": args[1]: contains a NUL character") != NULL,
           "exec --process file: NUL refused with its path (%s)", err.msg);
    ward_err_clear(&err);
    tap_ok(spec_resources_parse(res, strlen(res), &r, &err) < 0 &&
               strstr(err.msg, ": unified: an object key contains a NUL") != NULL,
           "update --resources file: NUL in a key refused (%s)", err.msg);
    ward_err_clear(&err);
    tap_ok(spec_state_parse(state, strlen(state), &s, &err) < 0 &&
               strstr(err.msg, ": id: is not valid UTF-8") != NULL,
           "state.json: invalid UTF-8 refused (%s)", err.msg);
    ward_err_clear(&err);
    static const char lone[] = "{\"a\":\"\\ud800\"}", comment[] = "{/* c */\"a\":1}";
    static const char euro[] = "{\"a\":\"\xe2\x82\xac\"}";
    tap_ok(spec_json_check(lone, strlen(lone), &err) < 0 &&
               strstr(err.msg, "a: contains an unpaired UTF-16 surrogate") != NULL,
           "spec_json_check: unpaired surrogate refused (%s)", err.msg);
    ward_err_clear(&err);
    tap_ok(spec_json_check(comment, strlen(comment), &err) < 0, "spec_json_check: no comments");
    ward_err_clear(&err);
    tap_ok(spec_json_check(euro, strlen(euro), &err) == 0,
           "control: spec_json_check accepts valid text (%s)", err.msg);
}

int main(void)
{
    test_string_bytes();
    test_nul_paths();
    test_other_documents();
    return tap_done();
}
