/* SPDX-License-Identifier: Apache-2.0 */

#include "runtime/rootfs/mountopt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY      0x00000001
#define MOUNT_ATTR_NOSUID      0x00000002
#define MOUNT_ATTR_NODEV       0x00000004
#define MOUNT_ATTR_NOEXEC      0x00000008
#define MOUNT_ATTR__ATIME      0x00000070
#define MOUNT_ATTR_RELATIME    0x00000000
#define MOUNT_ATTR_NOATIME     0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME  0x00000080
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

#define ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME | MS_NODIRATIME)

enum opt_kind { OPT_FLAG, OPT_PROPAGATION, OPT_ATTR, OPT_EXTRA, OPT_IGNORE };

typedef struct opt_def {
    const char *name;
    enum opt_kind kind;
    bool clear;          /* OPT_FLAG: clear the flag instead of setting it */
    unsigned long value; /* MS_* flag(s), MOUNTOPT_* bit, or MOUNT_ATTR_* to set */
    uint64_t attr_clr;   /* OPT_ATTR: MOUNT_ATTR_* to clear */
} opt_def;

#define FLAG(n, f)                                                                                 \
    {                                                                                              \
        n, OPT_FLAG, false, f, 0                                                                   \
    }
#define NOFLAG(n, f)                                                                               \
    {                                                                                              \
        n, OPT_FLAG, true, f, 0                                                                    \
    }
#define PROP(n, f)                                                                                 \
    {                                                                                              \
        n, OPT_PROPAGATION, false, f, 0                                                            \
    }
#define ATTR(n, s, c)                                                                              \
    {                                                                                              \
        n, OPT_ATTR, false, s, c                                                                   \
    }
#define EXTRA(n, bit)                                                                              \
    {                                                                                              \
        n, OPT_EXTRA, false, bit, 0                                                                \
    }
#define IGNORE(n)                                                                                  \
    {                                                                                              \
        n, OPT_IGNORE, false, 0, 0                                                                 \
    }
#define RATIME(n, set) ATTR(n, set, MOUNT_ATTR__ATIME)

