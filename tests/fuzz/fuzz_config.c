/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json: parse and validate, as `ward create` does. Round trip: whatever parses serialises,
 * the serialisation parses again to the same bytes, and validation gives the same verdict.
 */
#include "spec/base/cleanup.h"
#include "spec/parse.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    spec_config *c = NULL, *c2 = NULL;
    cleanup_free char *s1 = NULL;
    cleanup_free char *s2 = NULL;
    ward_err err = {0}, err2 = {0};
    size_t l1, l2;
    int valid;

    if (spec_config_parse((const char *)data, size, &c, &err) < 0)
        return 0;
    valid = spec_config_validate(c, &err);
    FUZZ_ASSERT(spec_config_to_json(c, &s1, &l1, &err2) == 0, "%s", err2.msg);
    FUZZ_ASSERT(spec_config_parse(s1, l1, &c2, &err2) == 0, "%s in %s", err2.msg, s1);
    FUZZ_ASSERT(spec_config_to_json(c2, &s2, &l2, &err2) == 0, "%s", err2.msg);
    FUZZ_ASSERT(l1 == l2 && memcmp(s1, s2, l1) == 0, "%s\n!=\n%s", s1, s2);
    FUZZ_ASSERT((spec_config_validate(c2, &err2) == 0) == (valid == 0),
                "validation differs after a round trip: \"%s\" / \"%s\"", err.msg, err2.msg);
    spec_config_free(c);
    spec_config_free(c2);
    return 0;
}
