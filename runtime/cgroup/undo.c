/* SPDX-License-Identifier: Apache-2.0 */
/*
 * All-or-nothing `update`: while an update runs, every cgroup file is read before it is written,
 * and when a later write fails (the kernel refuses a realtime runtime, say) the earlier ones are
 * written back in reverse order, so the container keeps the limits its saved config records.
 * Each step of the way back is a state the forward writes went through, so the kernel's own
 * ordering rules (memory.limit_in_bytes <= memory.memsw.limit_in_bytes) hold there too.
 */
#include "runtime/cgroup/internal.h"
#include "spec/base/cleanup.h"

#include <stdlib.h>
#include <string.h>

#define UNDO_MAX 128

typedef struct undo_entry {
    char *dir, *file, *old;
} undo_entry;

static struct {
    bool active;
    size_t n;
    int lost; /* files written that cannot be restored */
    undo_entry e[UNDO_MAX];
} undo;

void cg_undo_begin(void)
{
    undo.active = true;
    undo.n = 0;
    undo.lost = 0;
}

void cg_undo_note(const char *dir, const char *file)
{
    undo_entry *u;
    char *old = NULL;
    /* enabling a controller for the container is no limit to take back (and the file reads
     * "cpu memory", which cannot be written back) */
    if (!undo.active || strcmp(file, "cgroup.subtree_control") == 0)
        return;
    if (undo.n == UNDO_MAX || cg_read_all(dir, file, &old, NULL) < 0) {
        undo.lost++; /* a write-only file (devices.allow) or too many */
        return;
    }
    u = &undo.e[undo.n];
    u->dir = strdup(dir);
    u->file = strdup(file);
    u->old = old;
    if (u->dir == NULL || u->file == NULL) {
        free(u->dir);
        free(u->file);
        free(old);
        undo.lost++;
        return;
    }
    undo.n++;
}

/* Write an old value back: one write per line (a list file such as blkio.throttle.* reads as
 * "MAJ:MIN VALUE" lines and takes one at a time); an empty file is written empty. */
static int restore(const undo_entry *u)
{
    ward_err err;
    char *line, *save = NULL;
    int rc = 0;
    if (u->old[strspn(u->old, "\n")] == '\0')
        return cg_write(u->dir, u->file, "", &err);
    for (line = strtok_r(u->old, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (cg_write(u->dir, u->file, line, &err) < 0)
            rc = -1;
    return rc;
}

int cg_undo_end(bool roll_back)
{
    int lost = undo.lost;
    undo.active = false;
    while (undo.n > 0) {
        undo_entry *u = &undo.e[--undo.n];
        if (roll_back && restore(u) < 0)
            lost++;
        free(u->dir);
        free(u->file);
        free(u->old);
    }
    return roll_back ? lost : 0;
}
