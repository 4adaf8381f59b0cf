/* SPDX-License-Identifier: Apache-2.0 */
/* bpf: create a one-entry array map (freed when we exit). */
#include "result.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    union bpf_attr attr = {0};
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    result_sys("bpf", syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
    return result_print();
}
