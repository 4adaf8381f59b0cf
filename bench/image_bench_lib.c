/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/image-bench's in-process half: the image check as a front end calls it, timed per call.
 * Usage: image-bench-lib POLICY IMAGE IDENTITY|- RUNS
 * Prints "min median p90" in microseconds of img_verify (every signature of the image checked:
 * for GPG that includes the temporary GNUPGHOME and gpg's start), after one untimed warm-up.
 */
#include "attest/imgverify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    img_policy pol;
    img_source src;
    img_ref ref;
    ward_err err;
    int runs;
    double *t;
    if (argc != 5 || (runs = atoi(argv[4])) < 1) {
        fprintf(stderr, "usage: %s POLICY IMAGE IDENTITY|- RUNS\n", argv[0]);
        return 2;
    }
    bool has_ref = strcmp(argv[3], "-") != 0;
    if ((has_ref && img_ref_parse_image(argv[3], &ref, &err) < 0) ||
        policy_load(argv[1], &pol, &err) < 0 || imgsrc_open(argv[2], &src, &err) < 0 ||
        imgsrc_signatures(&src, NULL, has_ref ? &ref : NULL, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    t = calloc((size_t)runs, sizeof(*t));
    for (int i = -1; i < runs; i++) {
        struct timespec a, b;
        img_decision d;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (img_verify(&pol, &src, has_ref ? &ref : NULL, &d, &err) < 0 || !d.accepted) {
            fprintf(stderr, "not accepted: %s\n", err.msg);
            return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        img_decision_free(&d);
        if (i >= 0)
            t[i] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
    }
    qsort(t, (size_t)runs, sizeof(*t), cmp);
    printf("%.1f %.1f %.1f\n", t[0], t[runs / 2], t[(runs * 9) / 10]);
    free(t);
    imgsrc_free(&src);
    policy_free(&pol);
    return 0;
}
