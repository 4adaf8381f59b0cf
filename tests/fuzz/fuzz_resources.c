/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ward update --resources FILE`: a LinuxResources object, parsed and validated, then folded into
 * the resources the container already has (resources_merge, as update does). Round trip: it
 * serialises and parses again to the same bytes; the merge result serialises too.
 */
#include "runtime/resources_merge.h"
#include "spec/base/cleanup.h"
#include "spec/model.h"
#include "spec/parse.h"
#include "tests/fuzz/fuzz.h"

static char *emit(const spec_resources *r, size_t *len)
{
    jwriter w = fuzz_writer();
    spec_emit_resources(&w, r);
    return fuzz_written(&w, len);
}

/* What a container was created with: every kind of value, so a merge touches each. */
static const char base_json[] =
    "{\"memory\":{\"limit\":268435456,\"reservation\":1048576,\"swap\":536870912},"
    "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"},"
    "\"pids\":{\"limit\":100},\"blockIO\":{\"weight\":100},"
    "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":2097152}],"
    "\"unified\":{\"memory.high\":\"1000000\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    spec_resources *r = NULL, *r2 = NULL, *base = NULL;
    cleanup_free char *j1 = NULL;
    cleanup_free char *j2 = NULL;
    cleanup_free char *merged = NULL;
    ward_err err = {0};
    size_t l1, l2, lm;

    if (spec_resources_parse((const char *)data, size, &r, &err) < 0)
        return 0;
    j1 = emit(r, &l1);
    FUZZ_ASSERT(spec_resources_parse(j1, l1, &r2, &err) == 0, "%s in %s", err.msg, j1);
    j2 = emit(r2, &l2);
    FUZZ_ASSERT(l1 == l2 && memcmp(j1, j2, l1) == 0, "%s\n!=\n%s", j1, j2);

    FUZZ_ASSERT(spec_resources_parse(base_json, strlen(base_json), &base, &err) == 0, "%s",
                err.msg);
    resources_drop_unsupported_update(r);
    resources_merge(base, r);
    merged = emit(base, &lm);
    spec_resources_free(r);
    spec_resources_free(r2);
    spec_resources_free(base);
    return 0;
}
