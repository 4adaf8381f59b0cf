/* SPDX-License-Identifier: Apache-2.0 */
#include "spec/hostconf.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define HOSTCONF_MAX_SIZE (1 << 20)

void ward_hostconf_init(ward_hostconf *hc)
{
    memset(hc, 0, sizeof(*hc));
    hc->tpm_pcr = 23;
}

static char *trim(char *s)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static int parse_bool(const char *v, bool *out)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0) {
        *out = true;
        return 0;
    }
    if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0) {
        *out = false;
        return 0;
    }
    return -1;
}

static int parse_u32(const char *v, uint32_t max, uint32_t *out)
{
    char *end;
    unsigned long n;
    if (*v == '\0' || *v == '-')
        return -1;
    errno = 0;
    n = strtoul(v, &end, 0);
    if (errno != 0 || *end != '\0' || n > max)
        return -1;
    *out = (uint32_t)n;
    return 0;
}

static bool valid_syscall_name(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
            return false;
    return true;
}

static int parse_syscall_list(const char *v, char ***out)
{
    cleanup_free char *copy = strdup(v);
    char **list = NULL, *tok, *save = NULL;
    size_t n = 0;
    if (copy == NULL)
        return -1;
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char **grown;
        tok = trim(tok);
        if (!valid_syscall_name(tok))
            goto fail;
        grown = realloc(list, (n + 2) * sizeof(*list));
        if (grown == NULL)
            goto fail;
        list = grown;
        list[n] = strdup(tok);
        if (list[n] == NULL)
            goto fail;
        list[++n] = NULL;
    }
    *out = list;
    return 0;
fail:
    for (size_t i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
    return -1;
}

static int set_string(char **field, const char *v)
{
    if (*v == '\0')
        return -1;
    *field = strdup(v);
    return *field ? 0 : -1;
}

static bool valid_tcti(const char *v)
{
    return strcmp(v, "none") == 0 || strncmp(v, "device:", 7) == 0 || strncmp(v, "swtpm:", 6) == 0;
}

/* The keys whose value is an absolute path; why stays NULL for a key that is not one. */
static int apply_path_key(ward_hostconf *hc, const char *key, const char *v, const char **why)
{
    char **field = NULL;
    if (strcmp(key, "tpm.ca_dir") == 0)
        field = &hc->tpm_ca_dir;
    else if (strcmp(key, "attest.event_log") == 0)
        field = &hc->event_log;
    else if (strcmp(key, "attest.node_key") == 0)
        field = &hc->node_key;
    else if (strcmp(key, "policy.path") == 0)
        field = &hc->policy_path;
    else if (strcmp(key, "volumes.dir") == 0)
        field = &hc->volumes_dir;
    else if (strcmp(key, "image.records") == 0)
        field = &hc->image_records;
    else if (strcmp(key, "image.lookaside") == 0)
        field = &hc->image_lookaside;
    if (field == NULL) {
        *why = NULL;
        return -1;
    }
    *why = "must be an absolute path";
    if (v[0] != '/')
        return -1;
    return set_string(field, v);
}

/* Cut a trailing comment off a value: '#' at its start or after white space begins one (a '#'
 * inside a word, as in a path, does not). */
static void strip_comment(char *v)
{
    for (char *p = v; *p; p++) {
        if (*p == '#' && (p == v || *(p - 1) == ' ' || *(p - 1) == '\t')) {
            *p = '\0';
            break;
        }
    }
}

