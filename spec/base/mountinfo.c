/* SPDX-License-Identifier: Apache-2.0 */
#include "spec/base/mountinfo.h"

#include <stdlib.h>
#include <string.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
            r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
            r += 4;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

int mountinfo_parse_line(char *line, mountinfo_line *out)
{
    char *f[5], *save = NULL, *dash, *end;
    size_t n = 0;
    long id;

    line[strcspn(line, "\n")] = '\0';
    dash = strstr(line, " - ");
    if (dash == NULL)
        return -1;
    *dash = '\0';
    for (char *t = strtok_r(line, " ", &save); t && n < 5; t = strtok_r(NULL, " ", &save))
        f[n++] = t; /* id parent dev root mountpoint */
    if (n < 5)
        return -1;
    id = strtol(f[0], &end, 10);
    if (*end != '\0' || id < 0 || id > 0x7fffffff)
        return -1;
    save = NULL;
    out->fstype = strtok_r(dash + 3, " ", &save);
    out->source = out->fstype ? strtok_r(NULL, " ", &save) : NULL;
    out->superopts = out->source ? strtok_r(NULL, " ", &save) : NULL;
    if (out->superopts == NULL)
        return -1;
    out->id = (int)id;
    out->root = f[3];
    out->mountpoint = f[4];
    unescape_octal(out->root);
    unescape_octal(out->mountpoint);
    return 0;
}
