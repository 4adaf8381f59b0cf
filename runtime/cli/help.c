/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every command's help: usage, what it does, its options and one example. The same table tells
 * the dispatcher which options take a value, so that `--help` is found among a command's own
 * options and never among the arguments of the process it runs (`ward exec ID ls -h`).
 * The man pages (doc/, scdoc sources) say the same; tests/integration/test_help.py checks that they
 * do.
 */
#include "runtime/cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

typedef struct help_opt {
    const char *flags; /* "-b, --bundle DIR": a word after a flag means it takes a value */
    const char *text;
} help_opt;

typedef struct command_help {
    const char *name;
    const char *args; /* after "ward [GLOBAL OPTIONS] NAME" */
    const char *about;
    help_opt opts[20];
    const char *example;
} command_help;

#define HELP_OPT                                                                                   \
    {                                                                                              \
        "-h, --help", "print this help"                                                            \
    }

#define CREATE_OPTS                                                                                \
    {"-b, --bundle DIR", "the bundle holding config.json (default: the current directory)"},       \
        {"--pid-file FILE", "write the container init's pid to FILE"},                             \
        {"--console-socket SOCK", "send the terminal's master fd to this unix socket"},            \
        {"--preserve-fds N", "pass N fds after stdio (3 .. 3+N-1) to the container"},              \
        {"--no-pivot", "enter the rootfs with MS_MOVE + chroot instead of pivot_root"},            \
    {                                                                                              \
        "--no-new-keyring", "accepted for runc compatibility (ward never makes a keyring)"         \
    }

static const command_help helps[] = {
    {"create",
     "[OPTIONS] ID",
     "Create a container from a bundle: its init prepares everything and waits for `start`.",
     {CREATE_OPTS, HELP_OPT},
     "ward create --bundle /srv/bundles/job1 job1"},
    {"start", "ID", "Start the process of a created container.", {HELP_OPT}, "ward start job1"},
    {"run",
     "[OPTIONS] ID",
     "Create and start a container, then wait for it; the exit status is the container's.",
     {CREATE_OPTS,
      {"-d, --detach", "return once started, without waiting"},
      {"--result FILE", "write the signed result manifest (DSSE, secp256k1) when it ends"},
      {"--outputs PATH", "a path in the container whose files the manifest hashes (repeatable)"},
      HELP_OPT},
     "ward run --bundle /srv/bundles/job1 job1"},
    {"state",
     "ID",
     "Print a container's OCI state as JSON, with ward's record of the protections in force.",
     {HELP_OPT},
     "ward state job1"},
    {"kill",
     "[OPTIONS] ID [SIGNAL]",
     "Send a signal (default TERM; a name, SIGNAME or number) to a container's init.",
     {{"-a, --all", "signal every process of the container"},
      {"-s, --signal SIGNAL", "the signal (same as the SIGNAL argument)"},
      HELP_OPT},
     "ward kill job1 KILL"},
    {"delete",
     "[OPTIONS] ID",
     "Delete a stopped container: its state, cgroup and everything create made.",
     {{"-f, --force", "kill a running container first"},
      {"--result FILE", "write the signed result manifest of a stopped container first"},
      {"--outputs PATH", "a path in the container whose files the manifest hashes (repeatable)"},
      HELP_OPT},
     "ward delete --force job1"},
    {"exec",
     "[OPTIONS] ID [--] COMMAND [ARG...]",
     "Run a process inside a running container, under the same sandbox as its init.",
     {{"-p, --process FILE", "the process as an OCI process JSON document ('-': stdin)"},
      {"-d, --detach", "return once the process started"},
      {"-t, --tty", "give the process a terminal (with --console-socket when detached)"},
      {"--pid-file FILE", "write the process's pid to FILE"},
      {"--console-socket SOCK", "send the terminal's master fd to this unix socket"},
      {"--cwd DIR", "working directory inside the container"},
      {"-e, --env KEY=VALUE", "add an environment variable (repeatable)"},
      {"-u, --user UID[:GID]", "run as this user"},
      {"-c, --cap CAP", "add a capability (repeatable)"},
      {"--preserve-fds N", "pass N fds after stdio to the process"},
      {"--no-new-privs", "accepted for runc compatibility (ward always sets no_new_privs)"},
      {"--process-label LABEL", "SELinux label: not supported, warned about and ignored"},
      {"--apparmor PROFILE", "AppArmor profile: not supported, warned about and ignored"},
      HELP_OPT},
     "ward exec job1 -- ps aux"},
    {"pause", "ID", "Freeze every process of a container.", {HELP_OPT}, "ward pause job1"},
    {"resume", "ID", "Thaw a paused container.", {HELP_OPT}, "ward resume job1"},
    {"ps",
     "[OPTIONS] ID",
     "List the processes of a container (host pids).",
     {{"-f, --format FORMAT", "table (default) or json"}, HELP_OPT},
     "ward ps --format json job1"},
    {"update",
     "[OPTIONS] ID",
     "Change a running container's resource limits (and record them in its saved config).",
     {{"-r, --resources FILE", "a LinuxResources JSON document ('-': stdin)"},
      {"--memory SIZE", "memory limit (e.g. 256m)"},
      {"--memory-swap SIZE", "memory + swap limit"},
      {"--memory-reservation SIZE", "memory soft limit"},
      {"--kernel-memory SIZE", "kernel memory limit (cgroup v1)"},
      {"--kernel-memory-tcp SIZE", "kernel TCP buffer limit (cgroup v1)"},
      {"--cpu-shares N", "CPU weight (shares)"},
      {"--cpu-quota N", "CPU time per period in microseconds (-1: none)"},
      {"--cpu-period N", "CPU period in microseconds"},
      {"--cpu-rt-period N", "realtime period in microseconds"},
      {"--cpu-rt-runtime N", "realtime runtime in microseconds"},
      {"--cpuset-cpus LIST", "CPUs the container may use (e.g. 0-1)"},
      {"--cpuset-mems LIST", "memory nodes the container may use"},
      {"--pids-limit N", "most processes at once (-1: none)"},
      {"--blkio-weight N", "block I/O weight (10-1000)"},
      HELP_OPT},
     "ward update --memory 512m --pids-limit 100 job1"},
    {"events",
     "[OPTIONS] ID",
     "Print a container's cgroup stats as JSON lines, every interval or once.",
     {{"--stats", "print the stats once and exit"},
      {"--interval DURATION", "time between lines (default 5s; at least 10ms)"},
      HELP_OPT},
     "ward events --stats job1"},
    {"list",
     "[OPTIONS]",
     "List the containers under the state root.",
     {{"-f, --format FORMAT", "table (default) or json"},
      {"-q, --quiet", "print only the ids"},
      HELP_OPT},
     "ward list --format json"},
    {"spec",
     "[OPTIONS]",
     "Write a default config.json (whole sandbox on) into the bundle directory.",
     {{"-b, --bundle DIR", "where to write config.json (default: the current directory)"},
      {"-r, --rootless", "a config for a user namespace of the calling user"},
      HELP_OPT},
     "mkdir b && cd b && ward spec"},
    {"features",
     "",
     "Print the runtime-spec features document of this ward and host.",
     {HELP_OPT},
     "ward features"},
    {"help", "[COMMAND]", "Print ward's help, or a command's.", {HELP_OPT}, "ward help run"},
};

