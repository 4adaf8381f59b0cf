/* SPDX-License-Identifier: Apache-2.0 */
/* Docker reference grammar (distribution/reference's regexps, written out as small scanners). */
#include "attest/imgref.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* domain-component ('.' domain-component)* (':' port)? */
static bool valid_domain(const char *s, size_t len)
{
    size_t i = 0;
    for (;;) {
        size_t start = i;
        while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '-'))
            i++;
        if (i == start || s[start] == '-' || s[i - 1] == '-')
            return false;
        if (i < len && s[i] == '.') {
            i++;
            continue;
        }
        break;
    }
    if (i < len && s[i] == ':') {
        size_t start = ++i;
        while (i < len && isdigit((unsigned char)s[i]))
            i++;
        if (i == start)
            return false;
    }
    return i == len;
}

/* alpha-numeric (separator alpha-numeric)*, separator = [_.] | __ | -+ */
static bool valid_path_component(const char *s, size_t len)
{
    size_t i = 0;
    if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
        return false;
    while (i < len) {
        if (is_lower_alnum(s[i])) {
            i++;
            continue;
        }
        if (s[i] == '.' || (s[i] == '_' && s[i + 1] != '_'))
            i++;
        else if (s[i] == '_')
            i += 2;
        else if (s[i] == '-')
            while (i < len && s[i] == '-')
                i++;
        else
            return false;
        if (i >= len || !is_lower_alnum(s[i]))
            return false;
    }
    return true;
}

/* [\w][\w.-]{0,127} */
static bool valid_tag(const char *s, size_t len)
{
    if (len == 0 || len > IMG_TAG_MAX || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
            return false;
    return true;
}

bool img_digest_valid(const char *s)
{
    if (strncmp(s, "sha256:", 7) != 0 || strlen(s + 7) != 64)
        return false;
    for (const char *p = s + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static bool is_64_hex(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

int img_ref_parse(const char *s, img_ref *out, ward_err *err)
{
    char work[IMG_REF_MAX + 32];
    const char *slash, *domain, *rest, *p, *tagsep;
    size_t domain_len, rest_len;
    bool library;

    memset(out, 0, sizeof(*out));
    if (strlen(s) >= IMG_REF_MAX)
        return ward_fail(err, "invalid reference \"%.64s...\": too long", s);
    if (is_64_hex(s))
        return ward_fail(
            err, "invalid repository name (%s), cannot specify 64-byte hexadecimal strings", s);

    /* The digest first: everything after '@'. */
    snprintf(work, sizeof(work), "%s", s);
    char *at = strchr(work, '@');
    if (at != NULL) {
        *at = '\0';
        if (!img_digest_valid(at + 1))
            return ward_fail(err, "invalid reference \"%s\": digest must be sha256:<64 hex>", s);
        snprintf(out->digest, sizeof(out->digest), "%s", at + 1);
    }

    /* splitDockerDomain */
    slash = strchr(work, '/');
    if (slash == NULL ||
        (strcspn(work, ".:") >= (size_t)(slash - work) && strncmp(work, "localhost/", 10) != 0)) {
        domain = "docker.io";
        domain_len = strlen(domain);
        rest = work;
    } else {
        domain = work;
        domain_len = (size_t)(slash - work);
        rest = slash + 1;
    }
    if (domain_len == 15 && strncmp(domain, "index.docker.io", 15) == 0) {
        domain = "docker.io";
        domain_len = 9;
    }
    library = domain_len == 9 && strncmp(domain, "docker.io", 9) == 0 && strchr(rest, '/') == NULL;

    /* The tag: a ':' after the last '/' of the remainder. */
    p = strrchr(rest, '/');
    tagsep = strchr(p ? p : rest, ':');
    rest_len = tagsep ? (size_t)(tagsep - rest) : strlen(rest);
    for (size_t i = 0; i < rest_len; i++)
        if (isupper((unsigned char)rest[i]))
            return ward_fail(err, "invalid reference \"%s\": repository name must be lowercase", s);
    if (!valid_domain(domain, domain_len))
        return ward_fail(err, "invalid reference \"%s\": bad host \"%.*s\"", s, (int)domain_len,
                         domain);
    for (const char *c = rest, *end = rest + rest_len; c <= end;) {
        const char *next = memchr(c, '/', (size_t)(end - c));
        size_t clen = next ? (size_t)(next - c) : (size_t)(end - c);
        if (!valid_path_component(c, clen))
            return ward_fail(err, "invalid reference \"%s\": bad path component \"%.*s\"", s,
                             (int)clen, c);
        if (next == NULL)
            break;
        c = next + 1;
    }
    if (tagsep != NULL) {
        if (!valid_tag(tagsep + 1, strlen(tagsep + 1)))
            return ward_fail(err, "invalid reference \"%s\": bad tag \"%s\"", s, tagsep + 1);
        snprintf(out->tag, sizeof(out->tag), "%s", tagsep + 1);
    }
    if (domain_len + 1 + (library ? 8 : 0) + rest_len > IMG_NAME_MAX)
        return ward_fail(err,
                         "invalid reference \"%s\": repository name must not be more than "
                         "255 characters",
                         s);
    snprintf(out->name, sizeof(out->name), "%.*s/%s%.*s", (int)domain_len, domain,
             library ? "library/" : "", (int)rest_len, rest);
    return 0;
}

int img_ref_parse_image(const char *s, img_ref *out, ward_err *err)
{
    if (img_ref_parse(s, out, err) < 0)
        return -1;
    if (out->tag[0] && out->digest[0])
        return ward_fail(err, "reference \"%s\": a tag and a digest together are not supported", s);
    if (img_ref_name_only(out))
        snprintf(out->tag, sizeof(out->tag), "latest");
    return 0;
}

bool img_ref_name_only(const img_ref *r)
{
    return r->tag[0] == '\0' && r->digest[0] == '\0';
}

const char *img_ref_string(const img_ref *r, char buf[IMG_REF_MAX])
{
    snprintf(buf, IMG_REF_MAX, "%s%s%s%s%s", r->name, r->tag[0] ? ":" : "", r->tag,
             r->digest[0] ? "@" : "", r->digest);
    return buf;
}
