/* SPDX-License-Identifier: Apache-2.0 */
/* attest/ without a TPM: codecs, TCTI and PCR list syntax, event log, node class. */
#include "attest/codec.h"
#include "attest/ek.h"
#include "attest/evlog.h"
#include "attest/quote.h"
#include "attest/tpm.h"
#include "tests/unit/tap.h"

#include <stdlib.h>
#include <string.h>

static void test_codec(void)
{
    ward_err err;
    uint8_t *buf = NULL, sha[32];
    char *s = NULL;
    size_t len = 0;

    tap_ok(ward_hex_encode((const uint8_t *)"\x01\xab\xff", 3, &s, &err) == 0, "hex encode");
    tap_streq(s, "01abff", "hex is lower case");
    free(s);
    tap_ok(ward_hex_decode("01ABff", &buf, &len, &err) == 0 && len == 3 && buf[1] == 0xab,
           "hex decode, either case");
    free(buf);
    tap_ok(ward_hex_decode("0", &buf, &len, &err) < 0, "odd hex rejected");
    tap_ok(ward_hex_decode("01:02", &buf, &len, &err) < 0, "hex separators rejected");
    tap_ok(ward_hex_decode("zz", &buf, &len, &err) < 0, "non-hex rejected");
    tap_ok(ward_b64_encode((const uint8_t *)"ward", 4, &s, &err) == 0, "base64 encode");
    tap_streq(s, "d2FyZA==", "base64 with padding");
    free(s);
    tap_ok(ward_b64_decode("d2FyZA==", &buf, &len, &err) == 0 && len == 4 &&
               memcmp(buf, "ward", 4) == 0,
           "base64 decode drops padding bytes");
    free(buf);
    tap_ok(ward_b64_decode("d2Fy\nZA==", &buf, &len, &err) < 0, "base64 newline rejected");
    tap_ok(ward_b64_decode("d2F=ZA==", &buf, &len, &err) < 0, "base64 inner padding rejected");
    tap_ok(ward_b64_decode("d2FyZA=", &buf, &len, &err) < 0, "base64 bad length rejected");
    ward_sha256("abc", 3, sha, &err);
    ward_hex_encode(sha, 32, &s, &err);
    tap_streq(s, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256");
    free(s);
}

static void test_tcti(void)
{
    static const char *good[] = {"none",
                                 "device:/dev/tpmrm0",
                                 "swtpm",
                                 "swtpm:port=2321",
                                 "swtpm:host=127.0.0.1,port=2321",
                                 "swtpm:path=/run/tpm.sock"};
    static const char *bad[] = {"",
                                "mssim",
                                "device:tpm0",
                                "swtpm:port=0",
                                "swtpm:port=65535",
                                "swtpm:host=,port=1",
                                "swtpm:x=1",
                                "swtpm:port=1,port=2",
                                "swtpm:path=/a,host=b",
                                "swtpm:path=rel"};
    ward_tcti_kind kind;
    ward_err err;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        tap_ok(ward_tcti_parse(good[i], &kind, &err) == 0, "TCTI ok: %s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        tap_ok(ward_tcti_parse(bad[i], &kind, &err) < 0, "TCTI rejected: \"%s\" (%s)", bad[i],
               err.msg);
}

static void test_pcr_list(void)
{
    uint32_t mask;
    ward_err err;
    tap_ok(ward_pcr_mask_parse("16,23", &mask, &err) == 0 && mask == ((1u << 16) | (1u << 23)),
           "PCR list 16,23");
    tap_ok(ward_pcr_mask_parse("24", &mask, &err) < 0, "PCR 24 rejected");
    tap_ok(ward_pcr_mask_parse("1,", &mask, &err) < 0, "trailing comma rejected");
    tap_ok(ward_pcr_mask_parse("-1", &mask, &err) < 0, "negative rejected");
    tap_ok(ward_pcr_mask_parse("007", &mask, &err) < 0, "three digits rejected");
}

static int sealed(ward_event *ev, const char *id, uint64_t seq)
{
    const char *k[] = {"image_digest", "id"}, *v[] = {"sha256:bb", id};
    ward_err err;
    if (ward_event_new(ev, "container", k, v, 2, &err) < 0)
        return -1;
    ev->seq = seq;
    ev->pcr = 23;
    ev->reset_count = 7;
    ev->time = strdup("2026-01-02T03:04:05Z");
    return ward_event_seal(ev, &err);
}

static void test_event_line(void)
{
    ward_event ev, back;
    ward_evlog log;
    ward_err err;
    char *line = NULL, text[2048];
    size_t len;
    uint8_t want[32], buf[64], got[32];

    tap_ok(sealed(&ev, "c1", 0) == 0, "event sealed");
    tap_ok(strcmp(ev.keys[0], "id") == 0, "data keys sorted");
    ward_event_to_line(&ev, &line, &len, &err);
    tap_ok(strncmp(line,
                   "{\"seq\":0,\"pcr\":23,\"reset_count\":7,\"time\":\"2026-01-02T03:04:05Z\","
                   "\"type\":\"container\",\"data\":{\"id\":\"c1\",\"image_digest\":"
                   "\"sha256:bb\"},\"digest\":\"",
                   strlen(line) - 76) == 0,
           "canonical line: %s", line);
    snprintf(text, sizeof(text), "%s\n", line);
    tap_ok(ward_evlog_parse(text, strlen(text), "log", &log, &err) == 0 && log.n == 1,
           "line parses back");
    back = log.ev[0];
    tap_ok(memcmp(back.digest, ev.digest, 32) == 0, "same digest");
    /* replay: SHA256(0^32 || digest) */
    memset(buf, 0, 32);
    memcpy(buf + 32, ev.digest, 32);
    ward_sha256(buf, 64, want, &err);
    tap_ok(ward_evlog_replay(&log, 0, 23, got, &len, &err) == 0 && len == 1 &&
               memcmp(got, want, 32) == 0,
           "replay extends from zero");
    tap_ok(ward_evlog_replay(&log, 0, 16, got, &len, &err) == 0 && len == 0, "other PCR: none");
    ward_evlog_free(&log);

    text[strlen(text) - 1] = '\0';
    tap_ok(ward_evlog_parse(text, strlen(text), "log", &log, &err) < 0 &&
               strstr(err.msg, "log:1: incomplete line") != NULL,
           "missing newline: %s", err.msg);
    snprintf(text, sizeof(text), "%s\n", line);
    memcpy(strstr(text, "\"c1\""), "\"c2\"", 4);
    tap_ok(ward_evlog_parse(text, strlen(text), "log", &log, &err) < 0 &&
               strstr(err.msg, "digest does not match") != NULL,
           "altered event: %s", err.msg);
    snprintf(text, sizeof(text), "%s\n", line);
    memcpy(strstr(text, "\"seq\""), "\"sex\"", 5);
    tap_ok(ward_evlog_parse(text, strlen(text), "log", &log, &err) < 0 &&
               strstr(err.msg, "unknown field \"sex\"") != NULL,
           "unknown field: %s", err.msg);
    free(line);
    ward_event_free(&ev);
}

static void test_order(void)
{
    ward_event evs[3];
    ward_evlog log = {evs, 3};
    ward_err err;
    for (int i = 0; i < 3; i++)
        sealed(&evs[i], "c", (uint64_t)i);
    tap_ok(ward_evlog_check_order(&log, "entry", &err) == 0, "consecutive seq ok");
    evs[2].seq = 5;
    tap_ok(ward_evlog_check_order(&log, "entry", &err) < 0 && strstr(err.msg, "events missing"),
           "gap: %s", err.msg);
    evs[2].seq = 1;
    tap_ok(ward_evlog_check_order(&log, "entry", &err) < 0 && strstr(err.msg, "out of order"),
           "reorder: %s", err.msg);
    evs[2].seq = 2;
    evs[2].reset_count = 8;
    tap_ok(ward_evlog_since_reset(&log, 8) == 2 && ward_evlog_since_reset(&log, 9) == 3,
           "since reset picks the trailing run");
    for (int i = 0; i < 3; i++)
        ward_event_free(&evs[i]);
}

static void test_bad_events(void)
{
    ward_event ev;
    ward_err err;
    tap_ok(ward_event_new_json(&ev, "Bad", "{}", &err) < 0, "upper-case type rejected");
    tap_ok(ward_event_new_json(&ev, "t", "{\"a\":1}", &err) < 0, "number value rejected");
    tap_ok(ward_event_new_json(&ev, "t", "{\"a\":\"x\",\"a\":\"y\"}", &err) < 0,
           "duplicate key rejected");
    tap_ok(ward_event_new_json(&ev, "t", "{\"a\":\"\\u001b[31m\"}", &err) < 0,
           "control character rejected");
    tap_ok(ward_event_new_json(&ev, "t", "{\"a\":\"ok\"}", &err) == 0, "plain event ok");
    ward_event_free(&ev);
}

static void test_classify(void)
{
    ward_node_facts f = {WARD_TCTI_DEVICE, true, true, true};
    tap_ok(ward_node_classify(&f) == WARD_NODE_TPM, "device + chaining cert of its EK: tpm");
    f.ek_cert_matches_ek = false;
    tap_ok(ward_node_classify(&f) == WARD_NODE_VTPM, "cert of another EK: vtpm");
    f = (ward_node_facts){WARD_TCTI_DEVICE, true, false, true};
    tap_ok(ward_node_classify(&f) == WARD_NODE_VTPM, "cert not chaining: vtpm");
    f = (ward_node_facts){WARD_TCTI_DEVICE, false, false, false};
    tap_ok(ward_node_classify(&f) == WARD_NODE_VTPM, "no cert: vtpm");
    f = (ward_node_facts){WARD_TCTI_SWTPM, true, true, true};
    tap_ok(ward_node_classify(&f) == WARD_NODE_VTPM, "swtpm with everything: vtpm");
    f = (ward_node_facts){WARD_TCTI_NONE, false, false, false};
    tap_ok(ward_node_classify(&f) == WARD_NODE_NONE, "no TPM: none");
    tap_ok(ward_node_class_weak(WARD_NODE_VTPM) && ward_node_class_weak(WARD_NODE_NONE) &&
               !ward_node_class_weak(WARD_NODE_TPM),
           "vtpm and none are weak");
}

int main(void)
{
    test_codec();
    test_tcti();
    test_pcr_list();
    test_event_line();
    test_order();
    test_bad_events();
    test_classify();
    return tap_done();
}
