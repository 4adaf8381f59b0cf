/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside ward's sandbox: the seccomp baseline table, the compiled-filter type, the filter cache,
 * and Landlock's port rules and report. Only runtime/sandbox/ and its unit tests include this;
 * the rest of ward uses sandbox.h.
 */
#ifndef WARD_RUNTIME_SANDBOX_INTERNAL_H
#define WARD_RUNTIME_SANDBOX_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/sandbox/sandbox.h"
#include "spec/base/hash.h"

/* ---- the baseline, as data (seccomp_baseline.c) ---- */

typedef enum baseline_action {
    BL_EPERM,  /* the call exists but this container may not use it */
    BL_ENOSYS, /* pretend the call does not exist, so libc falls back (clone3, new calls) */
} baseline_action;

typedef enum baseline_cond {
    BL_ALWAYS,           /* denied whatever the container holds */
    BL_UNLESS_OWN_ADMIN, /* allowed when the container has CAP_SYS_ADMIN in its own user ns */
    BL_UNLESS_OWN_PID,   /* allowed when the container has a pid namespace of its own */
    BL_NS_FLAGS,         /* denied when arg0 carries a CLONE_NEW* flag, unless own admin */
    BL_PERSONALITY,      /* denied unless arg0 is one of the harmless personalities */
    BL_UNLESS_OWN_UTS,   /* allowed when the container has a UTS namespace of its own */
    BL_IF_CAP_SYS_TIME,  /* denied when the config grants CAP_SYS_TIME (the kernel's only check) */
    BL_ARG0_EQ,          /* denied when arg0 equals nr (socket's address family) */
    BL_NUMBER,           /* by number (native arch only): calls libseccomp 2.5 cannot name */
    BL_NUMBER_RANGE,     /* numbers nr..nr_last (native only): not yet assigned at review time */
} baseline_cond;

typedef struct baseline_entry {
    const char *name;
    baseline_action action;
    baseline_cond cond;
    int nr, nr_last; /* BL_NUMBER, BL_NUMBER_RANGE; nr: the value of BL_ARG0_EQ */
    const char *reason;
} baseline_entry;

extern const baseline_entry ward_seccomp_baseline[];
extern const size_t ward_seccomp_baseline_len;

/* The parameters the baseline depends on, taken from the config and the host config. */
typedef struct baseline_params {
    bool own_admin; /* CAP_SYS_ADMIN and a new user namespace */
    bool own_pid;   /* a new pid namespace (not the host's, not one joined by path) */
    bool own_uts;   /* a new UTS namespace (the same) */
    bool sys_time;  /* CAP_SYS_TIME in the config's bounding or effective set */
    bool linux32;   /* linux.personality.domain is LINUX32 */
    uint32_t extra_arches[4];
    size_t n_extra_arches;
    const ward_hostconf *hc;
} baseline_params;

int seccomp_baseline_params(const spec_config *cfg, const ward_hostconf *hc, baseline_params *p,
                            ward_err *err);
/* Whether entry e is compiled into the baseline under p (host allow and own-admin rules). */
bool seccomp_baseline_applies(const baseline_entry *e, const baseline_params *p);

/* ---- a compiled filter ---- */

typedef struct seccomp_prog {
    struct sock_filter *insns;
    size_t len;
    uint64_t profile_hash; /* FNV-1a 64 of the canonical profile text (no host parts) */
    uint64_t cache_key;    /* FNV-1a 64 of host header + canonical profile text */
    bool from_cache;
    size_t entries; /* baseline entries or spec rules compiled in */
    size_t skipped; /* spec syscall names unknown to libseccomp */
} seccomp_prog;

void seccomp_prog_clear(seccomp_prog *p);

/* A growable text buffer for canonical profiles. */
typedef struct seccomp_text {
    char *buf;
    size_t len, cap;
    bool oom;
} seccomp_text;

void seccomp_text_add(seccomp_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void seccomp_text_put(seccomp_text *t, const char *s, size_t n);
void seccomp_text_num(seccomp_text *t, uint64_t v);
#define seccomp_text_lit(t, s) seccomp_text_put((t), (s), sizeof(s) - 1)
/* Adds a string with its length, so that no string content can imitate the structure. */
void seccomp_text_str(seccomp_text *t, const char *key, const char *s);

/* Host header of every cache key: native arch, kernel release, libseccomp version. */
int seccomp_host_header(seccomp_text *t, ward_err *err);

/* Canonical text + compile (seccomp_compile.c / seccomp_baseline_build.c). */
int seccomp_baseline_text(const baseline_params *p, seccomp_text *t);
int seccomp_baseline_compile(const baseline_params *p, seccomp_prog *out, ward_err *err);
int seccomp_spec_text(const spec_seccomp *sc, seccomp_text *t);
int seccomp_spec_compile(const spec_seccomp *sc, seccomp_prog *out, ward_err *err);
/* Whether the spec profile uses SCMP_ACT_NOTIFY anywhere; its load flags. */
bool seccomp_spec_uses_notify(const spec_seccomp *sc);
int seccomp_spec_flags(const spec_seccomp *sc, unsigned int *flags, ward_err *err);

/* "SCMP_ARCH_X86_64" -> libseccomp token; an unknown name is an error. */
int seccomp_arch_from_spec_name(const char *name, uint32_t *arch, ward_err *err);

/* Export a libseccomp context as BPF (via a memfd: libseccomp 2.5 has no export to memory). */
int seccomp_export(void *ctx, seccomp_prog *out, ward_err *err);

/* ---- cache (seccomp_cache.c) ---- */

/*
 * Look key up in cache_dir: 0 and out filled on a hit; 1 on a miss (absent, corrupt, foreign or
 * unsafe file: never an error, the caller compiles). text is compared byte for byte.
 */
int seccomp_cache_get(const char *cache_dir, uint64_t key, const char *text, size_t text_len,
                      seccomp_prog *out);
/* Store atomically (temp + rename); failures are logged and ignored. */
void seccomp_cache_put(const char *cache_dir, uint64_t key, const char *text, size_t text_len,
                       const seccomp_prog *prog);

/* ---- the prepared object ---- */

struct sandbox_seccomp {
    seccomp_prog baseline;
    baseline_params params;
    const char **host_allowed; /* baseline names the host relaxed (static strings) */
    size_t n_host_allowed;
    bool has_spec;
    seccomp_prog spec;
    unsigned int spec_flags; /* SECCOMP_FILTER_FLAG_* from the spec */
    bool notify;
    char *spec_default_action;
    uint64_t prepare_us;
};

/* ---- Landlock (landlock*.c) ---- */

typedef struct landlock_ports {
    bool present; /* the annotation was given (empty: deny every port) */
    uint16_t *ports;
    size_t n;
} landlock_ports;

/* Strictly parse "80,443" into out (what names the annotation in errors). */
int landlock_parse_ports(const char *value, const char *what, landlock_ports *out, ward_err *err);

/* Both annotations of cfg; absent ones have present == false. */
int landlock_net_from_spec(const spec_config *cfg, landlock_ports *bind, landlock_ports *connect,
                           ward_err *err);

int landlock_report(int abi, uint64_t fs, uint64_t net, uint64_t scoped, size_t rules, bool special,
                    bool log_new_exec, const landlock_ports *bind, const landlock_ports *connect,
                    char **out, ward_err *err);
int landlock_report_disabled(int abi, const char *reason, char **out, ward_err *err);

/* Debug lines (unknown syscalls, cache misses); see sandbox_set_debug(). */
void sandbox_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
