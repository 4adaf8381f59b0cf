/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON record of what Landlock enforced, for state.json and the result manifest. */

#include "runtime/sandbox/internal.h"
#include "runtime/sandbox/landlock_uapi.h"
#include "spec/json_write.h"

typedef struct named_bit {
    uint64_t bit;
    const char *name;
} named_bit;

static const named_bit fs_names[] = {
    {LANDLOCK_ACCESS_FS_EXECUTE, "execute"},       {LANDLOCK_ACCESS_FS_WRITE_FILE, "write_file"},
    {LANDLOCK_ACCESS_FS_READ_FILE, "read_file"},   {LANDLOCK_ACCESS_FS_READ_DIR, "read_dir"},
    {LANDLOCK_ACCESS_FS_REMOVE_DIR, "remove_dir"}, {LANDLOCK_ACCESS_FS_REMOVE_FILE, "remove_file"},
    {LANDLOCK_ACCESS_FS_MAKE_CHAR, "make_char"},   {LANDLOCK_ACCESS_FS_MAKE_DIR, "make_dir"},
    {LANDLOCK_ACCESS_FS_MAKE_REG, "make_reg"},     {LANDLOCK_ACCESS_FS_MAKE_SOCK, "make_sock"},
    {LANDLOCK_ACCESS_FS_MAKE_FIFO, "make_fifo"},   {LANDLOCK_ACCESS_FS_MAKE_BLOCK, "make_block"},
    {LANDLOCK_ACCESS_FS_MAKE_SYM, "make_sym"},     {LANDLOCK_ACCESS_FS_REFER, "refer"},
    {LANDLOCK_ACCESS_FS_TRUNCATE, "truncate"},     {LANDLOCK_ACCESS_FS_IOCTL_DEV, "ioctl_dev"},
};
static const named_bit net_names[] = {
    {LANDLOCK_ACCESS_NET_BIND_TCP, "bind_tcp"},
    {LANDLOCK_ACCESS_NET_CONNECT_TCP, "connect_tcp"},
};
static const named_bit scope_names[] = {
    {LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET, "abstract_unix_socket"},
    {LANDLOCK_SCOPE_SIGNAL, "signal"},
};

static void bits(jwriter *w, const char *key, const named_bit *names, size_t n, uint64_t set)
{
    jw_key(w, key);
    jw_open_array(w);
    for (size_t i = 0; i < n; i++)
        if (set & names[i].bit)
            jw_str(w, names[i].name);
    jw_close_array(w);
}

static void ports(jwriter *w, const char *key, const landlock_ports *p)
{
    jw_key(w, key);
    if (!p->present) {
        jw_null(w); /* not restricted */
        return;
    }
    jw_open_array(w);
    for (size_t i = 0; i < p->n; i++)
        jw_u64(w, p->ports[i]);
    jw_close_array(w);
}

/* {"enabled":B,"abi":N, ... the rest is the caller's; finish() closes it. */
static int start(jwriter *w, bool enabled, int abi, ward_err *err)
{
    if (jw_init(w, false, err) < 0)
        return ward_err_prefix(err, "landlock: report");
    jw_open(w);
    jw_kbool(w, "enabled", enabled);
    jw_ki64(w, "abi", abi);
    return 0;
}

static int finish(jwriter *w, char **out, ward_err *err)
{
    jw_close(w);
    if (jw_finish(w, out, NULL, err) < 0)
        return ward_err_prefix(err, "landlock: generating the report");
    return 0;
}

int landlock_report_disabled(int abi, const char *reason, char **out, ward_err *err)
{
    jwriter w;
    if (start(&w, false, abi, err) < 0)
        return -1;
    jw_kstr(&w, "reason", reason);
    return finish(&w, out, err);
}

int landlock_report(int abi, uint64_t fs, uint64_t net, uint64_t scoped, size_t rules, bool special,
                    bool log_new_exec, const landlock_ports *bind, const landlock_ports *connect,
                    char **out, ward_err *err)
{
    jwriter w;
    if (start(&w, true, abi, err) < 0)
        return -1;
    bits(&w, "handled_fs", fs_names, sizeof(fs_names) / sizeof(fs_names[0]), fs);
    bits(&w, "handled_net", net_names, sizeof(net_names) / sizeof(net_names[0]), net);
    bits(&w, "scoped", scope_names, sizeof(scope_names) / sizeof(scope_names[0]), scoped);
    jw_ku64(&w, "rules", rules);
    ports(&w, "tcp_bind", bind);
    ports(&w, "tcp_connect", connect);
    jw_kbool(&w, "special_files", special);
    jw_kbool(&w, "audit_after_exec", log_new_exec);
    return finish(&w, out, err);
}
