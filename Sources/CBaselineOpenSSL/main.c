//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//
//
// Plain C baseline for `mynakit bench verify` (Docs/Benchmarks.md, "Verification throughput").
//
//   CBaselineOpenSSL --cert F --roots F... --in F --signature F [--count N] [--kind auth|sign] [--parse-each]
//
// --parse-each parses the leaf from its DER (and reads its profile facts and key) in every iteration, as a
// verification service does per request; `mynakit bench verify --parse-each` does the same.
//
// Does the same work per iteration as the Swift path through MynaVerify: files are read and parsed once; each
// iteration builds and verifies the chain with X509_STORE_CTX (verification time set explicitly, a verify callback
// that records every error and lets verification continue, the built chain walked afterwards), applies the JPKI
// profile checks (policy arc and keyUsage, decoded once up front as MynaVerify does at parse time, plus the
// self-signed and CA-flag checks), and verifies an RSA PKCS#1 v1.5 signature over the data: hash, then
// EVP_PKEY_verify with a fresh EVP_PKEY_CTX. Prints "<rate> verify/s".

#include "../../CModules/COpenSSL/shim.h"  // the COpenSSL shims (stack macros); linking comes from COpenSSL
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ROOTS 16
#define MAX_RECORDED 32

struct recorder {
    int count;
    int codes[MAX_RECORDED];
};

static int record_errors(int ok, X509_STORE_CTX *context) {
    if (ok) return ok;
    struct recorder *recorder = X509_STORE_CTX_get_ex_data(context, 0);
    if (recorder && recorder->count < MAX_RECORDED) recorder->codes[recorder->count++] = X509_STORE_CTX_get_error(context);
    return 1;
}

