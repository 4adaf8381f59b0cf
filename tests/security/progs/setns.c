/* SPDX-License-Identifier: Apache-2.0 */
/*
 * setns PID|fd:N ...: join every namespace of each PID that differs from ours (/proc/PID/ns/NAME),
 * or the namespace fd N handed to us. The result names the first namespace joined ("ok:PID/mnt"),
 * or else "blocked" with the errors seen (open:NAME:ERR when /proc/PID/ns/NAME could not even be
 * opened); "tried" counts the setns calls made.
 */
#include "result.h"

#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const kinds[] = {"mnt", "net", "pid", "uts", "ipc", "cgroup", "user", "time"};

int main(int argc, char **argv)
{
    int tried = 0, opened = 0;
    char errs[512] = "";
    for (int a = 1; a < argc; a++) {
        if (strncmp(argv[a], "fd:", 3) == 0) {
            tried++;
            if (setns(atoi(argv[a] + 3), 0) == 0) {
                result_add("setns", "ok:%s", argv[a]);
                result_add("tried", "%d", tried);
                return result_print();
            }
            snprintf(errs + strlen(errs), sizeof(errs) - strlen(errs), "%s%s:%s", *errs ? "," : "",
                     argv[a], strerrorname_np(errno));
            continue;
        }
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            char path[64], own[64];
            struct stat st, self;
            snprintf(path, sizeof(path), "/proc/%s/ns/%s", argv[a], kinds[k]);
            snprintf(own, sizeof(own), "/proc/self/ns/%s", kinds[k]);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                snprintf(errs + strlen(errs), sizeof(errs) - strlen(errs), "%sopen:%s:%s",
                         *errs ? "," : "", kinds[k], strerrorname_np(errno));
                continue;
            }
            opened++;
            if (fstat(fd, &st) == 0 && stat(own, &self) == 0 && st.st_ino == self.st_ino) {
                close(fd);
                continue; /* already ours: joining proves nothing */
            }
            tried++;
            if (setns(fd, 0) == 0) {
                result_add("setns", "ok:%s/%s", argv[a], kinds[k]);
                result_add("tried", "%d", tried);
                return result_print();
            }
            snprintf(errs + strlen(errs), sizeof(errs) - strlen(errs), "%s%s:%s", *errs ? "," : "",
                     kinds[k], strerrorname_np(errno));
            close(fd);
        }
    }
    result_add("setns", "blocked");
    result_add("tried", "%d", tried);
    result_add("opened", "%d", opened);
    result_add("errors", "%s", *errs ? errs : "none");
    return result_print();
}
