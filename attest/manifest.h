/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The result manifest: an in-toto Statement v1 in a DSSE envelope signed with the node key.
 *
 *   {"_type":"https://in-toto.io/Statement/v1",
 *    "subject":[{"name":"out/a.txt","digest":{"sha256":"<hex>"}},
 *               {"name":"out/link","digest":{"sha256":"<hex of the target text>"},
 *                "annotations":{"symlink":"<target>"}}, ...],
 *    "predicateType":"https://ward.dev/result/v1",
 *    "predicate":{"container":{"id":..,"config_sha256":..},"ward_version":..,"image":{..},
 *                 "process":{"args":[..],"env_names":[..]},"started":..,"ended":..,
 *                 "exit":{..},"resources":{..},"protections":{..},
 *                 "node":{"public_key":..,"fingerprint":..,"address":..,"class":..,"weak":B},
 *                 "evidence":"<base64 of the TPM evidence document>" or ""}}
 *
 * The payload is compact JSON and "evidence" is its last member. Nonce rule: the quote's nonce
 * (TPMS_ATTEST extraData) is SHA-256 of the payload bytes with the evidence value replaced by the
 * empty string, i.e. with the one occurrence of "evidence":"<base64>" replaced by "evidence":"".
 */
#ifndef WARD_ATTEST_MANIFEST_H
#define WARD_ATTEST_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "attest/attest.h"
#include "attest/nodekey.h"

#define WARD_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define WARD_PREDICATE_TYPE "https://ward.dev/result/v1"
#define WARD_RUN_RECORD_MAX ((size_t)4 << 20)

/* One output: an open fd (O_PATH is fine) and its subject name prefix. */
typedef struct ward_result_output {
    int fd;
    const char *name;
} ward_result_output;

/*
 * What the runtime knows about a finished container (the "run record", a JSON object made by
 * runtime/result.c): {"id":..,"config":"<bundle config.json path>","image":{..},
 * "process":{..},"started":..,"ended":..,"exit":{..},"resources":{..},"protections":{..}}.
 * Every member but id and config is copied into the predicate as it is.
 */
typedef struct ward_result_req {
    const char *run_json;
    size_t run_len;
    const ward_result_output *outputs;
    size_t n_outputs;
    const ward_attest_cfg *cfg; /* TPM: quote when cfg->tcti is not "none" */
    const char *key_path;
    unsigned threads; /* output hashing threads, 0: one per CPU */
} ward_result_req;

/* Hash the outputs, measure and quote (when there is a TPM), sign; *json is the envelope. */
int ward_result_make(const ward_result_req *req, char **json, size_t *len, ward_err *err);

/* --- verify (manifest_verify.c) --- */

typedef struct ward_manifest_opts {
    const ward_node_pub *pubkey; /* the signer the caller expects, or NULL */
    const uint8_t *address;      /* 20 bytes, or NULL */
    const char *const *outputs;  /* directories or files to re-hash (named by last component) */
    size_t n_outputs;
    EVP_PKEY *ak;       /* the attestation key the caller trusts, or NULL */
    const char *ca_dir; /* EK CA certificates for class tpm, or NULL */
} ward_manifest_opts;

typedef enum ward_check_status {
    WARD_CHECK_PASS,
    WARD_CHECK_FAIL,
    WARD_CHECK_SKIP
} ward_check_status;

typedef enum ward_check_id {
    WARD_CHECK_ENVELOPE,
    WARD_CHECK_STATEMENT,
    WARD_CHECK_SIGNATURE,
    WARD_CHECK_SIGNER,
    WARD_CHECK_OUTPUTS,
    WARD_CHECK_EVIDENCE,
    WARD_CHECK_COUNT
} ward_check_id;

typedef struct ward_check {
    ward_check_status status;
    char detail[WARD_ERR_MSG_MAX];
} ward_check;

typedef struct ward_manifest_report {
    ward_check checks[WARD_CHECK_COUNT];
    bool ok; /* every check passed or was skipped */
    bool have_signer;
    ward_node_pub signer; /* recovered from the signature */
    char container_id[256];
    size_t n_subjects;
    ward_node_class claimed; /* node.class in the predicate */
    ward_node_class proven;  /* what the evidence proves (none without evidence) */
    bool weak;
    bool have_nonce;
    uint8_t nonce[32]; /* the quote nonce the nonce rule gives for this payload */
} ward_manifest_report;

const char *ward_check_name(ward_check_id id);

/* Run every check that can run; 0 with r->ok telling the verdict, -1 only for errors of the
 * verifier itself (out of memory). */
int ward_manifest_verify(const char *json, size_t len, const ward_manifest_opts *o,
                         ward_manifest_report *r, ward_err *err);

/* The nonce rule: SHA-256 of payload with "evidence":"<any>" replaced by "evidence":"". */
int ward_manifest_nonce(const uint8_t *payload, size_t len, uint8_t nonce[32], char **evidence_b64,
                        ward_err *err);

#endif
