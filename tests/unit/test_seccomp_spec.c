/* SPDX-License-Identifier: Apache-2.0 */
/* The spec's linux.seccomp stacked on the baseline: actions, conditions, errors, NOTIFY. */

#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "tests/unit/tap.h"
#include "tests/unit/seccomp_helpers.h"

static char tmpdir[] = "/tmp/ward-seccomp-spec-XXXXXX";

static spec_config profile(const char *def, spec_seccomp_syscall *sys, size_t n)
{
    spec_config c;
    memset(&c, 0, sizeof(c));
    c.has_process = true;
    c.linux_.seccomp.present = true;
    c.linux_.seccomp.default_action = (char *)def;
    c.linux_.seccomp.syscalls = sys;
    c.linux_.seccomp.n_syscalls = n;
    return c;
}

static sandbox_seccomp *prepare(const spec_config *cfg, ward_err *err)
{
    sandbox_seccomp *s = NULL;
    memset(err, 0, sizeof(*err));
    if (sandbox_seccomp_prepare(cfg, NULL, NULL, &s, err) < 0)
        printf("# prepare: %s\n", err->msg);
    return s;
}

static int p_mkdir(void *a)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/d%d", tmpdir, getpid());
    return ERRNO_OF(mkdir(path, 0700));
}

static int p_keyctl_and_getppid(void *a)
{
    int k = ERRNO_OF(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1));
    int g = ERRNO_OF(syscall(SYS_getppid));
    return g == ENOSYS ? k : 250; /* 250: the spec filter was not in force */
}

/* write to fd 99, 98, 97 (all the same pipe); bit i set = write to fd (99 - i) failed EACCES */
static int p_write_fds(void *a)
{
    int p[2], r = 0;
    if (pipe(p) < 0 || dup2(p[1], 99) < 0 || dup2(p[1], 98) < 0 || dup2(p[1], 97) < 0)
        return 200;
    for (int i = 0; i < 3; i++) {
        ssize_t w = write(99 - i, "x", 1);
        if (w < 0 && errno == EACCES)
            r |= 1 << i;
        else if (w != 1)
            return 201;
    }
    return r;
}

static int p_write_len(void *a)
{
    int p[2], r = 0;
    if (pipe(p) < 0 || dup2(p[1], 99) < 0)
        return 200;
    if (write(99, "abcde", 5) < 0 && errno == EACCES)
        r |= 1;
    if (write(99, "abcd", 4) < 0 && errno == EACCES)
        r |= 2;
    return r;
}

static void test_stacking(void)
{
    static char *mk[] = {"mkdir", "mkdirat"}, *kc[] = {"keyctl", "exit_group", "exit"};
    spec_seccomp_syscall a[] = {
        {.names = {mk, 2}, .action = "SCMP_ACT_ERRNO", .has_errno_ret = true, .errno_ret = EACCES}};
    spec_seccomp_syscall b[] = {{.names = {kc, 3}, .action = "SCMP_ACT_ALLOW"}};
    spec_config c = profile("SCMP_ACT_ALLOW", a, 1);
    ward_err err;
    sandbox_seccomp *s = prepare(&c, &err);

    tap_ok(s && child_exit_code(run_confined(s, p_mkdir, NULL)) == EACCES,
           "spec ERRNO(EACCES) on mkdir gives EACCES");
    tap_ok(child_exit_code(run_confined(NULL, p_mkdir, NULL)) == 0,
           "control: mkdir works unfiltered");
    sandbox_seccomp_free(s);

    c = profile("SCMP_ACT_ERRNO", b, 1);
    c.linux_.seccomp.has_default_errno_ret = true;
    c.linux_.seccomp.default_errno_ret = ENOSYS;
    s = prepare(&c, &err);
    tap_ok(s && child_exit_code(run_confined(s, p_keyctl_and_getppid, NULL)) == EPERM,
           "spec ALLOW on keyctl still gets EPERM from the baseline (spec default ENOSYS "
           "in force)");
    sandbox_seccomp_free(s);
}

