/* SPDX-License-Identifier: Apache-2.0 */
/* Table tests for the OCI mount option parser (runtime/rootfs/mountopt.c). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "runtime/rootfs/mountopt.h"
#include "tests/unit/tap.h"

#define MAX_OPTS 8

typedef struct flag_case {
    const char *opts[MAX_OPTS];
    unsigned long flags;       /* expected MS_* flags */
    unsigned long propagation; /* expected first propagation change, 0 for none */
    uint64_t attr_set, attr_clr;
    unsigned extra;
    const char *data; /* expected data string, NULL for none */
} flag_case;

static const flag_case cases[] = {
    {{"ro"}, MS_RDONLY, 0, 0, 0, 0, NULL},
    {{"ro", "rw"}, 0, 0, 0, 0, 0, NULL},
    {{"rw", "ro"}, MS_RDONLY, 0, 0, 0, 0, NULL},
    {{"nosuid", "nodev", "noexec"}, MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, 0, 0, 0, NULL},
    {{"nosuid", "suid", "nodev", "dev", "noexec", "exec"}, 0, 0, 0, 0, 0, NULL},
    {{"sync"}, MS_SYNCHRONOUS, 0, 0, 0, 0, NULL},
    {{"sync", "async"}, 0, 0, 0, 0, 0, NULL},
    {{"dirsync"}, MS_DIRSYNC, 0, 0, 0, 0, NULL},
    {{"remount"}, MS_REMOUNT, 0, 0, 0, 0, NULL},
    {{"mand"}, MS_MANDLOCK, 0, 0, 0, 0, NULL},
    {{"mand", "nomand"}, 0, 0, 0, 0, 0, NULL},
    {{"noatime"}, MS_NOATIME, 0, 0, 0, 0, NULL},
    {{"noatime", "atime"}, 0, 0, 0, 0, 0, NULL},
    {{"nodiratime"}, MS_NODIRATIME, 0, 0, 0, 0, NULL},
    {{"nodiratime", "diratime"}, 0, 0, 0, 0, 0, NULL},
    {{"relatime"}, MS_RELATIME, 0, 0, 0, 0, NULL},
    {{"relatime", "norelatime"}, 0, 0, 0, 0, 0, NULL},
    {{"strictatime"}, MS_STRICTATIME, 0, 0, 0, 0, NULL},
    {{"strictatime", "nostrictatime"}, 0, 0, 0, 0, 0, NULL},
    {{"nosymfollow"}, MS_NOSYMFOLLOW, 0, 0, 0, 0, NULL},
    {{"nosymfollow", "symfollow"}, 0, 0, 0, 0, 0, NULL},
    {{"lazytime"}, MS_LAZYTIME, 0, 0, 0, 0, NULL},
    {{"iversion"}, MS_I_VERSION, 0, 0, 0, 0, NULL},
    {{"silent"}, MS_SILENT, 0, 0, 0, 0, NULL},
    {{"defaults"}, 0, 0, 0, 0, 0, NULL},
    {{"bind"}, MS_BIND, 0, 0, 0, 0, NULL},
    {{"rbind"}, MS_BIND | MS_REC, 0, 0, 0, 0, NULL},
    {{"shared"}, 0, MS_SHARED, 0, 0, 0, NULL},
    {{"rshared"}, 0, MS_SHARED | MS_REC, 0, 0, 0, NULL},
    {{"slave"}, 0, MS_SLAVE, 0, 0, 0, NULL},
    {{"rslave"}, 0, MS_SLAVE | MS_REC, 0, 0, 0, NULL},
    {{"private"}, 0, MS_PRIVATE, 0, 0, 0, NULL},
    {{"rprivate"}, 0, MS_PRIVATE | MS_REC, 0, 0, 0, NULL},
    {{"unbindable"}, 0, MS_UNBINDABLE, 0, 0, 0, NULL},
    {{"runbindable"}, 0, MS_UNBINDABLE | MS_REC, 0, 0, 0, NULL},
    {{"rro"}, 0, 0, MOUNT_ATTR_RDONLY, 0, 0, NULL},
    {{"rro", "rrw"}, 0, 0, 0, MOUNT_ATTR_RDONLY, 0, NULL},
    {{"rnosuid", "rnodev", "rnoexec"},
     0,
     0,
     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
     0,
     0,
     NULL},
    {{"rsuid", "rdev", "rexec"},
     0,
     0,
     0,
     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
     0,
     NULL},
    {{"rnoatime"}, 0, 0, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME, 0, NULL},
    {{"rstrictatime"}, 0, 0, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME, 0, NULL},
    {{"rnoatime", "rrelatime"}, 0, 0, MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME, 0, NULL},
    {{"rnodiratime"}, 0, 0, MOUNT_ATTR_NODIRATIME, 0, 0, NULL},
    {{"rnosymfollow"}, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, 0, 0, NULL},
    {{"tmpcopyup"}, 0, 0, 0, 0, MOUNTOPT_TMPCOPYUP, NULL},
    {{"idmap"}, 0, 0, 0, 0, MOUNTOPT_IDMAP, NULL},
    {{"ridmap"}, 0, 0, 0, 0, MOUNTOPT_IDMAP | MOUNTOPT_RIDMAP, NULL},
    {{"size=65536k"}, 0, 0, 0, 0, 0, "size=65536k"},
    {{"nosuid", "strictatime", "mode=755", "size=65536k"},
     MS_NOSUID | MS_STRICTATIME,
     0,
     0,
     0,
     0,
     "mode=755,size=65536k"},
    {{"newinstance", "ptmxmode=0666", "mode=0620", "gid=5"},
     0,
     0,
     0,
     0,
     0,
     "newinstance,ptmxmode=0666,mode=0620,gid=5"},
    {{"rbind", "ro", "rprivate", "rnoexec", "lowerdir=/a"},
     MS_BIND | MS_REC | MS_RDONLY,
     MS_PRIVATE | MS_REC,
     MOUNT_ATTR_NOEXEC,
     0,
     0,
     "lowerdir=/a"},
};

