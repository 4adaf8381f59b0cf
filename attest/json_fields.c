/* SPDX-License-Identifier: Apache-2.0 */
/* The named members of a JSON object, for attest/'s strict readers (evidence, event log). */
#include "attest/internal.h"

#include <string.h>

int attest_fields(yajl_val obj, const char *const *names, size_t n, yajl_val *vals, ward_err *err)
{
    memset(vals, 0, n * sizeof(vals[0]));
    if (!YAJL_IS_OBJECT(obj))
        return ward_fail(err, "must be a JSON object");
    for (size_t i = 0; i < obj->u.object.len; i++) {
        size_t k = 0;
        while (k < n && strcmp(obj->u.object.keys[i], names[k]) != 0)
            k++;
        if (k == n)
            return ward_fail(err, "unknown field \"%s\"", obj->u.object.keys[i]);
        if (vals[k] != NULL)
            return ward_fail(err, "field \"%s\" given twice", names[k]);
        vals[k] = obj->u.object.values[i];
    }
    return 0;
}
