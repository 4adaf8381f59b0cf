/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward.conf, the host's configuration (the only place that may relax the sandbox). Properties:
 * what is accepted is in range (syscall names, PCR index, AK handle, absolute paths), and the
 * parsed settings written back as a ward.conf parse again to the same settings.
 */
#include <ctype.h>
#include <inttypes.h>

#include "spec/base/cleanup.h"
#include "spec/hostconf.h"
#include "tests/fuzz/fuzz.h"

static void put(char **buf, size_t *len, size_t *cap, const char *key, const char *value)
{
    size_t need = strlen(key) + strlen(value) + 5;
    if (*len + need >= *cap) {
        *cap = (*len + need) * 2;
        *buf = realloc(*buf, *cap);
        FUZZ_ASSERT(*buf != NULL, "out of memory");
    }
    *len += (size_t)sprintf(*buf + *len, "%s = %s\n", key, value);
}

/* The settings as a ward.conf that sets every key. */
static char *render(const ward_hostconf *hc)
{
    char *buf = calloc(1, 1), num[32];
    size_t len = 0, cap = 1;
    if (hc->seccomp_allow != NULL) {
        size_t n = 1;
        char *list;
        for (char **p = hc->seccomp_allow; *p; p++)
            n += strlen(*p) + 1;
        list = calloc(1, n);
        FUZZ_ASSERT(list != NULL, "out of memory");
        for (char **p = hc->seccomp_allow; *p; p++) {
            if (p != hc->seccomp_allow)
                strcat(list, ",");
            strcat(list, *p);
        }
        put(&buf, &len, &cap, "seccomp.allow", list);
        free(list);
    }
    put(&buf, &len, &cap, "sandbox.no_new_privileges", hc->nnp_optional ? "optional" : "required");
    put(&buf, &len, &cap, "sandbox.kernel_interfaces",
        hc->kernel_interfaces_from_config ? "config" : "readonly");
    put(&buf, &len, &cap, "landlock.allow_special_files",
        hc->landlock_allow_special ? "true" : "false");
    put(&buf, &len, &cap, "landlock", hc->landlock_off ? "off" : "enforce");
    if (hc->tpm_tcti)
        put(&buf, &len, &cap, "tpm.tcti", hc->tpm_tcti);
    snprintf(num, sizeof(num), "%" PRIu32, hc->tpm_pcr);
    put(&buf, &len, &cap, "tpm.pcr", num);
    if (hc->has_ak_handle) {
        snprintf(num, sizeof(num), "0x%" PRIx32, hc->tpm_ak_handle);
        put(&buf, &len, &cap, "tpm.ak_handle", num);
    }
    if (hc->tpm_ca_dir)
        put(&buf, &len, &cap, "tpm.ca_dir", hc->tpm_ca_dir);
    if (hc->event_log)
        put(&buf, &len, &cap, "attest.event_log", hc->event_log);
    if (hc->policy_path)
        put(&buf, &len, &cap, "policy.path", hc->policy_path);
    return buf;
}

static int str_eq(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void check_same(const ward_hostconf *a, const ward_hostconf *b, const char *text)
{
    size_t i;
    for (i = 0; a->seccomp_allow && a->seccomp_allow[i]; i++)
        FUZZ_ASSERT(b->seccomp_allow && str_eq(a->seccomp_allow[i], b->seccomp_allow[i]), "%s",
                    text);
    FUZZ_ASSERT(!b->seccomp_allow || !b->seccomp_allow[i], "%s", text);
    FUZZ_ASSERT(a->nnp_optional == b->nnp_optional &&
                    a->kernel_interfaces_from_config == b->kernel_interfaces_from_config &&
                    a->landlock_allow_special == b->landlock_allow_special &&
                    a->landlock_off == b->landlock_off && a->tpm_pcr == b->tpm_pcr &&
                    a->has_ak_handle == b->has_ak_handle && a->tpm_ak_handle == b->tpm_ak_handle,
                "%s", text);
    FUZZ_ASSERT(str_eq(a->tpm_tcti, b->tpm_tcti) && str_eq(a->tpm_ca_dir, b->tpm_ca_dir) &&
                    str_eq(a->event_log, b->event_log) && str_eq(a->policy_path, b->policy_path),
                "%s", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cleanup_free char *text = fuzz_cstring(data, size);
    cleanup_free char *again = NULL;
    ward_hostconf hc, hc2;
    ward_err err = {0};

    ward_hostconf_init(&hc);
    if (ward_hostconf_parse(&hc, text, "ward.conf", &err) < 0) {
        ward_hostconf_free(&hc);
        return 0;
    }
    for (char **p = hc.seccomp_allow; p && *p; p++) {
        FUZZ_ASSERT(**p != '\0', "empty syscall name");
        for (const char *c = *p; *c; c++)
            FUZZ_ASSERT(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_',
                        "syscall name \"%s\"", *p);
    }
    FUZZ_ASSERT(hc.tpm_pcr <= 23, "tpm.pcr %u", hc.tpm_pcr);
    FUZZ_ASSERT(!hc.has_ak_handle || (hc.tpm_ak_handle & 0xff000000u) == 0x81000000u, "ak");
    FUZZ_ASSERT(!hc.tpm_ca_dir || hc.tpm_ca_dir[0] == '/', "%s", hc.tpm_ca_dir);
    FUZZ_ASSERT(!hc.event_log || hc.event_log[0] == '/', "%s", hc.event_log);
    FUZZ_ASSERT(!hc.policy_path || hc.policy_path[0] == '/', "%s", hc.policy_path);

    again = render(&hc);
    ward_hostconf_init(&hc2);
    FUZZ_ASSERT(ward_hostconf_parse(&hc2, again, "again", &err) == 0, "%s in\n%s", err.msg, again);
    check_same(&hc, &hc2, again);
    ward_hostconf_free(&hc);
    ward_hostconf_free(&hc2);
    return 0;
}
