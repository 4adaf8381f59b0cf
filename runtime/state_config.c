/* SPDX-License-Identifier: Apache-2.0 */
/* The config copy in the state dir and the container's cgroup as state.json records it. */
#include "runtime/state_store.h"
#include "spec/base/cleanup.h"
#include "spec/base/file.h"
#include "spec/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CONFIG_COPY_MAX (16 << 20)

int state_load_config(int dirfd, spec_config **cfg, ward_err *err)
{
    char path[64];
    cleanup_free char *buf = NULL;
    cleanup_close int fd = state_open_file(dirfd, "config.json", err);
    size_t len;
    if (fd < 0)
        return ward_err_prefix(err, "saved config.json");
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    if (spec_read_file(path, CONFIG_COPY_MAX, &buf, &len, err) < 0)
        return -1;
    if (spec_config_parse(buf, len, cfg, err) < 0)
        return ward_err_prefix(err, "saved config.json");
    return 0;
}

int state_save_config(int dirfd, const spec_config *cfg, ward_err *err)
{
    cleanup_free char *json = NULL;
    size_t len;
    if (spec_config_to_json(cfg, &json, &len, err) < 0)
        return -1;
    return state_write_file(dirfd, "config.json", json, len, 0600, err);
}

int state_cgroup(const spec_state *st, ward_cgroup *cg)
{
    if (st->cgroup_path == NULL || st->cgroup_mode == NULL ||
        strlen(st->cgroup_path) >= sizeof(cg->path) ||
        cgroup_mode_from_name(st->cgroup_mode, &cg->mode) < 0)
        return -1;
    strcpy(cg->path, st->cgroup_path);
    return 0;
}

void state_freep(spec_state **s)
{
    if (*s)
        spec_state_free(*s);
    *s = NULL;
}

void config_freep(spec_config **c)
{
    if (*c)
        spec_config_free(*c);
    *c = NULL;
}
