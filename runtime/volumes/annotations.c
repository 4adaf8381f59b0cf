/* SPDX-License-Identifier: Apache-2.0 */
/* ward.volume.NAME=/path,size=1G[,fs=ext4|xfs][,integrity][,persist]: parsed strictly. */
#include "runtime/volumes/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "ward.volume."
/* LUKS2's header takes 16 MiB; below 32 MiB there is hardly a filesystem left. */
#define VOLUME_SIZE_MIN (32ULL << 20)
#define VOLUME_SIZE_MAX (16ULL << 40)

static bool valid_name(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len > VOLUME_NAME_MAX || n[0] == '-' || n[0] == '_')
        return false;
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return false;
    return true;
}

/* "1G", "512M", "1073741824": binary units, K to T. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long n;
    unsigned shift = 0;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    n = strtoull(s, &end, 10);
    if (errno)
        return -1;
    if (*end) {
        const char *units = "KMGT", *u = strchr(units, *end);
        if (u == NULL || end[1] != '\0')
            return -1;
        shift = 10 * (unsigned)(u - units + 1);
    }
    if (n > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)n << shift;
    return 0;
}

/* "/a//b/" -> "/a/b"; NULL for a relative path, "/" or any "." / ".." component. */
static char *normalise_destination(const char *path)
{
    char *out, *o;
    if (path[0] != '/')
        return NULL;
    out = o = malloc(strlen(path) + 1);
    if (out == NULL)
        return NULL;
    for (const char *p = path; *p;) {
        const char *end;
        size_t len;
        while (*p == '/')
            p++;
        end = strchrnul(p, '/');
        len = (size_t)(end - p);
        if (len == 0)
            break;
        if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
            free(out);
            return NULL;
        }
        *o++ = '/';
        memcpy(o, p, len);
        o += len;
        p = end;
    }
    *o = '\0';
    if (o == out) { /* "/" itself */
        free(out);
        return NULL;
    }
    return out;
}

static bool same_destination(const char *a, const char *b)
{
    char *na = normalise_destination(a);
    bool same = na != NULL && strcmp(na, b) == 0;
    free(na);
    return same;
}

static int parse_options(char *opts, const char *key, volume_spec *v, ward_err *err)
{
    bool have_size = false, have_fs = false;
    char *save = NULL;
    for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (strncmp(o, "size=", 5) == 0 && !have_size) {
            if (parse_size(o + 5, &v->size) < 0 || v->size < VOLUME_SIZE_MIN ||
                v->size > VOLUME_SIZE_MAX)
                return ward_fail(err, "annotation %s: size must be 32M to 16T (K, M, G, T: "
                                      "binary units)",
                                 key);
            have_size = true;
        } else if (strncmp(o, "fs=", 3) == 0 && !have_fs) {
            if (strcmp(o + 3, "ext4") == 0)
                v->fs = VOLUME_FS_EXT4;
            else if (strcmp(o + 3, "xfs") == 0)
                v->fs = VOLUME_FS_XFS;
            else
                return ward_fail(err, "annotation %s: fs must be ext4 or xfs", key);
            have_fs = true;
        } else if (strcmp(o, "integrity") == 0 && !v->integrity) {
            v->integrity = true;
        } else if (strcmp(o, "persist") == 0 && !v->persist) {
            v->persist = true;
        } else {
            return ward_fail(err, "annotation %s: unknown or repeated option \"%s\" (size=, "
                                  "fs=, integrity, persist)",
                             key, o);
        }
    }
    if (!have_size)
        return ward_fail(err, "annotation %s: size= is required", key);
    return 0;
}

static int parse_one(const char *key, const char *value, volume_spec *v, ward_err *err)
{
    const char *name = key + strlen(PREFIX);
    char *copy, *comma;
    int rc;
    if (!valid_name(name))
        return ward_fail(err, "annotation %s: a volume name is 1-%d of [a-z0-9_-], starting with "
                              "a letter or digit",
                         key, VOLUME_NAME_MAX);
    strcpy(v->name, name);
    if (strlen(value) > 4096 || (copy = strdup(value)) == NULL)
        return ward_fail_errno(err, ENOMEM, "annotation %s", key);
    comma = strchr(copy, ',');
    if (comma)
        *comma = '\0';
    v->destination = normalise_destination(copy);
    if (v->destination == NULL) {
        free(copy);
        return ward_fail(err, "annotation %s: the value starts with an absolute path in the "
                              "container other than / and without . or .. (\"/scratch,size=1G\")",
                         key);
    }
    rc = comma ? parse_options(comma + 1, key, v, err)
               : ward_fail(err, "annotation %s: size= is required", key);
    free(copy);
    return rc;
}

static int check_destinations(const spec_config *cfg, const volume_list *l, ward_err *err)
{
    for (size_t i = 0; i < l->len; i++) {
        const volume_spec *v = &l->items[i];
        for (size_t m = 0; m < cfg->n_mounts; m++)
            if (same_destination(cfg->mounts[m].destination, v->destination))
                return ward_fail(err, "annotation " PREFIX "%s: mounts[%zu] has the same "
                                      "destination %s (a volume does not shadow a mount)",
                                 v->name, m, v->destination);
        for (size_t k = 0; k < i; k++)
            if (strcmp(l->items[k].destination, v->destination) == 0)
                return ward_fail(err, "annotations " PREFIX "%s and " PREFIX "%s: same "
                                      "destination %s",
                                 l->items[k].name, v->name, v->destination);
    }
    return 0;
}

int volumes_from_config(const spec_config *cfg, volume_list *out, ward_err *err)
{
    const spec_kv_list *a = &cfg->annotations;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < a->len; i++) {
        volume_spec *grown;
        if (strncmp(a->items[i].key, PREFIX, strlen(PREFIX)) != 0)
            continue;
        grown = realloc(out->items, (out->len + 1) * sizeof(*grown));
        if (grown == NULL) {
            volume_list_free(out);
            return ward_fail_errno(err, ENOMEM, "volumes");
        }
        out->items = grown;
        memset(&out->items[out->len], 0, sizeof(volume_spec));
        out->len++;
        if (parse_one(a->items[i].key, a->items[i].value, &out->items[out->len - 1], err) < 0) {
            volume_list_free(out);
            return -1;
        }
    }
    if (check_destinations(cfg, out, err) < 0) {
        volume_list_free(out);
        return -1;
    }
    return 0;
}

void volume_list_free(volume_list *v)
{
    for (size_t i = 0; i < v->len; i++)
        free(v->items[i].destination);
    free(v->items);
    memset(v, 0, sizeof(*v));
}
