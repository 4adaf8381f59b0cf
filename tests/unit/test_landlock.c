/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Landlock derived from a spec, applied in forked children beneath a temp "rootfs": writes only
 * where the spec makes them writable, no fifo without the host's permission, abstract unix
 * sockets and signals scoped, TCP ports from annotations. Each denial has a control without
 * Landlock that proves the same operation works.
 */

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "runtime/sandbox/internal.h"
#include "tests/unit/tap.h"
#include "tests/unit/seccomp_helpers.h"

static char tmpdir[] = "/tmp/ward-landlock-XXXXXX";
static char rootfs[256];

typedef struct ll_run {
    const spec_config *cfg;
    const ward_hostconf *hc;
    bool landlock;
    bool new_netns;
    probe_fn fn;
    void *arg;
} ll_run;

static int ll_child(void *a)
{
    ll_run *r = a;
    char *report = NULL;
    ward_err err = {0};
    if (r->new_netns && unshare(CLONE_NEWNET) < 0)
        return 203;
    if (r->landlock && sandbox_landlock_apply_beneath(r->cfg, r->hc, rootfs, &report, &err) < 0) {
        fprintf(stderr, "# landlock: %s\n", err.msg);
        return CHILD_SETUP_FAILED;
    }
    free(report);
    return r->fn(r->arg);
}

/* Result of fn under Landlock (landlock = true) or without it. */
static int run_ll(const spec_config *cfg, const ward_hostconf *hc, bool landlock, probe_fn fn,
                  void *arg)
{
    ll_run r = {cfg, hc, landlock, false, fn, arg};
    return child_exit_code(run_confined(NULL, ll_child, &r));
}

static int p_create(void *a)
{
    char path[512];
    int fd;
    snprintf(path, sizeof(path), "%s/%s", tmpdir, (const char *)a);
    unlink(path);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return errno;
    close(fd);
    unlink(path);
    return 0;
}

static int p_read(void *a)
{
    char path[512], buf[8];
    int fd;
    snprintf(path, sizeof(path), "%s/%s", tmpdir, (const char *)a);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return errno;
    if (read(fd, buf, sizeof(buf)) < 0)
        return errno;
    close(fd);
    return 0;
}

static int p_mkfifo(void *a)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, (const char *)a);
    unlink(path);
    if (mkfifo(path, 0600) < 0)
        return errno;
    unlink(path);
    return 0;
}

static void test_fs(const spec_config *cfg, spec_config *rw_root)
{
    ward_hostconf special;
    ward_hostconf_init(&special);
    special.landlock_allow_special = true;

    tap_ok(run_ll(cfg, NULL, true, p_create, "root/data/f") == 0, "write in a rw mount works");
    tap_ok(run_ll(cfg, NULL, true, p_create, "root/ro/f") == EACCES, "write in a ro mount: EACCES");
    tap_ok(run_ll(cfg, NULL, false, p_create, "root/ro/f") == 0,
           "control: same write without Landlock");
    tap_ok(run_ll(cfg, NULL, true, p_create, "root/f") == EACCES,
           "write in a readonly root: EACCES");
    tap_ok(run_ll(cfg, NULL, true, p_read, "root/ro/existing") == 0, "read in a ro mount works");
    tap_ok(run_ll(cfg, NULL, true, p_read, "outside") == EACCES, "read outside the root: EACCES");
    tap_ok(run_ll(cfg, NULL, false, p_read, "outside") == 0,
           "control: read outside without Landlock");
    tap_ok(run_ll(rw_root, NULL, true, p_create, "root/f") == 0,
           "write in the root when root.readonly is false");
    tap_ok(run_ll(cfg, NULL, true, p_mkfifo, "root/data/fifo") == EACCES,
           "mkfifo in a rw mount: EACCES by default");
    tap_ok(run_ll(cfg, &special, true, p_mkfifo, "root/data/fifo") == 0,
           "mkfifo works with landlock.allow_special_files");
    tap_ok(run_ll(cfg, NULL, false, p_mkfifo, "root/data/fifo") == 0,
           "control: mkfifo without Landlock");
}

static int p_connect_abstract(void *a)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    const char *name = a;
    int s = socket(AF_UNIX, SOCK_STREAM, 0), r;
    memcpy(addr.sun_path + 1, name, strlen(name));
    r = connect(s, (struct sockaddr *)&addr,
                (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name)));
    r = r < 0 ? errno : 0;
    close(s);
    return r;
}

static int p_kill(void *a)
{
    return ERRNO_OF(kill(*(pid_t *)a, SIGCONT));
}