static void test_args(void)
{
    static char *wr[] = {"write"};
    spec_seccomp_arg eq99[] = {{0, 99, 0, "SCMP_CMP_EQ"}};
    spec_seccomp_arg same[] = {{0, 99, 0, "SCMP_CMP_EQ"}, {0, 98, 0, "SCMP_CMP_EQ"}};
    spec_seccomp_arg both[] = {{0, 99, 0, "SCMP_CMP_EQ"}, {2, 5, 0, "SCMP_CMP_GE"}};
    spec_seccomp_arg masked[] = {{0, 0xfe, 98, "SCMP_CMP_MASKED_EQ"}};
    spec_seccomp_syscall r = {
        .names = {wr, 1}, .action = "SCMP_ACT_ERRNO", .has_errno_ret = true, .errno_ret = EACCES};
    spec_config c = profile("SCMP_ACT_ALLOW", &r, 1);
    sandbox_seccomp *s;
    ward_err err;

    r.args = eq99, r.n_args = 1;
    s = prepare(&c, &err);
    tap_ok(s && child_exit_code(run_confined(s, p_write_fds, NULL)) == 1,
           "write to fd 99 only is denied (EQ); fds 98, 97 work");
    sandbox_seccomp_free(s);
    r.args = same, r.n_args = 2;
    s = prepare(&c, &err);
    tap_ok(s && child_exit_code(run_confined(s, p_write_fds, NULL)) == 3,
           "two conditions on index 0 are ORed (99 and 98 denied, 97 works)");
    sandbox_seccomp_free(s);
    r.args = both, r.n_args = 2;
    s = prepare(&c, &err);
    tap_ok(s && child_exit_code(run_confined(s, p_write_len, NULL)) == 1,
           "conditions on different indexes are ANDed (fd 99 and len >= 5)");
    sandbox_seccomp_free(s);
    r.args = masked, r.n_args = 1;
    s = prepare(&c, &err);
    tap_ok(s && child_exit_code(run_confined(s, p_write_fds, NULL)) == 3,
           "MASKED_EQ (fd & 0xfe) == 98 denies 98 and 99, not 97");
    sandbox_seccomp_free(s);
}

static void test_unknown_and_errors(void)
{
    static char *names[] = {"no_such_syscall_ward", "mkdir"}, *one[] = {"getpid"};
    static char *bad_flag[] = {"SECCOMP_FILTER_FLAG_BOGUS"}, *bad_arch[] = {"SCMP_ARCH_Z80"};
    static char *log_flag[] = {"SECCOMP_FILTER_FLAG_LOG"};
    spec_seccomp_syscall r = {.names = {names, 2},
                              .action = "SCMP_ACT_ERRNO",
                              .has_errno_ret = true,
                              .errno_ret = EACCES};
    spec_seccomp_arg idx6[] = {{6, 1, 0, "SCMP_CMP_EQ"}};
    spec_config c = profile("SCMP_ACT_ALLOW", &r, 1);
    char *dbg = NULL, *json = NULL;
    size_t dbg_len = 0;
    FILE *mem = open_memstream(&dbg, &dbg_len);
    sandbox_seccomp *s;
    ward_err err;

    sandbox_set_debug(mem);
    s = prepare(&c, &err);
    sandbox_set_debug(NULL);
    fclose(mem);
    tap_ok(s != NULL, "an unknown syscall name is not an error");
    tap_ok(dbg && strstr(dbg, "no_such_syscall_ward") != NULL, "... it is named in a debug line");
    tap_ok(s && child_exit_code(run_confined(s, p_mkdir, NULL)) == EACCES,
           "... and the known name in the same entry still applies");
    if (s && sandbox_seccomp_describe(s, &json, &err) == 0)
        printf("# describe: %s\n", json);
    tap_ok(json && strstr(json, "\"skipped_unknown\":1") != NULL, "describe counts it");
    free(json);
    free(dbg);
    sandbox_seccomp_free(s);

    c.linux_.seccomp.flags.items = log_flag, c.linux_.seccomp.flags.len = 1;
    s = prepare(&c, &err);
    tap_ok(s && child_exit_code(run_confined(s, p_mkdir, NULL)) == EACCES,
           "SECCOMP_FILTER_FLAG_LOG is accepted and the filter loads");
    sandbox_seccomp_free(s);

    struct {
        const char *what, *want;
        void (*set)(spec_config *);
    } cases[] = {
        {"unknown flag", "unknown flag", NULL},
        {"unknown arch", "unknown architecture", NULL},
        {"unknown action", "unknown action", NULL},
        {"errnoRet with LOG", "errnoRet is only valid", NULL},
        {"arg index 6", "out of range", NULL},
        {"NOTIFY as default", "cannot be the default", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        spec_seccomp_syscall rr = {.names = {one, 1}, .action = "SCMP_ACT_ERRNO"};
        spec_config cc = profile("SCMP_ACT_ALLOW", &rr, 1);
        if (i == 0)
            cc.linux_.seccomp.flags.items = bad_flag, cc.linux_.seccomp.flags.len = 1;
        if (i == 1)
            cc.linux_.seccomp.architectures.items = bad_arch,
            cc.linux_.seccomp.architectures.len = 1;
        if (i == 2)
            rr.action = "SCMP_ACT_MAYBE";
        if (i == 3)
            rr.action = "SCMP_ACT_LOG", rr.has_errno_ret = true;
        if (i == 4)
            rr.args = idx6, rr.n_args = 1;
        if (i == 5)
            cc.linux_.seccomp.default_action = "SCMP_ACT_NOTIFY";
        s = prepare(&cc, &err);
        tap_ok(s == NULL && strstr(err.msg, cases[i].want) != NULL, "%s is an error: %s",
               cases[i].what, err.msg);
        sandbox_seccomp_free(s);
    }
}

/* ---- NOTIFY: child loads, sends the listener fd with send_listener, parent answers ---- */

typedef struct notify_arg {
    const sandbox_seccomp *s;
    const spec_config *cfg;
} notify_arg;

static int p_notify_child(void *a)
{
    notify_arg *na = a;
    ward_err err = {0};
    int fd = -1;
    if (sandbox_seccomp_load(na->s, &fd, &err) < 0 || fd < 0)
        return 201;
    if (sandbox_seccomp_send_listener(na->cfg, "{\"ociVersion\":\"1.3.0\",\"id\":\"t\"}", getpid(),
                                      fd, &err) < 0)
        return 202;
    close(fd);
    return p_mkdir(NULL); /* blocks until the parent answers */
}

static int recv_fd(int sock, char *buf, size_t len)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = buf, .iov_len = len - 1};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    struct cmsghdr *c;
    int fd = -1;
    ssize_t n = recvmsg(sock, &msg, 0);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    c = CMSG_FIRSTHDR(&msg);
    if (c && c->cmsg_type == SCM_RIGHTS)
        memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