/* Apply one key; returns -1 with a message in why when the value is bad. */
static int apply_key(ward_hostconf *hc, const char *key, const char *v, const char **why)
{
    if (strcmp(key, "seccomp.allow") == 0) {
        *why = "must be a comma-separated list of syscall names";
        return parse_syscall_list(v, &hc->seccomp_allow);
    }
    if (strcmp(key, "sandbox.no_new_privileges") == 0) {
        *why = "must be \"required\" or \"optional\"";
        if (strcmp(v, "required") && strcmp(v, "optional"))
            return -1;
        hc->nnp_optional = strcmp(v, "optional") == 0;
        return 0;
    }
    if (strcmp(key, "sandbox.kernel_interfaces") == 0) {
        *why = "must be \"readonly\" or \"config\"";
        if (strcmp(v, "readonly") && strcmp(v, "config"))
            return -1;
        hc->kernel_interfaces_from_config = strcmp(v, "config") == 0;
        return 0;
    }
    if (strcmp(key, "image.policy") == 0) {
        *why = "must be \"enforce\" or \"off\"";
        if (strcmp(v, "enforce") && strcmp(v, "off"))
            return -1;
        hc->image_policy = strcmp(v, "enforce") == 0;
        return 0;
    }
    if (strcmp(key, "landlock.allow_special_files") == 0) {
        *why = "must be true or false";
        return parse_bool(v, &hc->landlock_allow_special);
    }
    if (strcmp(key, "landlock") == 0) {
        *why = "must be \"enforce\" or \"off\"";
        if (strcmp(v, "enforce") && strcmp(v, "off"))
            return -1;
        hc->landlock_off = strcmp(v, "off") == 0;
        return 0;
    }
    if (strcmp(key, "tpm.tcti") == 0) {
        *why = "must be none, device:PATH or swtpm:...";
        if (!valid_tcti(v))
            return -1;
        return set_string(&hc->tpm_tcti, v);
    }
    if (strcmp(key, "tpm.pcr") == 0) {
        *why = "must be a PCR index from 0 to 23";
        return parse_u32(v, 23, &hc->tpm_pcr);
    }
    if (strcmp(key, "tpm.ak_handle") == 0) {
        *why = "must be a persistent handle 0x81000000-0x81ffffff";
        if (parse_u32(v, UINT32_MAX, &hc->tpm_ak_handle) < 0 ||
            (hc->tpm_ak_handle & 0xff000000u) != 0x81000000u)
            return -1;
        hc->has_ak_handle = true;
        return 0;
    }
    return apply_path_key(hc, key, v, why);
}

static bool seen_before(char seen[][64], size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(seen[i], key) == 0)
            return true;
    return false;
}

int ward_hostconf_parse(ward_hostconf *hc, const char *text, const char *name, ward_err *err)
{
    cleanup_free char *copy = strdup(text);
    char seen[32][64];
    size_t n_seen = 0;
    char *line, *save = NULL, *cursor;
    int lineno = 0;

    if (copy == NULL)
        return ward_fail_errno(err, ENOMEM, "%s", name);
    cursor = copy;
    while ((line = strsep(&cursor, "\n")) != NULL) {
        char *eq, *key, *value;
        const char *why = NULL;
        lineno++;
        line = trim(line);
        if (*line == '\0' || *line == '#')
            continue;
        eq = strchr(line, '=');
        if (eq == NULL)
            return ward_fail(err, "%s:%d: expected key = value", name, lineno);
        *eq = '\0';
        key = trim(line);
        strip_comment(eq + 1);
        value = trim(eq + 1);
        if (strlen(key) >= sizeof(seen[0]) || n_seen >= sizeof(seen) / sizeof(seen[0]))
            return ward_fail(err, "%s:%d: unknown key \"%s\"", name, lineno, key);
        if (seen_before(seen, n_seen, key))
            return ward_fail(err, "%s:%d: key \"%s\" given twice", name, lineno, key);
        strcpy(seen[n_seen++], key);
        if (apply_key(hc, key, value, &why) < 0) {
            if (why == NULL)
                return ward_fail(err, "%s:%d: unknown key \"%s\"", name, lineno, key);
            return ward_fail(err, "%s:%d: %s: %s", name, lineno, key, why);
        }
    }
    (void)save;
    return 0;
}

int ward_hostconf_load(ward_hostconf *hc, const char *path, bool must_exist, ward_err *err)
{
    cleanup_free char *text = NULL;
    size_t len;
    if (spec_read_file(path, HOSTCONF_MAX_SIZE, &text, &len, err) < 0) {
        if (err->errnum == ENOENT && !must_exist) {
            ward_err_clear(err);
            return 0;
        }
        return -1;
    }
    if (strlen(text) != len)
        return ward_fail(err, "%s: contains a NUL byte", path);
    return ward_hostconf_parse(hc, text, path, err);
}

bool ward_hostconf_seccomp_allows(const ward_hostconf *hc, const char *syscall)
{
    for (char **p = hc->seccomp_allow; p && *p; p++)
        if (strcmp(*p, syscall) == 0)
            return true;
    return false;
}

void ward_hostconf_free(ward_hostconf *hc)
{
    for (char **p = hc->seccomp_allow; p && *p; p++)
        free(*p);
    free(hc->seccomp_allow);
    free(hc->tpm_tcti);
    free(hc->tpm_ca_dir);
    free(hc->event_log);
    free(hc->node_key);
    free(hc->policy_path);
    free(hc->volumes_dir);
    free(hc->image_records);
    free(hc->image_lookaside);
    ward_hostconf_init(hc);
}