static const command_help *find_help(const char *cmd)
{
    for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
        if (strcmp(helps[i].name, cmd) == 0)
            return &helps[i];
    return NULL;
}

int cli_help(const char *cmd)
{
    const command_help *h = find_help(cmd);
    if (h == NULL)
        return cli_usage_error("help", "unknown command \"%s\" (see ward --help)", cmd);
    printf("Usage: ward [GLOBAL OPTIONS] %s%s%s\n\n%s\n\nOptions:\n", h->name, *h->args ? " " : "",
           h->args, h->about);
    for (const help_opt *o = h->opts; o->flags; o++)
        printf("  %-28s %s\n", o->flags, o->text);
    printf("\nExample:\n  %s\n\nSee ward --help for the global options.\n", h->example);
    return 0;
}

/* Whether arg names one of h's options that takes a value in the next argument. */
static bool takes_value(const command_help *h, const char *arg)
{
    size_t n = strlen(arg);
    for (const help_opt *o = h->opts; o->flags; o++) {
        const char *space = strrchr(o->flags, ' ');
        const char *f = o->flags;
        if (space == NULL || strchr(space, '-') != NULL)
            continue; /* no value word after the last flag */
        while ((f = strstr(f, arg)) != NULL) {
            if ((f == o->flags || f[-1] == ' ') && (f[n] == ' ' || f[n] == ','))
                return true;
            f += n;
        }
    }
    return false;
}

bool cli_wants_help(const char *cmd, int argc, char **argv)
{
    const command_help *h = find_help(cmd);
    if (h == NULL)
        return false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return true;
        if (strcmp(a, "--") == 0 || a[0] != '-' || a[1] == '\0')
            return false; /* the first operand: what follows is the command's, not ward's */
        if (strchr(a, '=') == NULL && takes_value(h, a))
            i++;
    }
    return false;
}

int cmd_help(ward_ctx *ctx, int argc, char **argv)
{
    if (argc > 2)
        return cli_usage_error("help", "too many arguments");
    if (argc == 2 && strcmp(argv[1], "attest") == 0) {
        /* these commands and their options are their helpers': the helper prints them */
        char *helper_argv[] = {"attest", "--help", NULL};
        optind = 1;
        return cmd_attest(ctx, 2, helper_argv);
    }
    if (argc == 2 && (strcmp(argv[1], "key") == 0 || strcmp(argv[1], "manifest") == 0 ||
                      strcmp(argv[1], "image") == 0)) {
        char *helper_argv[] = {argv[1], "--help", NULL};
        optind = 1;
        if (strcmp(argv[1], "image") == 0)
            return cmd_image(ctx, 2, helper_argv);
        return strcmp(argv[1], "key") == 0 ? cmd_key(ctx, 2, helper_argv)
                                           : cmd_manifest(ctx, 2, helper_argv);
    }
    if (argc == 2)
        return cli_help(argv[1]);
    cli_print_usage();
    return 0;
}

int cli_bad_option(const char *cmd, char **argv)
{
    /* opterr is off (main): getopt left the offending word at argv[optind - 1] */
    const char *word = optind > 0 ? argv[optind - 1] : "?";
    return cli_usage_error(cmd, "unknown option or missing value: %s (see ward %s --help)", word,
                           cmd);
}
