/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON record of what Landlock enforced, for state.json and the result manifest. */

#include "runtime/sandbox/internal.h"
#include "runtime/sandbox/landlock_uapi.h"

#include <errno.h>
#include <string.h>
#include <yajl/yajl_gen.h>

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

typedef struct jw {
    yajl_gen g;
    int bad;
} jw;

static void j_str(jw *w, const char *s)
{
    w->bad |= yajl_gen_string(w->g, (const unsigned char *)s, strlen(s));
}

static void j_bits(jw *w, const char *key, const named_bit *names, size_t n, uint64_t bits)
{
    j_str(w, key);
    w->bad |= yajl_gen_array_open(w->g);
    for (size_t i = 0; i < n; i++)
        if (bits & names[i].bit)
            j_str(w, names[i].name);
    w->bad |= yajl_gen_array_close(w->g);
}

static void j_ports(jw *w, const char *key, const landlock_ports *p)
{
    j_str(w, key);
    if (!p->present) {
        w->bad |= yajl_gen_null(w->g); /* not restricted */
        return;
    }
    w->bad |= yajl_gen_array_open(w->g);
    for (size_t i = 0; i < p->n; i++)
        w->bad |= yajl_gen_integer(w->g, p->ports[i]);
    w->bad |= yajl_gen_array_close(w->g);
}

static int j_start(jw *w, ward_err *err)
{
    w->bad = 0;
    w->g = yajl_gen_alloc(NULL);
    if (w->g == NULL)
        return ward_fail_errno(err, ENOMEM, "landlock: report");
    w->bad |= yajl_gen_map_open(w->g);
    return 0;
}

static int j_finish(jw *w, char **out, ward_err *err)
{
    const unsigned char *buf;
    size_t len;
    w->bad |= yajl_gen_map_close(w->g);
    if (w->bad || yajl_gen_get_buf(w->g, &buf, &len) != yajl_gen_status_ok) {
        yajl_gen_free(w->g);
        return ward_fail(err, "landlock: generating the report");
    }
    *out = strndup((const char *)buf, len);
    yajl_gen_free(w->g);
    return *out ? 0 : ward_fail_errno(err, ENOMEM, "landlock: report");
}

int landlock_report_disabled(int abi, const char *reason, char **out, ward_err *err)
{
    jw w;
    if (j_start(&w, err) < 0)
        return -1;
    j_str(&w, "enabled");
    w.bad |= yajl_gen_bool(w.g, 0);
    j_str(&w, "abi");
    w.bad |= yajl_gen_integer(w.g, abi);
    j_str(&w, "reason");
    j_str(&w, reason);
    return j_finish(&w, out, err);
}

int landlock_report(int abi, uint64_t fs, uint64_t net, uint64_t scoped, size_t rules, bool special,
                    bool log_new_exec, const landlock_ports *bind, const landlock_ports *connect,
                    char **out, ward_err *err)
{
    jw w;
    if (j_start(&w, err) < 0)
        return -1;
    j_str(&w, "enabled");
    w.bad |= yajl_gen_bool(w.g, 1);
    j_str(&w, "abi");
    w.bad |= yajl_gen_integer(w.g, abi);
    j_bits(&w, "handled_fs", fs_names, sizeof(fs_names) / sizeof(fs_names[0]), fs);
    j_bits(&w, "handled_net", net_names, sizeof(net_names) / sizeof(net_names[0]), net);
    j_bits(&w, "scoped", scope_names, sizeof(scope_names) / sizeof(scope_names[0]), scoped);
    j_str(&w, "rules");
    w.bad |= yajl_gen_integer(w.g, (long long)rules);
    j_ports(&w, "tcp_bind", bind);
    j_ports(&w, "tcp_connect", connect);
    j_str(&w, "special_files");
    w.bad |= yajl_gen_bool(w.g, special);
    j_str(&w, "audit_after_exec");
    w.bad |= yajl_gen_bool(w.g, log_new_exec);
    return j_finish(&w, out, err);
}
