/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state.json (read back by every command after create, from a directory an attacker may have
 * written to): parse; round trip through spec_state_to_json to the same bytes, and the OCI view
 * (what hooks get on stdin) serialises too.
 */
#include "spec/base/cleanup.h"
#include "spec/state.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    spec_state *s = NULL, *s2 = NULL;
    cleanup_free char *j1 = NULL;
    cleanup_free char *j2 = NULL;
    cleanup_free char *oci = NULL;
    ward_err err = {0};
    size_t l1, l2, lo;

    if (spec_state_parse((const char *)data, size, &s, &err) < 0)
        return 0;
    FUZZ_ASSERT(spec_state_to_json(s, &j1, &l1, &err) == 0, "%s", err.msg);
    FUZZ_ASSERT(spec_state_to_oci_json(s, &oci, &lo, &err) == 0, "%s", err.msg);
    FUZZ_ASSERT(spec_state_parse(j1, l1, &s2, &err) == 0, "%s in %s", err.msg, j1);
    FUZZ_ASSERT(spec_state_to_json(s2, &j2, &l2, &err) == 0, "%s", err.msg);
    FUZZ_ASSERT(l1 == l2 && memcmp(j1, j2, l1) == 0, "%s\n!=\n%s", j1, j2);
    spec_state_free(s);
    spec_state_free(s2);
    return 0;
}