static const opt_def opt_table[] = {
    IGNORE("defaults"),
    FLAG("ro", MS_RDONLY),
    NOFLAG("rw", MS_RDONLY),
    NOFLAG("suid", MS_NOSUID),
    FLAG("nosuid", MS_NOSUID),
    NOFLAG("dev", MS_NODEV),
    FLAG("nodev", MS_NODEV),
    NOFLAG("exec", MS_NOEXEC),
    FLAG("noexec", MS_NOEXEC),
    FLAG("sync", MS_SYNCHRONOUS),
    NOFLAG("async", MS_SYNCHRONOUS),
    FLAG("dirsync", MS_DIRSYNC),
    FLAG("remount", MS_REMOUNT),
    FLAG("mand", MS_MANDLOCK),
    NOFLAG("nomand", MS_MANDLOCK),
    NOFLAG("atime", MS_NOATIME),
    FLAG("noatime", MS_NOATIME),
    NOFLAG("diratime", MS_NODIRATIME),
    FLAG("nodiratime", MS_NODIRATIME),
    FLAG("relatime", MS_RELATIME),
    NOFLAG("norelatime", MS_RELATIME),
    FLAG("strictatime", MS_STRICTATIME),
    NOFLAG("nostrictatime", MS_STRICTATIME),
    FLAG("nosymfollow", MS_NOSYMFOLLOW),
    NOFLAG("symfollow", MS_NOSYMFOLLOW),
    FLAG("lazytime", MS_LAZYTIME),
    NOFLAG("nolazytime", MS_LAZYTIME),
    FLAG("iversion", MS_I_VERSION),
    NOFLAG("noiversion", MS_I_VERSION),
    FLAG("silent", MS_SILENT),
    NOFLAG("loud", MS_SILENT),
    FLAG("bind", MS_BIND),
    FLAG("rbind", MS_BIND | MS_REC),
    PROP("shared", MS_SHARED),
    PROP("rshared", MS_SHARED | MS_REC),
    PROP("slave", MS_SLAVE),
    PROP("rslave", MS_SLAVE | MS_REC),
    PROP("private", MS_PRIVATE),
    PROP("rprivate", MS_PRIVATE | MS_REC),
    PROP("unbindable", MS_UNBINDABLE),
    PROP("runbindable", MS_UNBINDABLE | MS_REC),
    ATTR("rro", MOUNT_ATTR_RDONLY, 0),
    ATTR("rrw", 0, MOUNT_ATTR_RDONLY),
    ATTR("rnosuid", MOUNT_ATTR_NOSUID, 0),
    ATTR("rsuid", 0, MOUNT_ATTR_NOSUID),
    ATTR("rnodev", MOUNT_ATTR_NODEV, 0),
    ATTR("rdev", 0, MOUNT_ATTR_NODEV),
    ATTR("rnoexec", MOUNT_ATTR_NOEXEC, 0),
    ATTR("rexec", 0, MOUNT_ATTR_NOEXEC),
    ATTR("rnodiratime", MOUNT_ATTR_NODIRATIME, 0),
    ATTR("rdiratime", 0, MOUNT_ATTR_NODIRATIME),
    ATTR("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0),
    ATTR("rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW),
    /* The atime mode is one value in the mask: changing it means clearing the whole mask. */
    RATIME("rnoatime", MOUNT_ATTR_NOATIME),
    RATIME("ratime", MOUNT_ATTR_RELATIME),
    RATIME("rrelatime", MOUNT_ATTR_RELATIME),
    RATIME("rnostrictatime", MOUNT_ATTR_RELATIME),
    RATIME("rstrictatime", MOUNT_ATTR_STRICTATIME),
    RATIME("rnorelatime", MOUNT_ATTR_STRICTATIME),
    EXTRA("tmpcopyup", MOUNTOPT_TMPCOPYUP),
    EXTRA("idmap", MOUNTOPT_IDMAP),
    EXTRA("ridmap", MOUNTOPT_IDMAP | MOUNTOPT_RIDMAP),
};

static const opt_def *find_opt(const char *name)
{
    for (size_t i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++)
        if (strcmp(opt_table[i].name, name) == 0)
            return &opt_table[i];
    return NULL;
}

int mountopt_propagation(const char *name, unsigned long *flags)
{
    const opt_def *d = name ? find_opt(name) : NULL;
    if (d == NULL || d->kind != OPT_PROPAGATION)
        return -1;
    *flags = d->value;
    return 0;
}

static void apply_flag(mount_opts *o, const opt_def *d)
{
    if (d->clear)
        o->flags &= ~d->value;
    else
        o->flags |= d->value;
    if (d->value & ATIME_FLAGS)
        o->atime_set |= d->value;
}

static void apply_attr(mount_opts *o, const opt_def *d)
{
    /* A later option overrides an earlier one on the same bits. */
    o->attr_set &= ~(d->value | d->attr_clr);
    o->attr_clr &= ~(d->value | d->attr_clr);
    o->attr_set |= d->value;
    o->attr_clr |= d->attr_clr;
}

static int append_data(mount_opts *o, const char *opt, ward_err *err)
{
    size_t old = o->data ? strlen(o->data) : 0;
    size_t add = strlen(opt);
    char *p;

    if (old + add + 1 > MOUNTOPT_DATA_MAX)
        return ward_fail(err, "filesystem options longer than %d bytes", MOUNTOPT_DATA_MAX);
    p = realloc(o->data, old + add + 2);
    if (p == NULL)
        return ward_fail_errno(err, ENOMEM, "filesystem options");
    if (old)
        p[old++] = ',';
    memcpy(p + old, opt, add + 1);
    o->data = p;
    return 0;
}

static int apply_one(mount_opts *o, const char *opt, ward_err *err)
{
    const opt_def *d;

    if (opt == NULL || opt[0] == '\0')
        return ward_fail(err, "empty option");
    if (strchr(opt, ',') != NULL)
        return ward_fail(err, "option \"%s\": one option per entry (no ',')", opt);
    d = find_opt(opt);
    if (d == NULL)
        return append_data(o, opt, err);
    switch (d->kind) {
    case OPT_FLAG:
        apply_flag(o, d);
        break;
    case OPT_PROPAGATION:
        if (o->n_propagation == MOUNTOPT_MAX_PROPAGATION)
            return ward_fail(err, "option \"%s\": more than %d propagation options", opt,
                             MOUNTOPT_MAX_PROPAGATION);
        o->propagation[o->n_propagation++] = d->value;
        break;
    case OPT_ATTR:
        apply_attr(o, d);
        break;
    case OPT_EXTRA:
        o->extra |= d->value;
        break;
    case OPT_IGNORE:
        break;
    }
    return 0;
}

int mountopt_parse(const spec_strv *options, mount_opts *out, ward_err *err)
{
    memset(out, 0, sizeof(*out));
    if (options == NULL)
        return 0;
    for (size_t i = 0; i < options->len; i++) {
        if (apply_one(out, options->items[i], err) < 0)
            return ward_err_prefix(err, "options[%zu]", i);
    }
    return 0;
}

void mountopt_clear(mount_opts *o)
{
    free(o->data);
    o->data = NULL;
}

int mountopt_data_has(const char *data, const char *key)
{
    size_t klen = strlen(key);
    const char *p = data;

    while (p != NULL && *p) {
        if (strncmp(p, key, klen) == 0 && (p[klen] == '\0' || p[klen] == ',' || p[klen] == '='))
            return 1;
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return 0;
}
