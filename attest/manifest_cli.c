/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward-manifest: the node key and result manifests (`ward key ...`, `ward manifest ...`, and the
 * signing half of `ward run --result` / `ward delete --result`). A helper binary so that `ward`
 * itself never loads libsecp256k1, libcrypto or tss2.
 */
#include "attest/codec.h"
#include "attest/dsse.h"
#include "attest/manifest.h"
#include "spec/base/file.h"
#include "attest/pubkey.h"
#include "spec/base/cleanup.h"
#include "spec/json.h"
#include "spec/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_REJECTED = 4 };
#define MAX_OUTPUTS 64

static const char USAGE[] =
    "Usage: ward key show | ward key export-pem [--out FILE]\n"
    "       ward manifest verify FILE [--pubkey HEX | --address 0x...] [--outputs DIR ...]\n"
    "                            [--ak PEM] [--nonce] [--json]\n"
    "       ward-manifest make --out FILE [--output-fd FD:NAME ...] < RUN-RECORD-JSON\n"
    "Common options: --config FILE (ward.conf), --key FILE (node key), --tcti S, --log FILE.\n"
    "Exit: 0 ok, 1 failure, 2 usage or config error, 4 the manifest does not verify.\n";

typedef struct opts {
    const char *config, *key, *tcti, *log, *out, *pubkey, *address, *ak, *file;
    const char *outputs[MAX_OUTPUTS];
    size_t n_outputs;
    ward_result_output fds[MAX_OUTPUTS];
    size_t n_fds;
    bool nonce, json;
} opts;

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
    va_list ap;
    fputs("ward: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see ward-manifest --help)\n", stderr);
    return EXIT_USAGE;
}

static int fail(const ward_err *err)
{
    fprintf(stderr, "ward: %s\n", err->msg);
    return EXIT_FAIL;
}

static int parse_fd(const char *arg, opts *o)
{
    char *end;
    long fd;
    errno = 0;
    fd = strtol(arg, &end, 10);
    if (errno || end == arg || *end != ':' || fd < 3 || fd > 1024 || end[1] == '\0' ||
        strchr(end + 1, '/') || o->n_fds == MAX_OUTPUTS)
        return -1;
    o->fds[o->n_fds].fd = (int)fd;
    o->fds[o->n_fds++].name = end + 1;
    return 0;
}

static int parse(int argc, char **argv, const char *allowed, opts *o)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},  {"key", required_argument, NULL, 'k'},
        {"tcti", required_argument, NULL, 't'},    {"log", required_argument, NULL, 'l'},
        {"out", required_argument, NULL, 'o'},     {"pubkey", required_argument, NULL, 'p'},
        {"address", required_argument, NULL, 'a'}, {"ak", required_argument, NULL, 'A'},
        {"outputs", required_argument, NULL, 'O'}, {"output-fd", required_argument, NULL, 'F'},
        {"nonce", no_argument, NULL, 'n'},         {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(USAGE, stdout);
            exit(EXIT_OK);
        }
        if (c == '?' || c == ':')
            return usage("%s: unknown option or missing value: %s", argv[0], argv[optind - 1]);
        if (strchr("cktl", c) == NULL && strchr(allowed, c) == NULL)
            return usage("%s: does not take %s", argv[0], argv[optind - 1]);
        switch (c) {
        case 'c':
            o->config = optarg;
            break;
        case 'k':
            o->key = optarg;
            break;
        case 't':
            o->tcti = optarg;
            break;
        case 'l':
            o->log = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'p':
            o->pubkey = optarg;
            break;
        case 'a':
            o->address = optarg;
            break;
        case 'A':
            o->ak = optarg;
            break;
        case 'n':
            o->nonce = true;
            break;
        case 'j':
            o->json = true;
            break;
        case 'O':
            if (o->n_outputs == MAX_OUTPUTS)
                return usage("%s: more than %d --outputs", argv[0], MAX_OUTPUTS);
            o->outputs[o->n_outputs++] = optarg;
            break;
        case 'F':
            if (parse_fd(optarg, o) < 0)
                return usage("%s: --output-fd: must be FD:NAME (FD >= 3, NAME without /)", argv[0]);
            break;
        }
    }
    if (strchr(allowed, 'f') && optind < argc)
        o->file = argv[optind++];
    if (optind < argc)
        return usage("%s: unexpected argument \"%s\"", argv[0], argv[optind]);
    return EXIT_OK;
}

