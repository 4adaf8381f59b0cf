/* SPDX-License-Identifier: Apache-2.0 */
/* attest/'s result manifest pieces without a TPM: Keccak and addresses, PAE, the node key file
 * rules, signatures and recovery (low-S), the nonce rule, the outputs walk. */
#include "attest/codec.h"
#include "attest/dsse.h"
#include "attest/internal.h"
#include "attest/manifest.h"
#include "attest/outputs.h"
#include "tests/unit/tap.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *hex(const uint8_t *b, size_t n)
{
    static char buf[2 * 128 + 1];
    for (size_t i = 0; i < n; i++)
        snprintf(buf + 2 * i, 3, "%02x", b[i]);
    return buf;
}

static void test_keccak_and_address(void)
{
    static const char *const eip55[] = {
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"};
    uint8_t h[32], addr[20];
    char out[43];
    ward_err err;

    ward_keccak256((const uint8_t *)"", 0, h);
    tap_streq(hex(h, 32), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
              "keccak256(\"\")");
    ward_keccak256((const uint8_t *)"abc", 3, h);
    tap_streq(hex(h, 32), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
              "keccak256(\"abc\")");
    for (size_t i = 0; i < 4; i++) {
        tap_ok(ward_address_parse(eip55[i], addr, &err) == 0, "address parses: %s", eip55[i]);
        ward_address_format(addr, out);
        tap_streq(out, eip55[i], "EIP-55 checksum case");
    }
    tap_ok(ward_address_parse("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", addr, &err) < 0,
           "address without 0x refused");
    tap_ok(ward_address_parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA", addr, &err) < 0,
           "short address refused");
}

static void test_pae(void)
{
    uint8_t *p = NULL;
    size_t n = 0;
    ward_err err;
    tap_ok(ward_dsse_pae("http://example.com/HelloWorld", (const uint8_t *)"hello world", 11, &p,
                         &n, &err) == 0,
           "PAE");
    tap_ok(n == 54 && memcmp(p, "DSSEv1 29 http://example.com/HelloWorld 11 hello world", n) == 0,
           "PAE bytes as the DSSE spec's example");
    free(p);
}

static int write_key(const char *path, const void *data, size_t n, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, data, n) != (ssize_t)n)
        return -1;
    fchmod(fd, mode);
    return close(fd);
}

static bool fails_with(const char *path, const char *needle)
{
    ward_node_pub pub;
    ward_err err = {0};
    bool r = ward_nodekey_public(path, false, &pub, &err) < 0 && strstr(err.msg, needle);
    if (!r)
        printf("#   message: %s\n", err.msg);
    return r;
}

