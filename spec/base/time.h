/* SPDX-License-Identifier: Apache-2.0 */
/* The monotonic clock, for deadlines and durations: it never jumps when the wall clock is set. */
#ifndef WARD_SPEC_BASE_TIME_H
#define WARD_SPEC_BASE_TIME_H

#include <stdint.h>
#include <time.h>

static inline uint64_t ward_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static inline long ward_now_ms(void)
{
    return (long)(ward_now_us() / 1000u);
}

#endif
