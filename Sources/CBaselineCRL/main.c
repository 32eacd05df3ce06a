//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//
//
// Plain C baseline for `mynakit bench crl` (Docs/Benchmarks.md, "Revocation lists").
//
//   CBaselineCRL --crl FILE --entries N [--lookups L] [--thread]
//
// Reads the CRL file (DER), decodes it with d2i_X509_CRL, makes OpenSSL sort its entries with a first
// X509_CRL_get0_by_serial, then times L lookups with X509_CRL_get0_by_serial on ASN1_INTEGERs built before the loop.
// The serial numbers are those of `mynakit bench crl`: entry k is S(k), 16 bytes from splitmix64(2k) and
// splitmix64(2k+1), big-endian, the first byte mapped into 01-7F; lookup i asks for S((i/2 * 7919) mod N) when i is
// even and S(N + i) when i is odd, so exactly half are listed. Prints one line:
//   "<N> entries: parse <ms> ms, sort <ms> ms, load <ms> ms, <rate> lookup/s (<hits> of <L> listed), resident +<MB> MB"
// With --thread the work runs on a second thread, as it does in a Swift program (whose async code runs on a thread
// pool) or a server: glibc's malloc then serves it from a per-thread arena, which costs about 10% on a million-entry
// parse (MALLOC_ARENA_MAX=1 takes it back).

#include "../../CModules/COpenSSL/shim.h"  // linking comes from COpenSSL
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "CBaselineCRL: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static double now_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static long resident_bytes(void) {
    long pages = 0, resident = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    if (!statm) return 0;
    if (fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
    fclose(statm);
    return resident * sysconf(_SC_PAGESIZE);
}

static uint64_t splitmix64(uint64_t x) {
    uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static ASN1_INTEGER *serial(uint64_t k) {
    unsigned char bytes[16];
    uint64_t words[2] = {splitmix64(2 * k), splitmix64(2 * k + 1)};
    for (int w = 0; w < 2; w++)
        for (int b = 0; b < 8; b++) bytes[w * 8 + b] = (unsigned char)(words[w] >> (56 - 8 * b));
    bytes[0] = (unsigned char)(0x01 + bytes[0] % 0x7F);
    ASN1_INTEGER *integer = ASN1_INTEGER_new();
    if (!integer || !ASN1_STRING_set(integer, bytes, sizeof bytes)) die("ASN1_INTEGER");
    return integer;
}

static const char *path = NULL;
static long entries = 0, lookups = 1000000;

static void *measure(void *unused) {
    (void)unused;

    // The queries first, as `mynakit bench crl` makes its SerialNumbers before timing.
    ASN1_INTEGER **queries = malloc(sizeof *queries * (size_t)lookups);
    if (!queries) die("malloc");
    for (long i = 0; i < lookups; i++)
        queries[i] = i % 2 == 0 ? serial((uint64_t)((i / 2 * 7919) % entries)) : serial((uint64_t)(entries + i));

    long resident_before = resident_bytes();
    double start = now_seconds();
    FILE *file = fopen(path, "rb");
    if (!file) die(path);
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *bytes = malloc(length > 0 ? (size_t)length : 1);
    if (!bytes || fread(bytes, 1, (size_t)length, file) != (size_t)length) die(path);
    fclose(file);
    const unsigned char *cursor = bytes;
    X509_CRL *crl = d2i_X509_CRL(NULL, &cursor, length);
    free(bytes);
    if (!crl) die("d2i_X509_CRL");
    double parsed = now_seconds();
    X509_REVOKED *entry = NULL;
    ASN1_INTEGER *zero = ASN1_INTEGER_new();
    ASN1_INTEGER_set(zero, 0);
    (void)X509_CRL_get0_by_serial(crl, &entry, zero);  // the first lookup sorts the entries
    double sorted = now_seconds();
    long resident = resident_bytes() - resident_before;
    if (COpenSSL_sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) != entries) die("the CRL has another size");

    long hits = 0;
    double loop = now_seconds();
    for (long i = 0; i < lookups; i++)
        if (X509_CRL_get0_by_serial(crl, &entry, queries[i]) == 1) hits++;
    double end = now_seconds();
    if (hits != (lookups + 1) / 2) die("wrong number of hits");

    printf("%ld entries: parse %.1f ms, sort %.1f ms, load %.1f ms, %.1f lookup/s (%ld of %ld listed), "
           "resident +%.1f MB\n",
           entries, (parsed - start) * 1e3, (sorted - parsed) * 1e3, (sorted - start) * 1e3,
           (double)lookups / (end - loop), hits, lookups, (double)resident / 1e6);
    for (long i = 0; i < lookups; i++) ASN1_INTEGER_free(queries[i]);
    free(queries);
    ASN1_INTEGER_free(zero);
    X509_CRL_free(crl);
    return NULL;
}

int main(int argc, char **argv) {
    int on_thread = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--thread")) on_thread = 1;
        else if (i + 1 < argc && !strcmp(argv[i], "--crl")) path = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--entries")) entries = atol(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--lookups")) lookups = atol(argv[++i]);
        else die("usage: CBaselineCRL --crl FILE --entries N [--lookups L] [--thread]");
    }
    if (!path || entries < 1 || lookups < 2) die("usage: CBaselineCRL --crl FILE --entries N [--lookups L] [--thread]");
    if (!on_thread) {
        measure(NULL);
        return 0;
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, measure, NULL) != 0 || pthread_join(thread, NULL) != 0) die("pthread");
    return 0;
}
