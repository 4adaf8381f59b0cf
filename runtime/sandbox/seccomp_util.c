/* SPDX-License-Identifier: Apache-2.0 */
/* Small pieces the seccomp files share: canonical text, the cache hash, BPF export, debug. */

#include "runtime/sandbox/internal.h"
#include "spec/base/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static FILE *debug_out;

void sandbox_set_debug(FILE *f)
{
    debug_out = f;
}

void sandbox_debug(const char *fmt, ...)
{
    va_list ap;
    if (debug_out == NULL)
        return;
    fputs("ward: debug: ", debug_out);
    va_start(ap, fmt);
    vfprintf(debug_out, fmt, ap);
    va_end(ap);
    fputc('\n', debug_out);
    fflush(debug_out);
}

void seccomp_text_add(seccomp_text *t, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (t->oom)
        return;
    for (;;) {
        size_t room = t->cap - t->len;
        va_start(ap, fmt);
        n = vsnprintf(t->buf ? t->buf + t->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->oom = true;
            return;
        }
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = (t->cap ? t->cap * 2 : 1024) + (size_t)n;
        char *grown = realloc(t->buf, cap);
        if (grown == NULL) {
            t->oom = true;
            return;
        }
        t->buf = grown;
        t->cap = cap;
    }
}

/* The appenders below avoid printf: canonical text is built on every start (cache key). */
void seccomp_text_put(seccomp_text *t, const char *s, size_t n)
{
    if (t->oom)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->cap ? t->cap * 2 : 4096) + n;
        char *grown = realloc(t->buf, cap);
        if (grown == NULL) {
            t->oom = true;
            return;
        }
        t->buf = grown;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

void seccomp_text_num(seccomp_text *t, uint64_t v)
{
    char buf[24];
    size_t i = sizeof(buf);
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    seccomp_text_put(t, buf + i, sizeof(buf) - i);
}

void seccomp_text_str(seccomp_text *t, const char *key, const char *s)
{
    seccomp_text_put(t, key, strlen(key));
    if (s == NULL) {
        seccomp_text_put(t, "=-", 2);
        return;
    }
    size_t n = strlen(s);
    seccomp_text_put(t, "=", 1);
    seccomp_text_num(t, n);
    seccomp_text_put(t, ":", 1);
    seccomp_text_put(t, s, n);
}

int seccomp_host_header(seccomp_text *t, ward_err *err)
{
    struct utsname u;
    const struct scmp_version *v = seccomp_version();
    if (uname(&u) < 0)
        return ward_fail_errno(err, errno, "uname");
    seccomp_text_add(t, "ward-seccomp-cache 1\nnative=%u\n", seccomp_arch_native());
    seccomp_text_str(t, "kernel", u.release);
    seccomp_text_add(t, "\nlibseccomp=%u.%u.%u api=%u\n", v->major, v->minor, v->micro,
                     seccomp_api_get());
    return t->oom ? ward_fail_errno(err, ENOMEM, "seccomp cache key") : 0;
}

void seccomp_prog_clear(seccomp_prog *p)
{
    free(p->insns);
    memset(p, 0, sizeof(*p));
}

int seccomp_export(void *ctx, seccomp_prog *out, ward_err *err)
{
    cleanup_close int fd = memfd_create("ward-seccomp-bpf", MFD_CLOEXEC);
    struct stat st;
    int r;

    if (fd < 0)
        return ward_fail_errno(err, errno, "seccomp: memfd_create");
    r = seccomp_export_bpf(ctx, fd);
    if (r < 0)
        return ward_fail_errno(err, -r, "seccomp: exporting the BPF program");
    if (fstat(fd, &st) < 0)
        return ward_fail_errno(err, errno, "seccomp: fstat of the exported BPF");
    if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0 ||
        (size_t)st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
        return ward_fail(err, "seccomp: exported BPF has a bad size (%lld bytes)",
                         (long long)st.st_size);
    out->insns = malloc((size_t)st.st_size);
    if (out->insns == NULL)
        return ward_fail_errno(err, ENOMEM, "seccomp: BPF buffer");
    if (pread(fd, out->insns, (size_t)st.st_size, 0) != st.st_size) {
        seccomp_prog_clear(out);
        return ward_fail_errno(err, errno ? errno : EIO, "seccomp: reading back the BPF");
    }
    out->len = (size_t)st.st_size / sizeof(struct sock_filter);
    return 0;
}
