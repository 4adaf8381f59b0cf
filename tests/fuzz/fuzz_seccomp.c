/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp compiler: a linux.seccomp object (the input) parsed, validated and compiled to BPF
 * as create does before cloning the init, without loading it. Properties: a compiled program
 * passes the checks the kernel makes at load time (size, jumps inside the program, loads inside
 * struct seccomp_data, a return at the end); compiling is deterministic (the filter cache keys on
 * the canonical text: one text must give one program); and the profile serialised and parsed
 * again has the same canonical text (round trip).
 */
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "runtime/sandbox/internal.h"
#include "spec/base/cleanup.h"
#include "spec/model.h"
#include "tests/fuzz/fuzz.h"

/* What the kernel's seccomp_check_filter and bpf_check_classic refuse, for this program. */
static void check_bpf(const seccomp_prog *p)
{
    FUZZ_ASSERT(p->len >= 1 && p->len <= BPF_MAXINSNS, "%zu instructions", p->len);
    for (size_t i = 0; i < p->len; i++) {
        const struct sock_filter *f = &p->insns[i];
        switch (BPF_CLASS(f->code)) {
        case BPF_LD:
            if (f->code == (BPF_LD | BPF_W | BPF_ABS))
                FUZZ_ASSERT(f->k < sizeof(struct seccomp_data) && f->k % 4 == 0, "load %u", f->k);
            break;
        case BPF_JMP:
            if (BPF_OP(f->code) == BPF_JA)
                FUZZ_ASSERT(i + 1 + f->k < p->len, "ja out of the program at %zu", i);
            else
                FUZZ_ASSERT(i + 1 + f->jt < p->len && i + 1 + f->jf < p->len,
                            "jump out of the program at %zu", i);
            break;
        default:
            break;
        }
    }
    FUZZ_ASSERT(BPF_CLASS(p->insns[p->len - 1].code) == BPF_RET, "no return at the end");
}

static void text_of(const spec_seccomp *sc, seccomp_text *t)
{
    memset(t, 0, sizeof(*t));
    FUZZ_ASSERT(seccomp_spec_text(sc, t) == 0, "canonical text");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cleanup_json jnode *root = NULL;
    cleanup_json jnode *root2 = NULL;
    cleanup_free char *json = NULL;
    spec_linux l = {0}, l2 = {0};
    seccomp_prog p1 = {0}, p2 = {0};
    seccomp_text t1, t2;
    unsigned int flags;
    ward_err err = {0};
    jwriter w;
    jpath path;
    size_t len;

    if (json_parse((const char *)data, size, &root, &err) < 0 || root->type != JT_OBJECT)
        return 0;
    jp_init(&path, "linux.seccomp");
    if (spec_parse_seccomp_node(root, &path, &l.seccomp, &err) < 0)
        goto out;
    l.seccomp.present = true;

    /* round trip: serialise, parse, same canonical text */
    w = fuzz_writer();
    spec_emit_seccomp(&w, &l.seccomp);
    json = fuzz_written(&w, &len);
    FUZZ_ASSERT(json_parse(json, len, &root2, &err) == 0, "%s in %s", err.msg, json);
    jp_init(&path, "linux.seccomp");
    FUZZ_ASSERT(spec_parse_seccomp_node(root2, &path, &l2.seccomp, &err) == 0, "%s in %s", err.msg,
                json);
    text_of(&l.seccomp, &t1);
    text_of(&l2.seccomp, &t2);
    FUZZ_ASSERT(t1.len == t2.len && memcmp(t1.buf, t2.buf, t1.len) == 0, "%.*s\n!=\n%.*s",
                (int)t1.len, t1.buf, (int)t2.len, t2.buf);
    free(t1.buf);
    free(t2.buf);

    if (spec_validate_seccomp(&l.seccomp, &err) < 0 ||
        seccomp_spec_flags(&l.seccomp, &flags, &err) < 0)
        goto out;
    if (seccomp_spec_compile(&l.seccomp, &p1, &err) < 0)
        goto out;
    check_bpf(&p1);
    FUZZ_ASSERT(seccomp_spec_compile(&l2.seccomp, &p2, &err) == 0, "%s", err.msg);
    FUZZ_ASSERT(p1.len == p2.len && memcmp(p1.insns, p2.insns, p1.len * sizeof(*p1.insns)) == 0,
                "one profile, two programs");
out:
    seccomp_prog_clear(&p1);
    seccomp_prog_clear(&p2);
    spec_linux_clear(&l);
    spec_linux_clear(&l2);
    return 0;
}
