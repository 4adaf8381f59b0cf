/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ward exec --process FILE`: a Process object, parsed and validated as exec does. Round trip:
 * it serialises, parses again to the same bytes and the same verdict.
 */
#include "spec/base/cleanup.h"
#include "spec/model.h"
#include "spec/parse.h"
#include "tests/fuzz/fuzz.h"

static char *emit(const spec_process *p, size_t *len)
{
    jwriter w = fuzz_writer();
    spec_emit_process(&w, p);
    return fuzz_written(&w, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    spec_process *p = NULL, *p2 = NULL;
    cleanup_free char *j1 = NULL;
    cleanup_free char *j2 = NULL;
    ward_err err = {0}, err2 = {0};
    size_t l1, l2;
    int valid;

    if (spec_process_parse((const char *)data, size, &p, &err) < 0)
        return 0;
    valid = spec_process_validate(p, "", &err);
    j1 = emit(p, &l1);
    FUZZ_ASSERT(spec_process_parse(j1, l1, &p2, &err2) == 0, "%s in %s", err2.msg, j1);
    j2 = emit(p2, &l2);
    FUZZ_ASSERT(l1 == l2 && memcmp(j1, j2, l1) == 0, "%s\n!=\n%s", j1, j2);
    FUZZ_ASSERT((spec_process_validate(p2, "", &err2) == 0) == (valid == 0),
                "validation differs after a round trip: \"%s\" / \"%s\"", err.msg, err2.msg);
    spec_process_free(p);
    spec_process_free(p2);
    return 0;
}
