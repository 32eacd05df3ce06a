/*
 * cabi_bench.c: the C side of the C interface's overhead benchmark (scripts/bench-cabi.sh; Docs/Benchmarks.md,
 * "C ABI"). Its Swift twin, Sources/CABIBaselineSwift, makes the same calls through the Swift API.
 *
 * This source file is part of the MynaKit open source project.
 *
 *     cabi_bench READER DIR PIN-COUNT VERIFY-COUNT
 *
 * Opens a session on READER, then times PIN-COUNT calls of mynakit_pin_tries (the authentication PIN: one
 * transaction, SELECT applet, SELECT PIN EF, empty VERIFY) and VERIFY-COUNT calls of mynakit_verify_signature
 * (DIR/auth.der, DIR/challenge.bin, DIR/challenge.sig: parse the certificate, hash, RSA-2048 PKCS#1 v1.5 check), each
 * after a warm-up of a tenth as many calls. Every result is checked, so a run of failing calls cannot pass for a fast
 * one. Prints the wall-clock time per call and the process's CPU time per call (all threads: what the calls cost the
 * caller, less disturbed by other load on the machine than the wall clock):
 *     pin_tries NANOSECONDS CPU-NANOSECONDS
 *     verify_signature NANOSECONDS CPU-NANOSECONDS
 */
#include <mynakit.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static unsigned char *read_file(const char *dir, const char *name, size_t *length) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cabi_bench: cannot read %s\n", path);
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *bytes = malloc(size > 0 ? (size_t)size : 1);
    *length = fread(bytes, 1, (size_t)size, file);
    fclose(file);
    return bytes;
}

static double clock_ns(clockid_t clock) {
    struct timespec time;
    clock_gettime(clock, &time);
    return (double)time.tv_sec * 1e9 + (double)time.tv_nsec;
}

static void fail(const char *what, mynakit_error *err) {
    fprintf(stderr, "cabi_bench: %s failed: %s\n", what, mynakit_error_message(err));
    exit(1);
}

static void pin_tries(mynakit_session *session, int count) {
    for (int i = 0; i < count; i++) {
        int left = -1;
        mynakit_error *err = NULL;
        if (mynakit_pin_tries(session, MYNAKIT_KEY_AUTH, &left, &err) != 0 || left < 0) fail("mynakit_pin_tries", err);
    }
}

static void verify(const unsigned char *cert, size_t cert_len, const unsigned char *data, size_t data_len,
                   const unsigned char *sig, size_t sig_len, int count) {
    for (int i = 0; i < count; i++) {
        mynakit_error *err = NULL;
        if (mynakit_verify_signature(cert, cert_len, data, data_len, MYNAKIT_HASH_SHA256, sig, sig_len, &err) != 0)
            fail("mynakit_verify_signature", err);
    }
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: cabi_bench READER DIR PIN-COUNT VERIFY-COUNT\n");
        return 64;
    }
    int pin_count = atoi(argv[3]), verify_count = atoi(argv[4]);
    size_t cert_len, data_len, sig_len;
    unsigned char *cert = read_file(argv[2], "auth.der", &cert_len);
    unsigned char *data = read_file(argv[2], "challenge.bin", &data_len);
    unsigned char *sig = read_file(argv[2], "challenge.sig", &sig_len);
    mynakit_error *err = NULL;
    mynakit_session *session = mynakit_open(argv[1], &err);
    if (session == NULL) fail("mynakit_open", err);

    pin_tries(session, pin_count / 10 + 1);
    double start = clock_ns(CLOCK_MONOTONIC), cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    pin_tries(session, pin_count);
    printf("pin_tries %.0f %.0f\n", (clock_ns(CLOCK_MONOTONIC) - start) / pin_count,
           (clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu) / pin_count);

    verify(cert, cert_len, data, data_len, sig, sig_len, verify_count / 10 + 1);
    start = clock_ns(CLOCK_MONOTONIC);
    cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    verify(cert, cert_len, data, data_len, sig, sig_len, verify_count);
    printf("verify_signature %.0f %.0f\n", (clock_ns(CLOCK_MONOTONIC) - start) / verify_count,
           (clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu) / verify_count);

    mynakit_close(session);
    free(cert);
    free(data);
    free(sig);
    return 0;
}