static void fill_strv(spec_strv *v, char **buf, const char *const *opts)
{
    v->items = buf;
    v->len = 0;
    for (size_t i = 0; i < MAX_OPTS && opts[i]; i++)
        buf[v->len++] = (char *)opts[i];
}

static void describe(const char *const *opts, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < MAX_OPTS && opts[i]; i++) {
        strncat(out, i ? "," : "", size - strlen(out) - 1);
        strncat(out, opts[i], size - strlen(out) - 1);
    }
}

static void test_case(const flag_case *c)
{
    char *buf[MAX_OPTS], name[256];
    spec_strv v;
    mount_opts mo;
    ward_err err = {0};
    int ret;

    fill_strv(&v, buf, c->opts);
    describe(c->opts, name, sizeof(name));
    ret = mountopt_parse(&v, &mo, &err);
    if (!tap_ok(ret == 0, "[%s] parses", name))
        printf("#   error: %s\n", err.msg);
    if (!tap_ok(mo.flags == c->flags, "[%s] flags", name))
        printf("#   got 0x%lx want 0x%lx\n", mo.flags, c->flags);
    tap_ok((c->propagation == 0 && mo.n_propagation == 0) ||
               (mo.n_propagation == 1 && mo.propagation[0] == c->propagation),
           "[%s] propagation", name);
    if (!tap_ok(mo.attr_set == c->attr_set && mo.attr_clr == c->attr_clr,
                "[%s] recursive attributes", name))
        printf("#   got set 0x%llx clr 0x%llx\n", (unsigned long long)mo.attr_set,
               (unsigned long long)mo.attr_clr);
    tap_ok(mo.extra == c->extra, "[%s] ward options", name);
    if (c->data)
        tap_streq(mo.data, c->data, "data string");
    else
        tap_ok(mo.data == NULL, "[%s] no data string", name);
    mountopt_clear(&mo);
}

static void test_errors(void)
{
    char *bad_empty[] = {"ro", ""};
    char *bad_comma[] = {"size=1k,mode=0"};
    char *too_many[] = {"shared", "private", "slave", "unbindable", "rshared"};
    char long_opt[5000];
    char *too_long[] = {long_opt};
    spec_strv v;
    mount_opts mo;
    ward_err err = {0};

    v = (spec_strv){bad_empty, 2};
    tap_ok(mountopt_parse(&v, &mo, &err) < 0, "empty option is refused");
    tap_streq(err.msg, "options[1]: empty option", "empty option: message names the index");
    mountopt_clear(&mo);

    v = (spec_strv){bad_comma, 1};
    tap_ok(mountopt_parse(&v, &mo, &err) < 0, "option with ',' is refused");
    mountopt_clear(&mo);

    v = (spec_strv){too_many, 5};
    tap_ok(mountopt_parse(&v, &mo, &err) < 0, "more than 4 propagation options are refused");
    mountopt_clear(&mo);

    memset(long_opt, 'a', sizeof(long_opt) - 1);
    long_opt[sizeof(long_opt) - 1] = '\0';
    v = (spec_strv){too_long, 1};
    tap_ok(mountopt_parse(&v, &mo, &err) < 0, "data longer than a page is refused");
    mountopt_clear(&mo);

    tap_ok(mountopt_parse(NULL, &mo, &err) == 0 && mo.flags == 0 && mo.data == NULL,
           "no options: nothing set");
}

static void test_propagation_words(void)
{
    unsigned long f = 0;
    tap_ok(mountopt_propagation("rslave", &f) == 0 && f == (MS_SLAVE | MS_REC), "rslave word");
    tap_ok(mountopt_propagation("private", &f) == 0 && f == MS_PRIVATE, "private word");
    tap_ok(mountopt_propagation("ro", &f) < 0, "ro is not a propagation");
    tap_ok(mountopt_propagation("bogus", &f) < 0, "bogus is not a propagation");
    tap_ok(mountopt_data_has("mode=755,newinstance", "newinstance"), "data_has finds a flag");
    tap_ok(mountopt_data_has("ptmxmode=0666", "ptmxmode"), "data_has finds a key=value");
    tap_ok(!mountopt_data_has("xnewinstance", "newinstance"), "data_has: whole words only");
    tap_ok(!mountopt_data_has(NULL, "newinstance"), "data_has: NULL data");
}

int main(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        test_case(&cases[i]);
    test_errors();
    test_propagation_words();
    return tap_done();
}