static void test_notify(void)
{
    static char *mk[] = {"mkdir", "mkdirat"};
    spec_seccomp_syscall r = {.names = {mk, 2}, .action = "SCMP_ACT_NOTIFY"};
    spec_config c = profile("SCMP_ACT_ALLOW", &r, 1);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct seccomp_notif *req = NULL;
    struct seccomp_notif_resp *resp = NULL;
    char path[128], payload[4096];
    int lsock, conn, nfd, status = -1;
    ward_err err;
    sandbox_seccomp *s;
    notify_arg na;
    pid_t pid;

    snprintf(path, sizeof(path), "%s/listener.sock", tmpdir);
    c.linux_.seccomp.listener_path = path;
    c.linux_.seccomp.listener_metadata = "meta-\"quoted\"";
    s = prepare(&c, &err);
    strcpy(addr.sun_path, path);
    lsock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s == NULL || bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(lsock, 1) < 0) {
        tap_ok(0, "notify: setup");
        return;
    }
    na = (notify_arg){s, &c};
    pid = child_fork();
    if (pid == 0)
        _exit(p_notify_child(&na));
    conn = accept(lsock, NULL, NULL);
    nfd = recv_fd(conn, payload, sizeof(payload));
    tap_ok(nfd >= 0, "notify: the listener fd arrives over SCM_RIGHTS");
    printf("# payload: %s\n", payload);
    tap_ok(strstr(payload, "\"fds\":[\"seccompFd\"]") && strstr(payload, "\"ociVersion\"") &&
               strstr(payload, "\"metadata\":\"meta-\\\"quoted\\\"\"") &&
               strstr(payload, "\"state\":{\"ociVersion\":\"1.3.0\",\"id\":\"t\"}"),
           "notify: payload is the container process state");
    if (nfd >= 0 && seccomp_notify_alloc(&req, &resp) == 0 &&
        seccomp_notify_receive(nfd, req) == 0) {
        tap_ok(req->pid == (uint32_t)pid && req->data.nr == SCMP_SYS(mkdir),
               "notify: received the child's mkdir (pid %u nr %d)", req->pid, req->data.nr);
        resp->id = req->id;
        resp->error = -EXDEV;
        resp->val = 0;
        resp->flags = 0;
        tap_ok(seccomp_notify_respond(nfd, resp) == 0, "notify: responded");
    } else {
        tap_ok(0, "notify: receive");
        tap_ok(0, "notify: respond");
    }
    status = child_wait(pid, -1);
    tap_ok(child_exit_code(status) == EXDEV,
           "notify: the child's mkdir got our answer (EXDEV), got %d", child_exit_code(status));
    seccomp_notify_free(req, resp);
    close(nfd);
    close(conn);
    close(lsock);
    sandbox_seccomp_free(s);
}

int main(void)
{
    char cmd[128];
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    test_stacking();
    test_args();
    test_unknown_and_errors();
    test_notify();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("# cleanup of %s failed\n", tmpdir);
    return tap_done();
}