/* ward.conf, then the overrides; --key wins over attest.node_key. */
static int load_cfg(const opts *o, ward_attest_cfg *cfg)
{
    ward_err err = {0};
    char *key;
    if (ward_attest_cfg_load(cfg, o->config, o->tcti, o->log, &err) < 0) {
        fprintf(stderr, "ward: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (o->key && (key = strdup(o->key)) != NULL) {
        free(cfg->node_key);
        cfg->node_key = key;
    }
    return EXIT_OK;
}

static void print_hex(const char *label, const uint8_t *b, size_t n)
{
    printf("%s", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\n");
}

static int write_file(const char *path, const char *data, size_t len, mode_t mode, ward_err *err)
{
    char tmp[PATH_MAX];
    int fd;
    if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
        return ward_fail(err, "%s: path too long", path);
    if ((fd = mkstemp(tmp)) < 0)
        return ward_fail_errno(err, errno, "create %s", path);
    if (write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) < 0 || fsync(fd) < 0 ||
        close(fd) < 0 || rename(tmp, path) < 0) {
        int saved = errno;
        unlink(tmp);
        return ward_fail_errno(err, saved, "write %s", path);
    }
    return 0;
}

static int cmd_key(int argc, char **argv, const char *sub)
{
    ward_attest_cfg cfg;
    cleanup_free char *pem = NULL;
    ward_node_pub pub;
    ward_err err = {0};
    char addr[43];
    opts o = {0};
    bool show = strcmp(sub, "show") == 0;
    int r;

    if (!show && strcmp(sub, "export-pem") != 0)
        return usage("key: unknown subcommand \"%s\" (show, export-pem)", sub);
    if ((r = parse(argc, argv, show ? "" : "o", &o)) != EXIT_OK ||
        (r = load_cfg(&o, &cfg)) != EXIT_OK)
        return r;
    r = ward_nodekey_public(cfg.node_key, true, &pub, &err);
    ward_attest_cfg_free(&cfg);
    if (r < 0)
        return fail(&err);
    if (show) {
        print_hex("public key (compressed):   ", pub.compressed, 33);
        print_hex("public key (uncompressed): ", pub.uncompressed, 65);
        print_hex("fingerprint (sha256):      ", pub.fingerprint, 32);
        ward_address_format(pub.address, addr);
        printf("address (ecrecover):       %s\n", addr);
        return EXIT_OK;
    }
    if (ward_node_pub_pem(&pub, &pem, &err) < 0)
        return fail(&err);
    if (o.out == NULL)
        return fputs(pem, stdout) < 0 ? EXIT_FAIL : EXIT_OK;
    return write_file(o.out, pem, strlen(pem), 0644, &err) < 0 ? fail(&err) : EXIT_OK;
}

/* The run record from stdin (a pipe from ward), NUL-terminated. */
static int read_stdin(char **out, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        ssize_t r;
        if (buf == NULL)
            return -1;
        if (n + 1 >= cap) {
            char *grown = cap >= WARD_RUN_RECORD_MAX ? NULL : realloc(buf, cap * 2);
            if (grown == NULL) {
                free(buf);
                return -1;
            }
            buf = grown;
            cap *= 2;
        }
        r = read(STDIN_FILENO, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static int cmd_make(int argc, char **argv)
{
    ward_attest_cfg cfg;
    cleanup_free char *run = NULL, *json = NULL;
    ward_err err = {0};
    size_t run_len, len;
    opts o = {0};
    int r;

    if ((r = parse(argc, argv, "oF", &o)) != EXIT_OK)
        return r;
    if (o.out == NULL)
        return usage("make: --out FILE is required");
    if ((r = load_cfg(&o, &cfg)) != EXIT_OK)
        return r;
    if (read_stdin(&run, &run_len) < 0) {
        ward_attest_cfg_free(&cfg);
        return usage("make: cannot read the run record from stdin (at most %zu bytes)",
                     WARD_RUN_RECORD_MAX);
    }
    {
        ward_result_req req = {.run_json = run,
                               .run_len = run_len,
                               .outputs = o.fds,
                               .n_outputs = o.n_fds,
                               .cfg = &cfg,
                               .key_path = cfg.node_key};
        r = ward_result_make(&req, &json, &len, &err);
    }
    ward_attest_cfg_free(&cfg);
    if (r < 0 || write_file(o.out, json, len, 0644, &err) < 0)
        return fail(&err);
    return EXIT_OK;
}

static const char *const STATUS[] = {"ok", "FAILED", "skipped"};

static void print_text(const ward_manifest_report *r, bool nonce)
{
    char addr[43];
    for (int i = 0; i < WARD_CHECK_COUNT; i++)
        printf("%-10s %-7s %s\n", ward_check_name((ward_check_id)i), STATUS[r->checks[i].status],
               r->checks[i].detail);
    if (r->have_signer) {
        print_hex("signer:      ", r->signer.compressed, 33);
        ward_address_format(r->signer.address, addr);
        printf("address:     %s\n", addr);
    }
    printf("container:   %s\nsubjects:    %zu\n", r->container_id, r->n_subjects);
    printf("node class:  %s%s (claimed %s)\n", ward_node_class_name(r->proven),
           r->weak ? " (weak: no hardware TPM proven)" : "", ward_node_class_name(r->claimed));
    if (nonce && r->have_nonce)
        print_hex("quote nonce: ", r->nonce, 32);
    printf("verified:    %s\n", r->ok ? "yes" : "NO");
}

static int print_json(const ward_manifest_report *r)
{
    cleanup_free char *text = NULL;
    char hex[131], addr[43];
    ward_err err = {0};
    jwriter w;
    if (jw_init(&w, true, &err) < 0)
        return fail(&err);
    jw_open(&w);
    jw_kbool(&w, "verified", r->ok);
    jw_key(&w, "checks");
    jw_open(&w);
    for (int i = 0; i < WARD_CHECK_COUNT; i++) {
        jw_key(&w, ward_check_name((ward_check_id)i));
        jw_open(&w);
        jw_kstr(&w, "status",
                r->checks[i].status == WARD_CHECK_PASS   ? "pass"
                : r->checks[i].status == WARD_CHECK_FAIL ? "fail"
                                                         : "skip");
        jw_kstr(&w, "detail", r->checks[i].detail);
        jw_close(&w);
    }
    jw_close(&w);
    if (r->have_signer) {
        for (int i = 0; i < 33; i++)
            snprintf(hex + 2 * i, 3, "%02x", r->signer.compressed[i]);
        jw_kstr(&w, "signer", hex);
        ward_address_format(r->signer.address, addr);
        jw_kstr(&w, "address", addr);
    }
    jw_kstr(&w, "container", r->container_id);
    jw_ku64(&w, "subjects", r->n_subjects);
    jw_kstr(&w, "node_class", ward_node_class_name(r->proven));
    jw_kstr(&w, "claimed_class", ward_node_class_name(r->claimed));
    jw_kbool(&w, "weak", r->weak);
    if (r->have_nonce) {
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", r->nonce[i]);
        jw_kstr(&w, "nonce", hex);
    }
    jw_close(&w);
    if (jw_finish(&w, &text, NULL, &err) < 0)
        return fail(&err);
    fputs(text, stdout);
    return EXIT_OK;
}

static int cmd_verify(int argc, char **argv)
{
    cleanup_free char *text = NULL;
    ward_manifest_report rep;
    ward_node_pub want;
    uint8_t addr[20];
    ward_attest_cfg cfg;
    EVP_PKEY *ak = NULL;
    ward_err err = {0};
    opts o = {0};
    size_t len;
    int r;
    ward_manifest_opts mo = {0};

    if ((r = parse(argc, argv, "paAOnjf", &o)) != EXIT_OK)
        return r;
    if (o.file == NULL)
        return usage("manifest verify: the manifest FILE is required");
    if (o.pubkey && o.address)
        return usage("manifest verify: give --pubkey or --address, not both");
    if (o.pubkey && ward_node_pub_from_hex(o.pubkey, &want, &err) < 0)
        return usage("manifest verify: --pubkey: %s", err.msg);
    if (o.address && ward_address_parse(o.address, addr, &err) < 0)
        return usage("manifest verify: --address: %s", err.msg);
    if ((r = load_cfg(&o, &cfg)) != EXIT_OK)
        return r;
    if (o.ak && ward_pubkey_load_pem_file(o.ak, &ak, &err) < 0) {
        ward_attest_cfg_free(&cfg);
        return usage("manifest verify: --ak: %s", err.msg);
    }
    if (spec_read_file(o.file, WARD_MANIFEST_MAX, &text, &len, &err) < 0) {
        ward_attest_cfg_free(&cfg);
        EVP_PKEY_free(ak);
        return fail(&err);
    }
    mo.pubkey = o.pubkey ? &want : NULL;
    mo.address = o.address ? addr : NULL;
    mo.outputs = o.outputs;
    mo.n_outputs = o.n_outputs;
    mo.ak = ak;
    mo.ca_dir = cfg.ca_dir;
    r = ward_manifest_verify(text, len, &mo, &rep, &err);
    ward_attest_cfg_free(&cfg);
    EVP_PKEY_free(ak);
    if (r < 0)
        return fail(&err);
    if (o.json)
        r = print_json(&rep);
    else
        print_text(&rep, o.nonce);
    if (fflush(stdout) != 0)
        return EXIT_FAIL;
    return r != EXIT_OK ? r : rep.ok ? EXIT_OK : EXIT_REJECTED;
}

int main(int argc, char **argv)
{
    setenv("TSS2_LOG", "all+NONE", 0);
    /* --help / -h anywhere before a command's operands: `ward key --help`,
     * `ward manifest verify --help` */
    for (int i = 1; i < argc && i <= 3; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        }
    if (argc >= 3 && strcmp(argv[1], "key") == 0)
        return cmd_key(argc - 2, argv + 2, argv[2]);
    if (argc >= 3 && strcmp(argv[1], "manifest") == 0 && strcmp(argv[2], "verify") == 0)
        return cmd_verify(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "make") == 0)
        return cmd_make(argc - 1, argv + 1);
    return usage("expected key show|export-pem, manifest verify FILE or make");
}
