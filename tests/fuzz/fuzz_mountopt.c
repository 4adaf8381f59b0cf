/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mount options (config.json mounts[].options, one per line of the input) turned into mount(2)
 * flags, propagation, mount_setattr attributes and the filesystem data string. Properties: the
 * data fits the kernel's page, holds none of the words ward turns into flags (so "rw" or "suid"
 * never reach a filesystem's own parser behind ward's back), no empty option, and every data key
 * is found by mountopt_data_has.
 */
#include <sys/mount.h>

#include "runtime/rootfs/mountopt.h"
#include "spec/base/cleanup.h"
#include "tests/fuzz/fuzz.h"

/* Words the kernel's option parser takes as superblock flags, and ward's own. */
static const char *const flag_words[] = {
    "ro",         "rw",       "sync",    "async",   "dirsync",  "lazytime",
    "nolazytime", "mand",     "nomand",  "silent",  "loud",     "suid",
    "nosuid",     "dev",      "nodev",   "exec",    "noexec",   "remount",
    "bind",       "rbind",    "shared",  "rshared", "private",  "rprivate",
    "slave",      "rslave",   "rro",     "rrw",     "idmap",    "ridmap",
    "tmpcopyup",  "defaults", "noatime", "atime",   "relatime", "strictatime",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cleanup_free char *text = fuzz_cstring(data, size);
    cleanup_free char **items = calloc(size + 2, sizeof(char *));
    spec_strv opts = {.items = items, .len = 0};
    mount_opts o;
    ward_err err = {0};
    char *save = NULL, *tok, *copy;

    FUZZ_ASSERT(items != NULL, "out of memory");
    /* one option per line; an empty line is an empty option */
    for (char *line = text; line != NULL;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        items[opts.len++] = line;
        line = nl ? nl + 1 : NULL;
    }
    if (mountopt_parse(&opts, &o, &err) == 0) {
        FUZZ_ASSERT(o.n_propagation <= MOUNTOPT_MAX_PROPAGATION, "propagation");
        if (o.data != NULL) {
            FUZZ_ASSERT(strlen(o.data) <= MOUNTOPT_DATA_MAX, "data of %zu bytes", strlen(o.data));
            copy = strdup(o.data);
            for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                char key[4096];
                snprintf(key, sizeof(key), "%.*s", (int)strcspn(tok, "="), tok);
                for (size_t i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++)
                    FUZZ_ASSERT(strcmp(tok, flag_words[i]) != 0, "\"%s\" in data \"%s\"", tok,
                                o.data);
                FUZZ_ASSERT(mountopt_data_has(o.data, key), "\"%s\" not found in \"%s\"", key,
                            o.data);
            }
            FUZZ_ASSERT(strstr(o.data, ",,") == NULL && o.data[0] != ',' &&
                            o.data[strlen(o.data) - 1] != ',',
                        "empty option in \"%s\"", o.data);
            free(copy);
        }
    }
    for (size_t i = 0; i < o.n_propagation; i++) {
        unsigned long f = o.propagation[i] & ~(unsigned long)MS_REC;
        FUZZ_ASSERT(f == MS_SHARED || f == MS_SLAVE || f == MS_PRIVATE || f == MS_UNBINDABLE,
                    "propagation %lx", o.propagation[i]);
    }
    mountopt_clear(&o);
    return 0;
}
