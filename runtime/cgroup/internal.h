/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the cgroup backends share (not for other modules): the host's cgroup layout, file helpers,
 * the backends' entry points, the device rule list and the pure conversions of cgroup v2.
 */
#ifndef WARD_RUNTIME_CGROUP_INTERNAL_H
#define WARD_RUNTIME_CGROUP_INTERNAL_H

#include <stdint.h>

#include "runtime/cgroup/cgroup.h"

/* Controllers, as bits; CG_NAME_SYSTEMD is the named v1 hierarchy systemd keeps. */
enum {
    CG_CPU = 1u << 0,
    CG_CPUACCT = 1u << 1,
    CG_CPUSET = 1u << 2,
    CG_MEMORY = 1u << 3,
    CG_DEVICES = 1u << 4,
    CG_FREEZER = 1u << 5,
    CG_BLKIO = 1u << 6,
    CG_PIDS = 1u << 7,
    CG_HUGETLB = 1u << 8,
    CG_NET_CLS = 1u << 9,
    CG_NET_PRIO = 1u << 10,
    CG_PERF_EVENT = 1u << 11,
    CG_RDMA = 1u << 12,
    CG_MISC = 1u << 13,
    CG_NAME_SYSTEMD = 1u << 14,
};

/* Every container gets these in v1 so that pause, ps, kill --all, stats and devices always work. */
#define CG_V1_ALWAYS (CG_FREEZER | CG_PIDS | CG_MEMORY | CG_CPU | CG_CPUACCT | CG_DEVICES)

/* Longest cgroup path ward accepts (relative to a hierarchy root), and one component. */
#define CG_PATH_MAX      2048
#define CG_COMPONENT_MAX 255

#define CG_MAX_HIERARCHIES 24
#define CG_MNT_MAX         512

typedef struct cg_hier {
    unsigned mask;        /* controllers of this v1 hierarchy (co-mounted ones share one) */
    char mnt[CG_MNT_MAX]; /* where it is mounted */
} cg_hier;

typedef struct cg_layout {
    cgroup_mode mode;
    cg_hier v1[CG_MAX_HIERARCHIES];
    size_t n_v1;
    char unified[CG_MNT_MAX]; /* the cgroup2 mount point, "" when there is none */
} cg_layout;

/* ---- layout.c ---- */
unsigned cg_controller_bit(const char *name);
const char *cg_controller_name(unsigned bit);
/* Parse /proc/self/mountinfo text into the v1 hierarchies and the cgroup2 mount (pure). */
int cg_layout_parse_mountinfo(const char *text, cg_layout *out, ward_err *err);
/* The host's layout, read once per process. */
const cg_layout *cg_layout_get(ward_err *err);
/* Force the next cg_layout_get() to read the host again. */
void cg_layout_reset(void);
/* Use this layout from now on (tests: drive the v2 backend on hybrid's unified hierarchy). */
void cg_layout_set(const cg_layout *l);
const cg_hier *cg_layout_find(const cg_layout *l, unsigned controller);

