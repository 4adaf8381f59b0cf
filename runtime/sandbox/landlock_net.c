/* SPDX-License-Identifier: Apache-2.0 */
/* The TCP port annotations of Landlock ABI 4: "80,443" (spaces around a port are allowed). */

#include "runtime/sandbox/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *annotation(const spec_config *cfg, const char *key)
{
    for (size_t i = 0; i < cfg->annotations.len; i++)
        if (cfg->annotations.items[i].key && strcmp(cfg->annotations.items[i].key, key) == 0)
            return cfg->annotations.items[i].value ? cfg->annotations.items[i].value : "";
    return NULL;
}

/* One port: decimal digits, no sign, no leading zero, 1..65535. */
static int parse_port(const char *s, size_t len, uint16_t *port)
{
    unsigned long v = 0;
    while (len > 0 && *s == ' ') {
        s++;
        len--;
    }
    while (len > 0 && s[len - 1] == ' ')
        len--;
    if (len == 0 || len > 5 || s[0] == '0')
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

int landlock_parse_ports(const char *value, const char *what, landlock_ports *out, ward_err *err)
{
    const char *p = value;

    memset(out, 0, sizeof(*out));
    out->present = true;
    if (*value == '\0')
        return 0; /* present but empty: no port at all */
    out->ports = calloc(strlen(value) / 2 + 1, sizeof(*out->ports));
    if (out->ports == NULL)
        return ward_fail_errno(err, ENOMEM, "%s", what);
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        uint16_t port;
        if (parse_port(p, len, &port) < 0) {
            ward_fail(err, "annotation %s: \"%.*s\" is not a TCP port (1..65535)", what, (int)len,
                      p);
            free(out->ports);
            out->ports = NULL;
            return -1;
        }
        out->ports[out->n++] = port;
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

int landlock_net_from_spec(const spec_config *cfg, landlock_ports *bind, landlock_ports *connect,
                           ward_err *err)
{
    const char *b = annotation(cfg, SANDBOX_ANN_NET_BIND);
    const char *c = annotation(cfg, SANDBOX_ANN_NET_CONNECT);

    memset(bind, 0, sizeof(*bind));
    memset(connect, 0, sizeof(*connect));
    if (b && landlock_parse_ports(b, SANDBOX_ANN_NET_BIND, bind, err) < 0)
        return -1;
    if (c && landlock_parse_ports(c, SANDBOX_ANN_NET_CONNECT, connect, err) < 0) {
        free(bind->ports);
        bind->ports = NULL;
        return -1;
    }
    return 0;
}