static void die(const char *what) {
    fprintf(stderr, "CBaselineOpenSSL: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static unsigned char *read_file(const char *path, long *length) {
    FILE *file = fopen(path, "rb");
    if (!file) die(path);
    fseek(file, 0, SEEK_END);
    *length = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *bytes = malloc(*length > 0 ? *length : 1);
    if (!bytes || fread(bytes, 1, *length, file) != (size_t)*length) die(path);
    fclose(file);
    return bytes;
}

/// PEM (first certificate) or DER.
static X509 *read_certificate(const char *path) {
    long length = 0;
    unsigned char *bytes = read_file(path, &length);
    X509 *certificate = NULL;
    if (length > 0 && bytes[0] == 0x30) {
        const unsigned char *cursor = bytes;
        certificate = d2i_X509(NULL, &cursor, length);
    } else {
        BIO *bio = BIO_new_mem_buf(bytes, (int)length);
        certificate = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        BIO_free(bio);
    }
    free(bytes);
    if (!certificate) die(path);
    return certificate;
}

static double now_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

// The JPKI profile facts MynaVerify checks on a leaf: not self-signed, not a CA, the key usage, a policy under arc.
static int profile_matches(X509 *leaf, const char *arc, uint32_t required_usage) {
    uint32_t flags = X509_get_extension_flags(leaf);
    int profile_ok = !(flags & EXFLAG_SS) && !(flags & EXFLAG_CA);
    profile_ok = profile_ok && (flags & EXFLAG_KUSAGE) && (X509_get_key_usage(leaf) & required_usage);
    int policy_found = 0;
    CERTIFICATEPOLICIES *policies = X509_get_ext_d2i(leaf, NID_certificate_policies, NULL, NULL);
    for (int p = 0; policies && p < COpenSSL_sk_POLICYINFO_num(policies); p++) {
        char oid[128];
        OBJ_obj2txt(oid, sizeof oid, COpenSSL_sk_POLICYINFO_value(policies, p)->policyid, 1);
        size_t arc_length = strlen(arc);
        if (!strncmp(oid, arc, arc_length) && (oid[arc_length] == '\0' || oid[arc_length] == '.')) policy_found = 1;
    }
    CERTIFICATEPOLICIES_free(policies);
    return profile_ok && policy_found;
}

int main(int argc, char **argv) {
    const char *cert_path = NULL, *in_path = NULL, *signature_path = NULL, *kind = "auth";
    const char *root_paths[MAX_ROOTS];
    int root_count = 0;
    long count = 10000;
    int parse_each = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cert") && i + 1 < argc) cert_path = argv[++i];
        else if (!strcmp(argv[i], "--in") && i + 1 < argc) in_path = argv[++i];
        else if (!strcmp(argv[i], "--signature") && i + 1 < argc) signature_path = argv[++i];
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) count = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--kind") && i + 1 < argc) kind = argv[++i];
        else if (!strcmp(argv[i], "--parse-each")) parse_each = 1;
        else if (!strcmp(argv[i], "--roots")) {
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0 && root_count < MAX_ROOTS)
                root_paths[root_count++] = argv[++i];
        } else {
            fprintf(stderr, "usage: CBaselineOpenSSL --cert F --roots F... --in F --signature F [--count N] "
                            "[--kind auth|sign]\n");
            return 64;
        }
    }
    if (!cert_path || !in_path || !signature_path || root_count == 0 || count < 1) {
        fprintf(stderr, "CBaselineOpenSSL: --cert, --roots, --in and --signature are required\n");
        return 64;
    }
    int signing = !strcmp(kind, "sign");
    const char *arc = signing ? "1.2.392.200149.8.5.1.1" : "1.2.392.200149.8.5.1.3";
    uint32_t required_usage = signing ? KU_NON_REPUDIATION : KU_DIGITAL_SIGNATURE;

    // Set-up, once: trust store, leaf, data, signature, the leaf's profile facts.
    X509_STORE *store = X509_STORE_new();
    if (!store) die("X509_STORE_new");
    for (int r = 0; r < root_count; r++) {
        BIO *bio = BIO_new_file(root_paths[r], "r");
        if (!bio) die(root_paths[r]);
        X509 *root;
        int added = 0;
        while ((root = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
            if (X509_STORE_add_cert(store, root) != 1) die("X509_STORE_add_cert");
            X509_free(root);
            added++;
        }
        ERR_clear_error();
        BIO_free(bio);
        if (!added) {
            X509 *der_root = read_certificate(root_paths[r]);
            if (X509_STORE_add_cert(store, der_root) != 1) die("X509_STORE_add_cert");
            X509_free(der_root);
        }
    }
    X509 *leaf = read_certificate(cert_path);
    long data_length = 0, signature_length = 0;
    unsigned char *data = read_file(in_path, &data_length);
    unsigned char *signature = read_file(signature_path, &signature_length);

    unsigned char *leaf_der = NULL;
    int leaf_der_length = i2d_X509(leaf, &leaf_der);
    if (leaf_der_length <= 0) die("i2d_X509");
    int profile_ok = profile_matches(leaf, arc, required_usage);
    EVP_PKEY *key = X509_get0_pubkey(leaf);
    const EVP_MD *md = EVP_sha256();
    if (!key) die("X509_get0_pubkey");

    long failures = 0;
    double start = now_seconds();
    for (long iteration = 0; iteration < count; iteration++) {
        X509 *parsed = NULL;
        if (parse_each) {
            // What a service does per request: the certificate arrives as DER.
            const unsigned char *cursor = leaf_der;
            parsed = d2i_X509(NULL, &cursor, leaf_der_length);
            if (!parsed) die("d2i_X509");
            leaf = parsed;
            profile_ok = profile_matches(leaf, arc, required_usage);
            key = X509_get0_pubkey(leaf);
            if (!key) die("X509_get0_pubkey");
        }
        // Chain verification.
        struct recorder recorder = {0};
        X509_STORE_CTX *context = X509_STORE_CTX_new();
        STACK_OF(X509) *untrusted = COpenSSL_sk_X509_new_null();
        STACK_OF(X509_CRL) *crls = COpenSSL_sk_X509_CRL_new_null();
        if (!context || !untrusted || !crls) die("allocation");
        if (X509_STORE_CTX_init(context, store, leaf, untrusted) != 1) die("X509_STORE_CTX_init");
        X509_STORE_CTX_set0_crls(context, crls);
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context), time(NULL));
        X509_STORE_CTX_set_verify_cb(context, record_errors);
        X509_STORE_CTX_set_ex_data(context, 0, &recorder);
        int status = X509_verify_cert(context);
        STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(context);
        int chain_length = chain ? COpenSSL_sk_X509_num(chain) : 0;
        X509_STORE_CTX_free(context);
        COpenSSL_sk_X509_CRL_free(crls);
        COpenSSL_sk_X509_free(untrusted);
        int chain_ok = status == 1 && recorder.count == 0 && chain_length >= 1;

        // Signature over the data.
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int digest_length = 0;
        if (EVP_Digest(data, (size_t)data_length, digest, &digest_length, md, NULL) != 1) die("EVP_Digest");
        EVP_PKEY_CTX *verify = EVP_PKEY_CTX_new(key, NULL);
        if (!verify || EVP_PKEY_verify_init(verify) != 1 || EVP_PKEY_CTX_set_rsa_padding(verify, RSA_PKCS1_PADDING) != 1
            || EVP_PKEY_CTX_set_signature_md(verify, md) != 1)
            die("EVP_PKEY_verify_init");
        int signature_ok = EVP_PKEY_verify(verify, signature, (size_t)signature_length, digest, digest_length) == 1;
        EVP_PKEY_CTX_free(verify);
        ERR_clear_error();

        if (!chain_ok || !profile_ok || !signature_ok) failures++;
        if (parsed) X509_free(parsed);
    }
    double elapsed = now_seconds() - start;

    free(data);
    free(signature);
    OPENSSL_free(leaf_der);
    if (!parse_each) X509_free(leaf);
    X509_STORE_free(store);
    if (failures) {
        fprintf(stderr, "CBaselineOpenSSL: %ld of %ld verifications failed\n", failures, count);
        return 5;
    }
    printf("%.1f verify/s\n", (double)count / elapsed);
    return 0;
}