static int p_kill_own_child(void *a)
{
    pid_t pid = fork();
    int r;
    if (pid == 0) {
        pause();
        _exit(0);
    }
    r = ERRNO_OF(kill(pid, SIGKILL));
    waitpid(pid, NULL, 0);
    return r;
}

static void test_scoping(const spec_config *cfg, int abi)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    char name[64];
    int srv;
    pid_t sleeper;

    if (abi < 6) {
        tap_skip(5, "this kernel's Landlock ABI %d has no scoping (ABI 6)", abi);
        return;
    }
    snprintf(name, sizeof(name), "ward-landlock-test-%d", (int)getpid());
    memcpy(addr.sun_path + 1, name, strlen(name));
    srv = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(srv, (struct sockaddr *)&addr,
             (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name))) < 0 ||
        listen(srv, 4) < 0)
        printf("# abstract socket setup failed: %s\n", strerror(errno));
    tap_ok(run_ll(cfg, NULL, true, p_connect_abstract, name) == EPERM,
           "connect to the host's abstract socket: EPERM");
    tap_ok(run_ll(cfg, NULL, false, p_connect_abstract, name) == 0,
           "control: the same connect without Landlock works");
    close(srv);

    sleeper = child_fork();
    if (sleeper == 0) {
        pause();
        _exit(0);
    }
    tap_ok(run_ll(cfg, NULL, true, p_kill, &sleeper) == EPERM,
           "kill() of a process outside the domain: EPERM");
    tap_ok(run_ll(cfg, NULL, false, p_kill, &sleeper) == 0,
           "control: the same kill without Landlock");
    tap_ok(run_ll(cfg, NULL, true, p_kill_own_child, NULL) == 0,
           "kill() of a child inside the domain works");
    kill(sleeper, SIGKILL);
    child_wait(sleeper, -1);
}

/* bit 0: bind 18080 failed EACCES; bit 1: bind 18081 failed EACCES; bit 2: connect EACCES */
static int p_net(void *a)
{
    int r = 0;
    for (int i = 0; i < 2; i++) {
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(18080 + i)};
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            if (errno != EACCES)
                return 100 + errno;
            r |= 1 << i;
        }
        close(s);
    }
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons(18080), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno == EACCES)
        r |= 4;
    close(s);
    return r;
}

static void test_net(spec_config *cfg, int abi)
{
    spec_kv ann[] = {{SANDBOX_ANN_NET_BIND, "18080"}, {SANDBOX_ANN_NET_CONNECT, ""}};
    spec_kv bad[] = {{SANDBOX_ANN_NET_BIND, "80,0"}};
    ll_run r = {cfg, NULL, true, true, p_net, NULL};
    char *report = NULL;
    ward_err err = {0};

    cfg->annotations.items = ann;
    cfg->annotations.len = 2;
    if (abi < 4) {
        tap_skip(2, "this kernel's Landlock ABI %d has no TCP rules (ABI 4)", abi);
    } else {
        tap_ok(child_exit_code(run_confined(NULL, ll_child, &r)) == (2 | 4),
               "bind to the listed port works, to another EACCES; connect=\"\" denies connect");
        r.landlock = false;
        tap_ok(child_exit_code(run_confined(NULL, ll_child, &r)) == 0,
               "control: both binds and no EACCES on connect without Landlock");
        r.landlock = true;
    }
    cfg->annotations.len = 0;
    tap_ok(child_exit_code(run_confined(NULL, ll_child, &r)) == 0,
           "without the annotations TCP is not restricted");
    cfg->annotations.items = bad;
    cfg->annotations.len = 1;
    tap_ok(sandbox_landlock_apply_beneath(cfg, NULL, rootfs, &report, &err) < 0 &&
               strstr(err.msg, "\"0\" is not a TCP port"),
           "a bad port is an error before anything is enforced: %s", err.msg);
    cfg->annotations.len = 0;
}

static void test_ports(void)
{
    static const struct {
        const char *in;
        int ok;
        size_t n;
    } cases[] = {{"80,443", 1, 2}, {" 80 , 443 ", 1, 2}, {"", 1, 0},    {"65535", 1, 1},
                 {"0", 0, 0},      {"65536", 0, 0},      {"08", 0, 0},  {"80,,81", 0, 0},
                 {"80,", 0, 0},    {"-1", 0, 0},         {"80a", 0, 0}, {"+80", 0, 0},
                 {",", 0, 0},      {"123456", 0, 0}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        landlock_ports p;
        ward_err err = {0};
        int r = landlock_parse_ports(cases[i].in, "test", &p, &err);
        tap_ok(cases[i].ok ? (r == 0 && p.present && p.n == cases[i].n) : r < 0, "ports \"%s\" %s",
               cases[i].in, cases[i].ok ? "parse" : "are refused");
        if (r == 0)
            free(p.ports);
    }
}

