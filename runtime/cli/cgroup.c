/* SPDX-License-Identifier: Apache-2.0 */
/* pause, resume, ps and events. */
#include "runtime/cli/cli.h"
#include "spec/json_write.h"
#include "runtime/log.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cmd_pause(ward_ctx *ctx, int argc, char **argv)
{
    ward_err err = {0};
    if (cli_want_args("pause", argc, 1, 1, 1) != 0)
        return 1;
    return container_pause(ctx, argv[1], &err) < 0 ? ward_log_fail(&err) : 0;
}

int cmd_resume(ward_ctx *ctx, int argc, char **argv)
{
    ward_err err = {0};
    if (cli_want_args("resume", argc, 1, 1, 1) != 0)
        return 1;
    return container_resume(ctx, argv[1], &err) < 0 ? ward_log_fail(&err) : 0;
}

/* argv of a process as ps shows it: the cmdline with spaces, or [comm] for a kernel-ish one. */
static void print_cmdline(pid_t pid)
{
    char path[64], buf[4096];
    cleanup_close int fd = -1;
    ssize_t n;
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (n > 0) {
        for (ssize_t i = 0; i < n - 1; i++)
            if (buf[i] == '\0')
                buf[i] = ' ';
        buf[n] = '\0';
        printf("%s\n", buf);
        return;
    }
    printf("[%d]\n", (int)pid);
}

int cmd_ps(ward_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {NULL, 0, NULL, 0}};
    ward_err err = {0};
    cleanup_free pid_t *pids = NULL;
    size_t n = 0;
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
        if (c != 'f')
            return cli_bad_option("ps", argv);
        if (strcmp(optarg, "json") && strcmp(optarg, "table"))
            return cli_usage_error("ps", "--format must be table or json");
        json = strcmp(optarg, "json") == 0;
    }
    if (cli_want_args("ps", argc, optind, 1, 1) != 0)
        return 1;
    if (container_pids(ctx, argv[optind], &pids, &n, &err) < 0)
        return ward_log_fail(&err);
    if (json) {
        printf("[");
        for (size_t i = 0; i < n; i++)
            printf("%s%d", i ? "," : "", (int)pids[i]);
        printf("]\n");
        return 0;
    }
    printf("%-8s %s\n", "PID", "CMD");
    for (size_t i = 0; i < n; i++) {
        printf("%-8d ", (int)pids[i]);
        print_cmdline(pids[i]);
    }
    return 0;
}

/* "5s", "500ms", "1m", "2" (seconds): runc takes a Go duration. */
static int parse_interval(const char *s, long *ms)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return -1;
    if (*end == '\0' || strcmp(end, "s") == 0)
        v *= 1000;
    else if (strcmp(end, "m") == 0)
        v *= 60000;
    else if (strcmp(end, "ms") != 0)
        return -1;
    if (v < 10 || v > 86400000)
        return -1;
    *ms = (long)v;
    return 0;
}

/* One {"type":"stats","id":..,"data":{..}} line (a stopped container's last); -1 when there are
 * none (the container is gone), *stopped once it has stopped. */
static int print_stats(ward_ctx *ctx, const char *id, bool *stopped, ward_err *err)
{
    cleanup_free char *data = NULL, *line = NULL;
    cleanup_jwriter jwriter w = {0};
    size_t len;
    if (container_stats_json(ctx, id, &data, stopped, err) < 0 || jw_init(&w, false, err) < 0)
        return -1;
    jw_open(&w);
    jw_kstr(&w, "type", "stats");
    jw_kstr(&w, "id", id);
    jw_key(&w, "data");
    if (jw_json_object(&w, data, err) < 0)
        return -1;
    jw_close(&w);
    if (jw_finish(&w, &line, &len, err) < 0)
        return -1;
    printf("%s\n", line);
    fflush(stdout);
    return 0;
}

int cmd_events(ward_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"stats", no_argument, NULL, 's'},
                                         {"interval", required_argument, NULL, 'i'},
                                         {NULL, 0, NULL, 0}};
    ward_err err = {0};
    bool once = false, stopped = false;
    long interval_ms = 5000;
    int c;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (c == 's')
            once = true;
        else if (c != 'i')
            return cli_bad_option("events", argv);
        else if (parse_interval(optarg, &interval_ms) < 0)
            return cli_usage_error("events", "--interval: must be a duration such as 5s or "
                                             "500ms (at least 10ms)");
    }
    if (cli_want_args("events", argc, optind, 1, 1) != 0)
        return 1;
    if (print_stats(ctx, argv[optind], &stopped, &err) < 0)
        return ward_log_fail(&err);
    while (!once && !stopped) {
        struct timespec ts = {.tv_sec = interval_ms / 1000,
                              .tv_nsec = (interval_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
        /* the stream ends with the last stats of a stopped container (or when it is deleted) */
        if (print_stats(ctx, argv[optind], &stopped, &err) < 0)
            return 0;
    }
    return 0;
}
