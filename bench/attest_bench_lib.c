/* SPDX-License-Identifier: Apache-2.0 */
/*
 * In-process timing of the library calls a shim or the runtime makes (no process start):
 *   attest-bench-lib TCTI LOGFILE RUNS [AK_HANDLE]
 * Each run: ward_attest_measure() then ward_attest_quote(), each connecting to the TPM afresh.
 * Prints one line per run: measure_ms quote_ms.
 */
#include "attest/attest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    ward_attest_cfg cfg;
    ward_err err = {0};
    uint8_t nonce[32];
    int runs;

    if (argc < 4 || argc > 5 || (runs = atoi(argv[3])) <= 0) {
        fprintf(stderr, "usage: %s TCTI LOGFILE RUNS [AK_HANDLE]\n", argv[0]);
        return 2;
    }
    setenv("TSS2_LOG", "all+NONE", 0);
    memset(nonce, 0x5a, sizeof(nonce));
    if (ward_attest_cfg_init(&cfg, NULL, argv[1], argv[2], &err) < 0)
        goto fail;
    if (argc == 5)
        cfg.ak_handle = (uint32_t)strtoul(argv[4], NULL, 0);
    for (int i = 0; i < runs; i++) {
        char *json = NULL;
        size_t len;
        double t0 = now_ms(), t1, t2;
        if (ward_attest_measure(&cfg, "container", "{\"id\":\"bench\"}", NULL, &err) < 0)
            goto fail;
        t1 = now_ms();
        if (ward_attest_quote(&cfg, 0, nonce, sizeof(nonce), &json, &len, &err) < 0)
            goto fail;
        t2 = now_ms();
        free(json);
        printf("%.3f %.3f\n", t1 - t0, t2 - t1);
    }
    ward_attest_cfg_free(&cfg);
    return 0;
fail:
    fprintf(stderr, "attest-bench-lib: %s\n", err.msg);
    return 1;
}
