/* SPDX-License-Identifier: Apache-2.0 */
/* perf_event_open: a software clock counter on ourselves. */
#include "result.h"

#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    struct perf_event_attr attr = {0};
    attr.type = PERF_TYPE_SOFTWARE;
    attr.size = sizeof(attr);
    attr.config = PERF_COUNT_SW_CPU_CLOCK;
    attr.disabled = 1;
    result_sys("perf_event_open", syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
    return result_print();
}