static void test_key_file(const char *tmp)
{
    char dir[512], key[600], link[600];
    uint8_t one[32] = {0}, zero[32] = {0}, order[32];
    ward_node_pub pub;
    ward_err err = {0};
    struct stat st;

    snprintf(dir, sizeof(dir), "%s/keys", tmp);
    snprintf(key, sizeof(key), "%s/node.key", dir);
    snprintf(link, sizeof(link), "%s/link.key", dir);
    tap_ok(ward_nodekey_public(key, false, &pub, &err) < 0, "missing key not created on request");
    tap_ok(ward_nodekey_public(key, true, &pub, &err) == 0, "key created on first use");
    tap_ok(stat(key, &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_size == 32,
           "key file 0600, 32 bytes");
    tap_ok(stat(dir, &st) == 0 && (st.st_mode & 07777) == 0700, "key directory 0700");
    one[31] = 1;
    tap_ok(write_key(key, one, 32, 0600) == 0 && ward_nodekey_public(key, false, &pub, &err) == 0,
           "scalar 1 loads");
    ward_address_format(pub.address, link);
    tap_streq(link, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "address of key 1");
    tap_streq(hex(pub.compressed, 33),
              "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
              "public key of 1 is G");
    write_key(key, one, 32, 0644);
    tap_ok(fails_with(key, "mode 0644, must be 0600"), "mode 0644 refused");
    write_key(key, one, 32, 0640);
    tap_ok(fails_with(key, "mode 0640"), "mode 0640 refused");
    write_key(key, one, 31, 0600);
    tap_ok(fails_with(key, "must be exactly 32"), "31 bytes refused");
    write_key(key, zero, 32, 0600);
    tap_ok(fails_with(key, "not a valid secp256k1 private key"), "zero scalar refused");
    /* the group order n itself is not a valid scalar */
    ward_hex_decode_exact("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", order,
                          32, &err);
    write_key(key, order, 32, 0600);
    tap_ok(fails_with(key, "not a valid secp256k1 private key"), "scalar n refused");
    snprintf(link, sizeof(link), "%s/link.key", dir);
    write_key(key, one, 32, 0600);
    tap_ok(symlink(key, link) == 0, "symlink made");
    tap_ok(fails_with(link, "node key"), "a symlinked key file refused");
    chmod(dir, 0750);
    tap_ok(fails_with(key, "mode 0750, must be 0700"), "group-readable directory refused");
    chmod(dir, 0700);
    tap_ok(ward_nodekey_public(key, false, &pub, &err) == 0, "control: the same key, dir fixed");
}

static void test_sign_recover(const char *tmp)
{
    char key[600];
    uint8_t digest[32], n_minus_s[32];
    ward_node_pub pub, got;
    ward_sig sig, bad;
    ward_err err = {0};
    static const uint8_t order[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
                                      0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
                                      0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
    int borrow = 0;

    snprintf(key, sizeof(key), "%s/keys/node.key", tmp);
    ward_sha256("msg", 3, digest, &err);
    tap_ok(ward_nodekey_sign(key, false, digest, &sig, &pub, &err) == 0, "sign");
    tap_ok(sig.rsv[64] == 27 || sig.rsv[64] == 28, "v is 27 or 28");
    tap_ok(sig.rsv[32] < 0x80, "s is low");
    tap_ok(ward_sig_recover(sig.rsv, digest, &got, &err) == 0 &&
               memcmp(got.uncompressed, pub.uncompressed, 65) == 0,
           "recovery gives the signer");
    tap_ok(ward_sig_der_matches(sig.rsv, sig.der, sig.der_len), "DER is the same (r, s)");
    tap_ok(ward_sig_der_verifies(sig.der, sig.der_len, digest, &pub), "DER verifies");
    /* the high-S twin (n - s, flipped v) is a valid ECDSA signature but refused */
    bad = sig;
    for (int i = 31; i >= 0; i--) {
        int d = order[i] - sig.rsv[32 + i] - borrow;
        borrow = d < 0;
        n_minus_s[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
    memcpy(bad.rsv + 32, n_minus_s, 32);
    bad.rsv[64] = sig.rsv[64] == 27 ? 28 : 27;
    tap_ok(ward_sig_recover(bad.rsv, digest, &got, &err) < 0 && strstr(err.msg, "not low"),
           "high-S twin refused");
    bad = sig;
    bad.rsv[64] = sig.rsv[64] == 27 ? 28 : 27;
    tap_ok(ward_sig_recover(bad.rsv, digest, &got, &err) != 0 ||
               memcmp(got.uncompressed, pub.uncompressed, 65) != 0,
           "the other v recovers another key");
    bad = sig;
    bad.rsv[64] = 29;
    tap_ok(ward_sig_recover(bad.rsv, digest, &got, &err) < 0, "v 29 refused");
    digest[0] ^= 1;
    tap_ok(!ward_sig_der_verifies(sig.der, sig.der_len, digest, &pub),
           "DER fails on another digest");
}

static void test_nonce_rule(void)
{
    const char *p = "{\"a\":1,\"predicate\":{\"evidence\":\"QUJD\"}}";
    const char *blank = "{\"a\":1,\"predicate\":{\"evidence\":\"\"}}";
    const char *twice = "{\"evidence\":\"\",\"x\":{\"evidence\":\"QUJD\"}}";
    uint8_t n1[32], n2[32];
    char *b64 = NULL;
    ward_err err;

    tap_ok(ward_manifest_nonce((const uint8_t *)p, strlen(p), n1, &b64, &err) == 0, "nonce rule");
    tap_streq(b64, "QUJD", "the evidence string is found");
    free(b64);
    ward_sha256(blank, strlen(blank), n2, &err);
    tap_ok(memcmp(n1, n2, 32) == 0, "nonce = SHA-256 of the payload with the evidence emptied");
    tap_ok(ward_manifest_nonce((const uint8_t *)twice, strlen(twice), n1, NULL, &err) < 0 &&
               strstr(err.msg, "more than once"),
           "two evidence members refused");
    tap_ok(ward_manifest_nonce((const uint8_t *)"{}", 2, n1, NULL, &err) < 0,
           "no evidence member refused");
}

static void test_outputs(const char *tmp)
{
    char dir[512], path[700];
    ward_outputs o = {0};
    ward_err err = {0};
    int fd;

    snprintf(dir, sizeof(dir), "%s/out", tmp);
    mkdir(dir, 0755);
    snprintf(path, sizeof(path), "%s/b", dir);
    write_key(path, "b", 1, 0644);
    snprintf(path, sizeof(path), "%s/a-z", dir);
    write_key(path, "", 0, 0644);
    snprintf(path, sizeof(path), "%s/a", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/a/x", dir);
    write_key(path, "x", 1, 0644);
    snprintf(path, sizeof(path), "%s/l", dir);
    tap_ok(symlink("/etc/passwd", path) == 0, "symlink made");
    fd = open(dir, O_PATH);
    tap_ok(ward_outputs_add(fd, "out", 2, &o, &err) == 0 && ward_outputs_sort(&o, &err) == 0,
           "walk and hash");
    tap_ok(o.n == 4, "four entries (%zu)", o.n);
    if (o.n == 4) {
        tap_streq(o.v[0].name, "out/a-z", "sorted by bytes: a-z before a/x");
        tap_streq(o.v[1].name, "out/a/x", "nested name");
        tap_streq(hex(o.v[0].sha256, 32),
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                  "empty file digest");
        tap_streq(o.v[3].link_target, "/etc/passwd", "symlink recorded, not followed");
    }
    ward_outputs_free(&o);
    snprintf(path, sizeof(path), "%s/fifo", dir);
    mkfifo(path, 0644);
    tap_ok(ward_outputs_add(fd, "out", 2, &o, &err) < 0 && strstr(err.msg, "out/fifo"),
           "a fifo is an error naming it");
    ward_outputs_free(&o);
    unlink(path);
    close(fd);
}

int main(void)
{
    char tmp[] = "/tmp/ward-test-manifest-XXXXXX";
    char cmd[128];
    if (mkdtemp(tmp) == NULL)
        return 1;
    test_keccak_and_address();
    test_pae();
    if (geteuid() == 0) { /* the key rules require root ownership */
        test_key_file(tmp);
        test_sign_recover(tmp);
    }
    test_nonce_rule();
    test_outputs(tmp);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
    if (system(cmd) != 0)
        return 1;
    return tap_done();
}
