/* SPDX-License-Identifier: Apache-2.0 */
/*
 * In-process timing for bench/manifest-bench (no process start):
 *   manifest-bench-lib sign KEYFILE RUNS     one line per run: ms to sign a 4 KiB payload (DSSE
 *                                            PAE, SHA-256, key file checked, read into locked
 *                                            memory, signed, wiped)
 *   manifest-bench-lib hash PATH THREADS     "files bytes seconds" of hashing the output PATH
 */
#include "attest/dsse.h"
#include "attest/outputs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_sign(const char *key, int runs)
{
    static uint8_t payload[4096];
    ward_err err = {0};
    memset(payload, 'p', sizeof(payload));
    for (int i = 0; i < runs; i++) {
        char *json;
        size_t len;
        double t0 = now_s();
        if (ward_dsse_sign(key, payload, sizeof(payload), &json, &len, &err) < 0) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        printf("%.4f\n", (now_s() - t0) * 1e3);
        free(json);
    }
    return 0;
}

static int bench_hash(const char *path, unsigned threads)
{
    ward_outputs o = {0};
    ward_err err = {0};
    unsigned long long bytes = 0;
    int fd = open(path, O_PATH | O_CLOEXEC);
    double t0 = now_s(), t;
    if (fd < 0 || ward_outputs_add(fd, "out", threads, &o, &err) < 0 ||
        ward_outputs_sort(&o, &err) < 0) {
        fprintf(stderr, "%s\n", fd < 0 ? path : err.msg);
        return 1;
    }
    t = now_s() - t0;
    close(fd);
    for (size_t i = 0; i < o.n; i++) {
        char p[8192];
        FILE *f;
        snprintf(p, sizeof(p), "%s%s", path, o.v[i].name + 3);
        if ((f = fopen(p, "rb")) != NULL) {
            fseek(f, 0, SEEK_END);
            bytes += (unsigned long long)ftell(f);
            fclose(f);
        }
    }
    printf("%zu %llu %.4f\n", o.n, bytes, t);
    ward_outputs_free(&o);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "sign") == 0)
        return bench_sign(argv[2], atoi(argv[3]));
    if (argc == 4 && strcmp(argv[1], "hash") == 0)
        return bench_hash(argv[2], (unsigned)atoi(argv[3]));
    fprintf(stderr, "usage: %s sign KEYFILE RUNS | hash PATH THREADS\n", argv[0]);
    return 2;
}
