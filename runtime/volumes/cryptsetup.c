/* SPDX-License-Identifier: Apache-2.0 */
/* libcryptsetup on demand (systemd loads it the same way): dlopen at the first volume. */
#include "runtime/log.h"
#include "runtime/volumes/internal.h"

#include <dlfcn.h>
#include <stddef.h>

#define LIBCRYPTSETUP "libcryptsetup.so.12"

static void log_to_ward(int level, const char *msg, void *usrptr)
{
    (void)usrptr;
    ward_log_debug("libcryptsetup (%d): %s", level, msg);
}

int cryptsetup_load(const cryptsetup_api **api, ward_err *err)
{
    static cryptsetup_api table;
    static bool loaded;
    static const struct {
        const char *name;
        size_t offset;
    } syms[] = {
        {"crypt_init", offsetof(cryptsetup_api, init)},
        {"crypt_init_by_name", offsetof(cryptsetup_api, init_by_name)},
        {"crypt_format", offsetof(cryptsetup_api, format)},
        {"crypt_activate_by_volume_key", offsetof(cryptsetup_api, activate_by_volume_key)},
        {"crypt_deactivate_by_name", offsetof(cryptsetup_api, deactivate_by_name)},
        {"crypt_wipe", offsetof(cryptsetup_api, wipe)},
        {"crypt_get_device_name", offsetof(cryptsetup_api, get_device_name)},
        {"crypt_set_log_callback", offsetof(cryptsetup_api, set_log_callback)},
        {"crypt_free", offsetof(cryptsetup_api, free)},
        {"crypt_volume_key_keyring", offsetof(cryptsetup_api, volume_key_keyring)},
    };
    void *h;
    if (loaded) {
        *api = &table;
        return 0;
    }
    h = dlopen(LIBCRYPTSETUP, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        return ward_fail(err, "volumes need %s (Debian: libcryptsetup12): %s", LIBCRYPTSETUP,
                         dlerror());
    for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
        void *f = dlsym(h, syms[i].name);
        if (f == NULL)
            return ward_fail(err, "%s: no symbol %s", LIBCRYPTSETUP, syms[i].name);
        *(void **)((char *)&table + syms[i].offset) = f;
    }
    table.set_log_callback(NULL, log_to_ward, NULL);
    loaded = true;
    *api = &table;
    return 0;
}
