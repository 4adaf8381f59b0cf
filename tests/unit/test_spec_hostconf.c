/* SPDX-License-Identifier: Apache-2.0 */
/* The host config (ward.conf): comments, every key's errors, the README's example as pasted. */
#include "spec/hostconf.h"
#include "tests/unit/tap.h"

#include <string.h>

/* Parse text; on failure return the message (static), on success NULL. */
static const char *parse(const char *text, ward_hostconf *hc)
{
    static ward_err err;
    ward_hostconf_init(hc);
    memset(&err, 0, sizeof(err));
    return ward_hostconf_parse(hc, text, "ward.conf", &err) < 0 ? err.msg : NULL;
}

static void refused(const char *text, const char *want, const char *name)
{
    ward_hostconf hc;
    const char *msg = parse(text, &hc);
    if (!tap_ok(msg && strstr(msg, want), "%s", name))
        printf("#   got:  %s\n#   want: ...%s...\n", msg ? msg : "(accepted)", want);
    ward_hostconf_free(&hc);
}

int main(void)
{
    ward_hostconf hc;
    const char *msg;

    /* the README's example, pasted as it stands there */
    msg = parse(
        "seccomp.allow = keyctl            # baseline syscalls this host lets containers use\n"
        "sandbox.no_new_privileges = optional   # default \"required\"\n"
        "landlock = enforce                # or \"off\" (recorded in ward state)\n"
        "landlock.allow_special_files = false   # mknod/mkfifo/socket creation\n"
        "sandbox.kernel_interfaces = readonly   # or \"config\": /proc/sys & co.\n"
        "                                       # config says (default: read-only)\n"
        "tpm.tcti = swtpm:host=127.0.0.1,port=2321\n"
        "tpm.pcr = 23\n"
        "attest.event_log = /var/lib/ward/attest/events.log\n",
        &hc);
    tap_ok(msg == NULL, "the README's example with trailing comments is accepted%s%s",
           msg ? ": " : "", msg ? msg : "");
    tap_ok(msg == NULL && ward_hostconf_seccomp_allows(&hc, "keyctl"), "  seccomp.allow read");
    tap_ok(msg == NULL && hc.nnp_optional, "  no_new_privileges = optional read");
    tap_ok(msg == NULL && hc.tpm_pcr == 23, "  tpm.pcr read");
    tap_streq(hc.event_log, "/var/lib/ward/attest/events.log", "  event_log read without comment");
    ward_hostconf_free(&hc);

    msg = parse("attest.event_log = /var/lib/ward#1/events.log\n", &hc);
    tap_streq(hc.event_log, "/var/lib/ward#1/events.log", "a '#' inside a path is not a comment");
    ward_hostconf_free(&hc);

    refused("no.such.key = true\n", "unknown key \"no.such.key\"", "unknown key (bool value)");
    refused("no.such.key = /a/path\n", "unknown key \"no.such.key\"", "unknown key (path value)");
    refused("no.such.key = relative\n", "unknown key \"no.such.key\"",
            "unknown key (non-path value): not \"must be an absolute path\"");
    refused("tpm.ca_dir = relative/dir\n", "tpm.ca_dir: must be an absolute path",
            "a path key with a relative value");
    refused("tpm.pcr = 24\n", "ward.conf:1: tpm.pcr: must be a PCR index", "tpm.pcr out of range");
    refused("landlock = enforce\nlandlock = off\n", "ward.conf:2: key \"landlock\" given twice",
            "a key given twice");
    refused("landlock = # nothing\n", "landlock: must be", "a value that is only a comment");
    refused("just words\n", "ward.conf:1: expected key = value", "a line without '='");
    return tap_done();
}