/* Apply Landlock in a child and return the report it produced (or the error). */
static void report_of(const spec_config *cfg, char *buf, size_t len)
{
    int pfd[2];
    pid_t pid;
    ssize_t n;
    buf[0] = '\0';
    if (pipe(pfd) < 0)
        return;
    pid = child_fork();
    if (pid == 0) {
        char *report = NULL;
        ward_err err = {0};
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        if (sandbox_landlock_apply_beneath(cfg, NULL, rootfs, &report, &err) < 0)
            report = err.msg;
        if (write(pfd[1], report, strlen(report)) < 0)
            _exit(1);
        _exit(0);
    }
    close(pfd[1]);
    n = read(pfd[0], buf, len - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(pfd[0]);
    child_wait(pid, -1);
}

/* Own pid and network namespaces already isolate signals and abstract sockets: no scoping. */
static void test_scoping_follows_namespaces(const spec_config *cfg, int abi)
{
    spec_namespace ns[2] = {{.type = SPEC_NS_PID}, {.type = SPEC_NS_NETWORK}};
    spec_config own = *cfg;
    char buf[2048];
    own.linux_.namespaces = ns;
    own.linux_.n_namespaces = 2;
    report_of(&own, buf, sizeof(buf));
    printf("# report with own pid+net namespaces: %s\n", buf);
    tap_ok(abi < 6 || strstr(buf, "\"scoped\":[]") != NULL,
           "own pid and network namespaces: nothing scoped (ward exec can still signal)");
    own.linux_.n_namespaces = 1;
    report_of(&own, buf, sizeof(buf));
    tap_ok(abi < 6 || strstr(buf, "\"scoped\":[\"abstract_unix_socket\"]") != NULL,
           "host network namespace: abstract unix sockets scoped");
}

static void test_report(const spec_config *cfg, int abi)
{
    char buf[2048];
    ward_hostconf off;

    ward_hostconf_init(&off);
    off.landlock_off = true;
    report_of(cfg, buf, sizeof(buf));
    printf("# report: %s\n", buf);
    char want[32];
    snprintf(want, sizeof(want), "\"abi\":%d", abi);
    tap_ok(strstr(buf, "\"enabled\":true") && strstr(buf, want) &&
               strstr(buf, "\"handled_fs\":[") && strstr(buf, "\"rules\":") &&
               (abi < 5 || strstr(buf, "\"ioctl_dev\"")) &&
               (abi < 6 || strstr(buf, "\"scoped\":[\"abstract_unix_socket\",\"signal\"]")),
           "report says what was enforced");
    tap_ok(run_ll(cfg, &off, true, p_read, "outside") == 0,
           "landlock = off in the host config: nothing enforced");
    char *rep = NULL;
    ward_err err = {0};
    int r = sandbox_landlock_apply_beneath(cfg, &off, rootfs, &rep, &err);
    printf("# report when off: %s\n", rep ? rep : err.msg);
    tap_ok(r == 0 && rep && strstr(rep, "\"enabled\":false") && strstr(rep, "landlock = off"),
           "... and the report says so");
    free(rep);
}

static int mk(const char *rel, bool dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    if (dir)
        return mkdir(path, 0755);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd < 0 || write(fd, "hello", 5) != 5)
        return -1;
    return close(fd);
}

int main(void)
{
    static char *ro_opts[] = {"rbind", "ro"}, *rw_opts[] = {"rbind", "rw"};
    spec_mount mounts[] = {{.destination = "/data", .options = {rw_opts, 2}},
                           {.destination = "/ro", .options = {ro_opts, 2}}};
    spec_config cfg, rw_root;
    int abi = sandbox_landlock_abi();
    char cmd[300];

    if (mkdtemp(tmpdir) == NULL)
        return 1;
    snprintf(rootfs, sizeof(rootfs), "%s/root", tmpdir);
    if (mk("root", 1) || mk("root/data", 1) || mk("root/ro", 1) || mk("root/ro/existing", 0) ||
        mk("outside", 0))
        return 1;
    memset(&cfg, 0, sizeof(cfg));
    cfg.has_root = true;
    cfg.root.readonly = true;
    cfg.mounts = mounts;
    cfg.n_mounts = 2;
    rw_root = cfg;
    rw_root.root.readonly = false;
    printf("# Landlock ABI %d\n", abi);
    tap_ok(abi >= 1, "the kernel has Landlock");
    test_fs(&cfg, &rw_root);
    test_scoping(&cfg, abi);
    test_scoping_follows_namespaces(&cfg, abi);
    test_net(&cfg, abi);
    test_ports();
    test_report(&cfg, abi);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("# cleanup of %s failed\n", tmpdir);
    return tap_done();
}
