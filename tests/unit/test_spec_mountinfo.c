/* SPDX-License-Identifier: Apache-2.0 */
/* One mountinfo line: fields, optional fields before " - ", \ooo escapes, lines that are not. */
#include "spec/base/mountinfo.h"
#include "tap.h"

#include <stdio.h>

static void parses(const char *text, int id, const char *root, const char *mnt, const char *type,
                   const char *opts, const char *name)
{
    char line[512];
    mountinfo_line mi;
    snprintf(line, sizeof(line), "%s", text);
    if (!tap_ok(mountinfo_parse_line(line, &mi) == 0, "%s: parses", name))
        return;
    tap_ok(mi.id == id, "%s: id %d", name, id);
    tap_streq(mi.root, root, "  root");
    tap_streq(mi.mountpoint, mnt, "  mount point");
    tap_streq(mi.fstype, type, "  filesystem type");
    tap_streq(mi.superopts, opts, "  super options");
}

static void refused(const char *text, const char *name)
{
    char line[512];
    mountinfo_line mi;
    snprintf(line, sizeof(line), "%s", text);
    tap_ok(mountinfo_parse_line(line, &mi) < 0, "%s: refused", name);
}

int main(void)
{
    parses("22 27 0:21 / /proc rw,relatime - proc proc rw\n", 22, "/", "/proc", "proc", "rw",
           "plain line with its newline");
    parses("45 27 254:0 /run/netns /run/netns rw,relatime shared:1 master:2 - ext4 /dev/vda "
           "rw,discard",
           45, "/run/netns", "/run/netns", "ext4", "rw,discard", "optional fields");
    parses("50 27 0:5 /sys /a\\040b\\011c\\134d rw - proc proc rw", 50, "/sys", "/a b\tc\\d",
           "proc", "rw", "escaped space, tab and backslash");
    parses("51 27 0:5 /x\\012y /m rw - sysfs sysfs rw", 51, "/x\ny", "/m", "sysfs", "rw",
           "escaped newline in the root");
    refused("22 27 0:21 / /proc rw,relatime proc proc rw", "no separator");
    refused("22 27 0:21 / - proc proc rw", "too few fields before the separator");
    refused("x 27 0:21 / /proc rw - proc proc rw", "an id that is not a number");
    refused("22 27 0:21 / /proc rw - proc proc", "no super options");
    return tap_done();
}