/* ---- fs.c ---- */
/* out = a + b (b starts with '/'); fails on truncation. */
int cg_join(char out[PATH_MAX], const char *a, const char *b, ward_err *err);
/* Re-validate a stored cgroup path: absolute, no "." / "..", no empty component, not "/". */
int cg_check_path(const char *path, ward_err *err);
int cg_write(const char *dir, const char *file, const char *value, ward_err *err);
int cg_writef(const char *dir, const char *file, ward_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* ---- undo.c ---- */
/* Between begin and end, cg_write remembers each file's old value (cg_undo_note); end(true)
 * writes them back, last first, and returns how many files it could not restore. */
void cg_undo_begin(void);
void cg_undo_note(const char *dir, const char *file);
int cg_undo_end(bool roll_back);

/* Read a small file, trailing newline removed. */
int cg_read(const char *dir, const char *file, char *buf, size_t len, ward_err *err);
/* Read a whole file (malloc'ed, NUL-terminated). */
int cg_read_all(const char *dir, const char *file, char **out, ward_err *err);
/* Read one number; "max" reads as UINT64_MAX. */
int cg_read_u64(const char *dir, const char *file, uint64_t *out, ward_err *err);
bool cg_file_exists(const char *dir, const char *file);
bool cg_dir_exists(const char *dir);
/* Called for each directory from the hierarchy root down to the leaf, after it exists. */
typedef int (*cg_dir_hook)(const char *parent, const char *dir, bool created, void *data,
                           ward_err *err);
/* mkdir -p root+path; *leaf_created says whether the leaf was made now. */
int cg_mkdir_p(const char *root, const char *path, cg_dir_hook hook, void *data, bool *leaf_created,
               ward_err *err);
/* rmdir, retrying briefly while the cgroup is busy; a missing directory is fine. */
int cg_rmdir(const char *dir, ward_err *err);
int cg_rmdir_tries(const char *dir, int tries, ward_err *err);
int cg_read_pids(const char *dir, pid_t **pids, size_t *n, ward_err *err);
/* Move every pid of from/cgroup.procs into to/cgroup.procs (a controller added later). */
int cg_migrate_pids(const char *from, const char *to, ward_err *err);

/* ---- devices.c: the effective rule list, shared by v1 and the eBPF filter ---- */
typedef struct cg_dev_rule {
    bool allow;
    char type;       /* 'a', 'c', 'b' */
    int64_t major;   /* -1 = any */
    int64_t minor;   /* -1 = any */
    unsigned access; /* CG_ACC_* bits */
} cg_dev_rule;

enum { CG_ACC_MKNOD = 1, CG_ACC_READ = 2, CG_ACC_WRITE = 4, CG_ACC_ALL = 7 };

/*
 * "deny all", the spec's rules in order, then the default allow-list (null, zero, full, random,
 * urandom, tty, console, ptmx, pts/N) as runc and crun append it. malloc'ed.
 */
int cg_dev_rules_build(const spec_resources *r, cg_dev_rule **out, size_t *n, ward_err *err);
/* One v1 line: "c 1:3 rwm" (type 'a' with everything wild is "a"). */
void cg_dev_rule_format(const cg_dev_rule *rule, char *buf, size_t len);
/* Whether the rules allow `access` to a device (reference semantics: last match wins per bit). */
bool cg_dev_rules_allow(const cg_dev_rule *rules, size_t n, char type, uint32_t major,
                        uint32_t minor, unsigned access);

/* ---- devices_bpf.c ---- */
struct bpf_insn;
/* Build the BPF_PROG_TYPE_CGROUP_DEVICE program for the rules (malloc'ed instructions). */
int cg_bpf_dev_program(const cg_dev_rule *rules, size_t n, struct bpf_insn **insns, size_t *n_insns,
                       ward_err *err);
/* Load it (the kernel verifier checks it); returns the program fd. */
int cg_bpf_dev_load(const struct bpf_insn *insns, size_t n_insns, ward_err *err);
/* Attach the program for the rules to the cgroup2 directory, replacing what ward put there. */
int cg_bpf_dev_apply(const char *dir, const cg_dev_rule *rules, size_t n, ward_err *err);
/* How many device programs are attached to dir (tests, diagnostics). */
int cg_bpf_dev_count(const char *dir, size_t *count, ward_err *err);

/* ---- v2_convert.c: pure conversions (runc/crun compatible) ---- */
uint64_t cg_shares_to_weight(uint64_t shares);
/* io.weight from blkio.weight (10..1000 -> 1..10000), as runc. */
uint64_t cg_blkio_weight_to_io(uint64_t weight);
/*
 * memory.swap.max from OCI's v1-style swap (memory+swap) and limit. *value is set and *max tells
 * "max"; returns 1 when nothing is to be written, 0 when it is, -1 on a bad combination.
 */
int cg_swap_to_v2(bool has_swap, int64_t swap, bool has_limit, int64_t limit, int64_t *value,
                  bool *max, ward_err *err);
/* Validate a `unified` key: a plain file name that ward lets a config write. */
int cg_check_unified_key(const char *key, ward_err *err);
/* Validate a hugepage size "2MB", "1GB", "64KB". */
int cg_check_page_size(const char *size, ward_err *err);

/* ---- backends ---- */
int cg_v1_create(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r, ward_err *err);
int cg_v1_update(const ward_cgroup *cg, const cg_layout *l, const spec_resources *r, bool creating,
                 ward_err *err);
int cg_v1_enter(const ward_cgroup *cg, const cg_layout *l, pid_t pid, ward_err *err);
int cg_v1_freeze(const ward_cgroup *cg, const cg_layout *l, bool freeze, ward_err *err);
int cg_v1_is_frozen(const ward_cgroup *cg, const cg_layout *l, bool *frozen, ward_err *err);
/* The leaf in a controller's hierarchy; when not creating, a missing one is made and joined. */
int cg_v1_dir(const ward_cgroup *cg, const cg_layout *l, unsigned controller, bool creating,
              char dir[PATH_MAX], ward_err *err);
int cg_v1_procs_dir(const ward_cgroup *cg, const cg_layout *l, char dir[PATH_MAX], ward_err *err);
int cg_v1_destroy(const ward_cgroup *cg, const cg_layout *l, ward_err *err);
int cg_v1_devices(const char *dir, const cg_dev_rule *rules, size_t n, ward_err *err);

/*
 * cg_v2_* flags: the unified half of hybrid; creating; a device filter failure is tolerable (v1
 * devices enforces); hugetlb is left to a v1 hierarchy.
 */
enum { CG2_HYBRID = 1, CG2_CREATING = 2, CG2_DEV_OPTIONAL = 4, CG2_SKIP_HUGETLB = 8 };
int cg_v2_create(const ward_cgroup *cg, const char *root, const spec_resources *r, int flags,
                 ward_err *err);
int cg_v2_update(const ward_cgroup *cg, const char *root, const spec_resources *r, int flags,
                 ward_err *err);
int cg_v2_freeze(const char *dir, bool freeze, ward_err *err);
int cg_v2_is_frozen(const char *dir, bool *frozen, ward_err *err);
/* cgroup.kill; returns 1 when the kernel has none (older than 5.14). */
int cg_v2_kill(const char *dir, ward_err *err);
/* Enable what r needs in cgroup.subtree_control from root down to the leaf's parent. */
int cg_v2_enable_controllers(const char *root, const char *path, const spec_resources *r, int flags,
                             ward_err *err);

/* ---- stats.c ---- */
int cg_stats_v1(const ward_cgroup *cg, const cg_layout *l, char **json, ward_err *err);
int cg_stats_v2(const char *dir, char **json, ward_err *err);
/* unified: the v2 directory (v2 mode only); -1 when the memory cgroup or its file is missing. */
int cg_oom_kills(const ward_cgroup *cg, const cg_layout *l, const char *unified, uint64_t *n);

#endif
