/*
 * cabi_test.c: every function of mynakit.h against the virtual My Number card through pcscd, with every error path
 * (NULL pointers, unknown kinds, zero lengths, closed sessions, a removed card, pcscd gone).
 *
 * This source file is part of the MynaKit open source project.
 *
 * Built against the installed header and library, as an application would be:
 *     cc -Wall -Wextra -Werror cabi_test.c $(pkg-config --cflags --libs mynakit) -o cabi_test
 * and run by Tests/IntegrationTests/CABITests.swift (also under valgrind and AddressSanitizer) and
 * scripts/test-cabi.sh:
 *     cabi_test all READER DIR        the whole interface on a fresh virtual card (default PINs, full counters)
 *     cabi_test apdus READER          open, PIN status, auth certificate, sign, close: the APDUs the card records
 *     cabi_test blocked READER        a card whose authentication PIN is blocked
 *     cabi_test not-jpki READER       a card without the JPKI applet
 *     cabi_test verify-close READER   verifies the signing password (reading the signing certificate) and closes
 *     cabi_test removed READER        prints "ready", then calls until the harness has pulled the card
 *     cabi_test no-service            pcscd unreachable (PCSCLITE_CSOCK_NAME names no socket)
 *     cabi_test oom READER            no memory for a returned buffer (under LD_PRELOAD=failmalloc.so)
 *     cabi_test repeat N READER DIR   N rounds of every flow and error path, for leak checks; prints its peak RSS
 *     cabi_test threads N READER      4 threads with a session each and 2 sharing one, N calls each
 * DIR holds the expected certificates (auth.der, auth-ca.der, sign.der, sign-ca.der), the roots (auth-root.pem,
 * sign-root.pem) and CRLs (auth-empty.crl, auth-revoked.crl, sign-empty.crl); `all` writes its challenge and
 * signatures, and a document with its CMS signatures, there for openssl to check. The virtual card's PINs come from MYNAKIT_TEST_AUTH_PIN and
 * MYNAKIT_TEST_SIGN_PIN, never from the command line. Each check prints "ok - ..." or "not ok - ..."; the last line
 * is "N passed, M failed" and the exit status is 1 when anything failed.
 */
#include <mynakit.h>

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int passed;
static int failed;
static int quiet; /* repeat: report failures only */

static void check(int condition, const char *format, ...) {
    va_list args;
    va_start(args, format);
    if (condition) {
        passed++;
        if (!quiet) {
            fputs("ok - ", stdout);
            vprintf(format, args);
            fputc('\n', stdout);
        }
    } else {
        failed++;
        fputs("not ok - ", stdout);
        vprintf(format, args);
        fputc('\n', stdout);
    }
    va_end(args);
}

/* Checks a result: rc and the error's code are `code`, the error's name is `name` (when not NULL; a name ending in
 * '*' matches as a prefix, one starting with '~' as a substring), and *err is NULL exactly on success. Frees the
 * error. */
static void expect(const char *what, int rc, mynakit_error *err, int code, const char *name) {
    if (code == MYNAKIT_OK) {
        check(rc == 0 && err == NULL, "%s: succeeds (rc %d%s%s)", what, rc, err ? ", " : "",
              err ? mynakit_error_message(err) : "");
        mynakit_error_free(err);
        return;
    }
    const char *actual = mynakit_error_name(err);
    int name_ok = 1;
    if (name != NULL) {
        size_t n = strlen(name);
        if (name[0] == '~') {
            name_ok = strstr(actual, name + 1) != NULL;
        } else if (n > 0 && name[n - 1] == '*') {
            name_ok = strncmp(actual, name, n - 1) == 0;
        } else {
            name_ok = strcmp(actual, name) == 0;
        }
    }
    check(rc == code && err != NULL && mynakit_error_code(err) == code && name_ok && mynakit_error_message(err)[0],
          "%s: %d %s (got %d %s: %s)", what, code, name ? name : "", rc, actual, mynakit_error_message(err));
    mynakit_error_free(err);
}

static unsigned char *read_file(const char *dir, const char *name, size_t *length) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *file = fopen(path, "rb");
    if (file == NULL) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *bytes = malloc(size > 0 ? (size_t)size : 1);
    *length = fread(bytes, 1, (size_t)size, file);
    fclose(file);
    return bytes;
}

static void write_file(const char *dir, const char *name, const unsigned char *bytes, size_t length) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *file = fopen(path, "wb");
    if (file == NULL) return;
    fwrite(bytes, 1, length, file);
    fclose(file);
}

static const char *env_pin(const char *variable) {
    const char *pin = getenv(variable);
    if (pin == NULL) {
        fprintf(stderr, "cabi_test: set %s to the virtual card's PIN\n", variable);
        exit(2);
    }
    return pin;
}

static int tries(mynakit_session *session, int key) {
    int left = -2;
    mynakit_error *err = NULL;
    if (mynakit_pin_tries(session, key, &left, &err) != 0) left = -3;
    mynakit_error_free(err);
    return left;
}

static const unsigned char challenge[32] = "challenge from the kiosk 012345"; /* 31 characters and the NUL */

/* ---- the readers and sessions ---- */

static mynakit_session *test_sessions(const char *reader) {
    mynakit_error *err = (mynakit_error *)&err; /* not NULL: a success must clear it */
    char **readers = mynakit_list_readers(&err);
    check(readers != NULL && err == NULL, "mynakit_list_readers succeeds and clears *err");
    int found = 0, count = 0;
    for (char **name = readers; name && *name; name++, count++) {
        if (strcmp(*name, reader) == 0) found = 1;
        mynakit_free(*name);
    }
    mynakit_free(readers);
    check(found, "mynakit_list_readers lists '%s' among %d readers", reader, count);
    readers = mynakit_list_readers(NULL);
    check(readers != NULL, "mynakit_list_readers with err NULL");
    for (char **name = readers; name && *name; name++) mynakit_free(*name);
    mynakit_free(readers);

    err = NULL;
    mynakit_session *any = mynakit_open(NULL, &err);
    check(any != NULL && err == NULL, "mynakit_open(NULL) finds a My Number card (%s)",
          any ? mynakit_session_reader(any) : mynakit_error_message(err));
    mynakit_error_free(err);
    mynakit_close(any);

    err = NULL;
    mynakit_session *none = mynakit_open("No Such Reader 99", &err);
    expect("mynakit_open of an unknown reader", none ? 0 : mynakit_error_code(err), err, MYNAKIT_E_NO_CARD,
           "SCARD_E_UNKNOWN_READER");
    check(none == NULL, "mynakit_open of an unknown reader returns NULL");
    err = NULL;
    none = mynakit_open("", &err);
    expect("mynakit_open(\"\")", none ? 0 : mynakit_error_code(err), err, MYNAKIT_E_USAGE, "usage");
    check(mynakit_open("No Such Reader 99", NULL) == NULL, "mynakit_open with err NULL returns NULL on failure");

    err = NULL;
    mynakit_session *session = mynakit_open(reader, &err);
    check(session != NULL && err == NULL, "mynakit_open('%s')%s%s", reader, err ? ": " : "",
          err ? mynakit_error_message(err) : "");
    mynakit_error_free(err);
    if (session != NULL) {
        const char *name = mynakit_session_reader(session);
        check(name != NULL && strcmp(name, reader) == 0, "mynakit_session_reader is the reader");
    }
    check(mynakit_session_reader(NULL) == NULL, "mynakit_session_reader(NULL) is NULL");
    return session;
}

/* ---- certificates ---- */

static void test_certificates(mynakit_session *session, const char *dir, const char *sign_pin) {
    static const struct { int kind; const char *file; } kinds[] = {
        {MYNAKIT_CERT_AUTH, "auth.der"}, {MYNAKIT_CERT_AUTH_CA, "auth-ca.der"}, {MYNAKIT_CERT_SIGN_CA, "sign-ca.der"}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        unsigned char *der = (unsigned char *)&der;
        size_t length = 99;
        mynakit_error *err = NULL;
        int rc = mynakit_read_certificate(session, kinds[i].kind, NULL, &der, &length, &err);
        size_t expected_length = 0;
        unsigned char *expected = read_file(dir, kinds[i].file, &expected_length);
        check(rc == 0 && err == NULL && expected && length == expected_length && !memcmp(der, expected, length),
              "mynakit_read_certificate kind %d: %zu bytes equal to %s", kinds[i].kind, length, kinds[i].file);
        free(expected);
        mynakit_free(der);
        mynakit_error_free(err);
    }

    unsigned char *der = NULL;
    size_t length = 0;
    mynakit_error *err = NULL;
    int rc = mynakit_read_certificate(session, MYNAKIT_CERT_SIGN, sign_pin, &der, &length, &err);
    size_t expected_length = 0;
    unsigned char *expected = read_file(dir, "sign.der", &expected_length);
    check(rc == 0 && expected && length == expected_length && !memcmp(der, expected, length),
          "mynakit_read_certificate SIGN with the signing password: %zu bytes equal to sign.der", length);
    free(expected);
    mynakit_free(der);
    mynakit_error_free(err);

    /* Error paths: the outputs are cleared, nothing is allocated. */
    der = (unsigned char *)&der;
    length = 7;
    err = NULL;
    rc = mynakit_read_certificate(NULL, MYNAKIT_CERT_AUTH, NULL, &der, &length, &err);
    expect("mynakit_read_certificate(NULL session)", rc, err, MYNAKIT_E_USAGE, "usage");
    check(der == NULL && length == 0, "mynakit_read_certificate clears der and der_len on failure");
    for (int kind = -1; kind <= 5; kind += 6) {
        err = NULL;
        rc = mynakit_read_certificate(session, kind, NULL, &der, &length, &err);
        expect("mynakit_read_certificate of an unknown kind", rc, err, MYNAKIT_E_USAGE, "usage");
    }
    err = NULL;
    rc = mynakit_read_certificate(session, 0, NULL, &der, &length, &err);
    expect("mynakit_read_certificate kind 0", rc, err, MYNAKIT_E_USAGE, "usage");
    err = NULL;
    rc = mynakit_read_certificate(session, MYNAKIT_CERT_AUTH, NULL, NULL, &length, &err);
    expect("mynakit_read_certificate(der NULL)", rc, err, MYNAKIT_E_USAGE, "usage");
    err = NULL;
    rc = mynakit_read_certificate(session, MYNAKIT_CERT_AUTH, NULL, &der, NULL, &err);
    expect("mynakit_read_certificate(der_len NULL)", rc, err, MYNAKIT_E_USAGE, "usage");
    err = NULL;
    rc = mynakit_read_certificate(session, MYNAKIT_CERT_SIGN, NULL, &der, &length, &err);
    expect("mynakit_read_certificate SIGN without a password", rc, err, MYNAKIT_E_USAGE, "usage");
    err = NULL;
    rc = mynakit_read_certificate(session, MYNAKIT_CERT_SIGN, "12", &der, &length, &err);
    expect("mynakit_read_certificate SIGN with a malformed password", rc, err, MYNAKIT_E_PIN, "invalid-pin-format");
    err = NULL;
    rc = mynakit_read_certificate(session, MYNAKIT_CERT_SIGN, "", &der, &length, &err);
    expect("mynakit_read_certificate SIGN with an empty password", rc, err, MYNAKIT_E_PIN, "invalid-pin-format");
    check(tries(session, MYNAKIT_KEY_SIGN) == 5, "a malformed password spends no try (5 left)");
    err = NULL;
    rc = mynakit_read_certificate(session, MYNAKIT_CERT_SIGN, "WRONG1", &der, &length, &err);
    int left = mynakit_error_tries_left(err);
    expect("mynakit_read_certificate SIGN with a wrong password", rc, err, MYNAKIT_E_PIN, "wrong-pin");
    check(left == 4 && tries(session, MYNAKIT_KEY_SIGN) == 4, "a wrong password: 4 tries left (error says %d)", left);
    rc = mynakit_read_certificate(session, MYNAKIT_CERT_AUTH, NULL, &der, &length, NULL);
    check(rc == 0 && der != NULL, "mynakit_read_certificate with err NULL");
    mynakit_free(der);
    rc = mynakit_read_certificate(session, MYNAKIT_CERT_SIGN, sign_pin, &der, &length, NULL);
    check(rc == 0 && tries(session, MYNAKIT_KEY_SIGN) == 5, "the right password restores the counter (5 left)");
    mynakit_free(der);
}

/* ---- PIN counters ---- */

static void test_pin_tries(mynakit_session *session) {
    int left = -1;
    mynakit_error *err = (mynakit_error *)&left;
    int rc = mynakit_pin_tries(session, MYNAKIT_KEY_AUTH, &left, &err);
    check(rc == 0 && err == NULL && left == 3, "mynakit_pin_tries AUTH: 3");
    check(tries(session, MYNAKIT_KEY_SIGN) == 5, "mynakit_pin_tries SIGN: 5");
    check(tries(session, MYNAKIT_KEY_CARD_INFO) == 3, "mynakit_pin_tries CARD_INFO: 3");
    for (int key = 0; key <= 4; key += 4) {
        left = 9;
        err = NULL;
        rc = mynakit_pin_tries(session, key, &left, &err);
        expect("mynakit_pin_tries of an unknown key", rc, err, MYNAKIT_E_USAGE, "usage");
        check(left == -1, "mynakit_pin_tries sets tries_left to -1 on failure");
    }
    err = NULL;
    rc = mynakit_pin_tries(session, MYNAKIT_KEY_AUTH, NULL, &err);
    expect("mynakit_pin_tries(tries_left NULL)", rc, err, MYNAKIT_E_USAGE, "usage");
    err = NULL;
    rc = mynakit_pin_tries(NULL, MYNAKIT_KEY_AUTH, &left, &err);
    expect("mynakit_pin_tries(NULL session)", rc, err, MYNAKIT_E_USAGE, "usage");
}

/* ---- signatures ---- */

static void test_sign(mynakit_session *session, const char *dir, const char *auth_pin, const char *sign_pin) {
    static const struct { int key; int hash; const char *file; } cases[] = {
        {MYNAKIT_KEY_AUTH, MYNAKIT_HASH_SHA256, "challenge-auth-sha256.sig"},
        {MYNAKIT_KEY_AUTH, MYNAKIT_HASH_SHA1, "challenge-auth-sha1.sig"},
        {MYNAKIT_KEY_AUTH, MYNAKIT_HASH_SHA384, "challenge-auth-sha384.sig"},
        {MYNAKIT_KEY_SIGN, MYNAKIT_HASH_SHA512, "challenge-sign-sha512.sig"}};
    write_file(dir, "challenge.bin", challenge, sizeof challenge);
    size_t auth_length = 0, sign_length = 0;
    unsigned char *auth = read_file(dir, "auth.der", &auth_length);
    unsigned char *sign = read_file(dir, "sign.der", &sign_length);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char *signature = NULL;
        size_t length = 0;
        mynakit_error *err = (mynakit_error *)&length;
        const char *pin = cases[i].key == MYNAKIT_KEY_AUTH ? auth_pin : sign_pin;
        int rc = mynakit_sign(session, cases[i].key, pin, 0, challenge, sizeof challenge, cases[i].hash, &signature,
                              &length, &err);
        check(rc == 0 && err == NULL && length == 256, "mynakit_sign key %d hash %d: %zu bytes", cases[i].key,
              cases[i].hash, length);
        if (rc == 0) write_file(dir, cases[i].file, signature, length);
        const unsigned char *cert = cases[i].key == MYNAKIT_KEY_AUTH ? auth : sign;
        size_t cert_length = cases[i].key == MYNAKIT_KEY_AUTH ? auth_length : sign_length;
        err = NULL;
        rc = mynakit_verify_signature(cert, cert_length, challenge, sizeof challenge, cases[i].hash, signature, length,
                                      &err);
        expect("mynakit_verify_signature accepts the card's signature", rc, err, MYNAKIT_OK, NULL);
        mynakit_free(signature);
    }
    free(auth);
    free(sign);

    unsigned char *signature = (unsigned char *)&signature;
    size_t length = 5;
    mynakit_error *err = NULL;
    int rc = mynakit_sign(NULL, MYNAKIT_KEY_AUTH, auth_pin, 0, challenge, 32, MYNAKIT_HASH_SHA256, &signature, &length,
                          &err);
    expect("mynakit_sign(NULL session)", rc, err, MYNAKIT_E_USAGE, "usage");
    check(signature == NULL && length == 0, "mynakit_sign clears signature and signature_len on failure");
    static const struct { int key; const char *pin; const unsigned char *data; size_t length; int hash;
                          int null_out; int code; const char *name; const char *what; } bad[] = {
        {MYNAKIT_KEY_CARD_INFO, "1234", challenge, 32, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_USAGE, "usage", "key 3"},
        {0, "1234", challenge, 32, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_USAGE, "usage", "key 0"},
        {MYNAKIT_KEY_AUTH, NULL, challenge, 32, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_USAGE, "usage", "pin NULL"},
        {MYNAKIT_KEY_AUTH, "1234", NULL, 32, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_USAGE, "usage", "data NULL"},
        {MYNAKIT_KEY_AUTH, "1234", challenge, 0, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_USAGE, "usage", "data_len 0"},
        {MYNAKIT_KEY_AUTH, "1234", challenge, (size_t)-1, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_USAGE, "usage",
         "data_len SIZE_MAX"},
        {MYNAKIT_KEY_AUTH, "1234", challenge, 32, 0, 0, MYNAKIT_E_USAGE, "usage", "hash 0"},
        {MYNAKIT_KEY_AUTH, "1234", challenge, 32, 5, 0, MYNAKIT_E_USAGE, "usage", "hash 5"},
        {MYNAKIT_KEY_AUTH, "1234", challenge, 32, MYNAKIT_HASH_SHA256, 1, MYNAKIT_E_USAGE, "usage", "signature NULL"},
        {MYNAKIT_KEY_AUTH, "1234", challenge, 32, MYNAKIT_HASH_SHA256, 2, MYNAKIT_E_USAGE, "usage",
         "signature_len NULL"},
        {MYNAKIT_KEY_AUTH, "12345", challenge, 32, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_PIN, "invalid-pin-format",
         "a 5-digit PIN"},
        {MYNAKIT_KEY_AUTH, "ABCD", challenge, 32, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_PIN, "invalid-pin-format",
         "letters as the PIN"},
        {MYNAKIT_KEY_SIGN, "abc", challenge, 32, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_PIN, "invalid-pin-format",
         "a 3-character password"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        rc = mynakit_sign(session, bad[i].key, bad[i].pin, 0, bad[i].data, bad[i].length, bad[i].hash,
                          bad[i].null_out == 1 ? NULL : &signature, bad[i].null_out == 2 ? NULL : &length, &err);
        char what[128];
        snprintf(what, sizeof what, "mynakit_sign with %s", bad[i].what);
        expect(what, rc, err, bad[i].code, bad[i].name);
    }
    check(tries(session, MYNAKIT_KEY_AUTH) == 3 && tries(session, MYNAKIT_KEY_SIGN) == 5,
          "no argument error spent a try (3 and 5 left)");

    /* The last-try guard: two wrong PINs leave one try, which is refused unless allowed. */
    for (int wrong = 2; wrong >= 1; wrong--) {
        err = NULL;
        rc = mynakit_sign(session, MYNAKIT_KEY_AUTH, "0000", 0, challenge, 32, MYNAKIT_HASH_SHA256, &signature, &length,
                          &err);
        int left = mynakit_error_tries_left(err);
        expect("mynakit_sign with a wrong PIN", rc, err, MYNAKIT_E_PIN, "wrong-pin");
        check(left == wrong, "the error says %d tries left (%d)", wrong, left);
    }
    err = NULL;
    rc = mynakit_sign(session, MYNAKIT_KEY_AUTH, auth_pin, 0, challenge, 32, MYNAKIT_HASH_SHA256, &signature, &length,
                      &err);
    int left = mynakit_error_tries_left(err);
    expect("mynakit_sign on the last try without allow_last_try", rc, err, MYNAKIT_E_PIN, "last-try-refused");
    check(left == 1 && tries(session, MYNAKIT_KEY_AUTH) == 1, "the last try was not spent (1 left, error says %d)",
          left);
    err = NULL;
    rc = mynakit_sign(session, MYNAKIT_KEY_AUTH, auth_pin, 1, challenge, 32, MYNAKIT_HASH_SHA256, &signature, &length,
                      &err);
    expect("mynakit_sign on the last try with allow_last_try", rc, err, MYNAKIT_OK, NULL);
    check(length == 256 && tries(session, MYNAKIT_KEY_AUTH) == 3, "the right PIN restored the counter (3 left)");
    mynakit_free(signature);
}

/* ---- verification ---- */

/* mynakit_sign_cms (MYNAKIT_1.1): detached CMS over a document with the signing key, written to DIR as
 * document.txt and document-<hash>.p7s for `openssl cms -verify` (the harness); its argument checks, none of which
 * touches the card. */
static void test_sign_cms(mynakit_session *session, const char *dir, const char *sign_pin) {
    static const unsigned char document[] = "application for a certificate of residence\n";
    write_file(dir, "document.txt", document, sizeof document - 1);
    static const struct { int hash; int include_ca; const char *file; } cases[] = {
        {MYNAKIT_HASH_SHA256, 0, "document-sha256.p7s"}, {MYNAKIT_HASH_SHA512, 1, "document-sha512.p7s"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char *cms = NULL;
        size_t length = 0;
        mynakit_error *err = NULL;
        int rc = mynakit_sign_cms(session, sign_pin, 0, document, sizeof document - 1, cases[i].hash,
                                  cases[i].include_ca, &cms, &length, &err);
        check(rc == 0 && err == NULL && length > 256 && cms != NULL && cms[0] == 0x30,
              "mynakit_sign_cms hash %d include_ca %d: %zu bytes of DER (rc %d%s%s)", cases[i].hash,
              cases[i].include_ca, length, rc, err ? ", " : "", err ? mynakit_error_message(err) : "");
        if (rc == 0) write_file(dir, cases[i].file, cms, length);
        mynakit_error_free(err);
        mynakit_free(cms);
    }

    unsigned char *cms = (unsigned char *)&cms;
    size_t length = 5;
    mynakit_error *err = NULL;
    int rc = mynakit_sign_cms(NULL, sign_pin, 0, document, 8, MYNAKIT_HASH_SHA256, 0, &cms, &length, &err);
    expect("mynakit_sign_cms(NULL session)", rc, err, MYNAKIT_E_USAGE, "usage");
    check(cms == NULL && length == 0, "mynakit_sign_cms clears cms and cms_len on failure");
    static const struct { const char *pin; const unsigned char *data; size_t length; int hash; int null_out;
                          int code; const char *name; const char *what; } bad[] = {
        {"ABC123", document, 8, MYNAKIT_HASH_SHA1, 0, MYNAKIT_E_USAGE, "usage", "SHA-1"},
        {"ABC123", document, 8, 7, 0, MYNAKIT_E_USAGE, "usage", "hash 7"},
        {NULL, document, 8, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_USAGE, "usage", "pin NULL"},
        {"ABC123", NULL, 8, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_USAGE, "usage", "data NULL"},
        {"ABC123", document, 0, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_USAGE, "usage", "data_len 0"},
        {"ABC123", document, 8, MYNAKIT_HASH_SHA256, 1, MYNAKIT_E_USAGE, "usage", "cms NULL"},
        {"ABC123", document, 8, MYNAKIT_HASH_SHA256, 2, MYNAKIT_E_USAGE, "usage", "cms_len NULL"},
        {"abc", document, 8, MYNAKIT_HASH_SHA256, 0, MYNAKIT_E_PIN, "invalid-pin-format", "a 3-character password"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        rc = mynakit_sign_cms(session, bad[i].pin, 0, bad[i].data, bad[i].length, bad[i].hash, 0,
                              bad[i].null_out == 1 ? NULL : &cms, bad[i].null_out == 2 ? NULL : &length, &err);
        char what[128];
        snprintf(what, sizeof what, "mynakit_sign_cms with %s", bad[i].what);
        expect(what, rc, err, bad[i].code, bad[i].name);
    }
}

static void test_verify(const char *dir) {
    char auth_root[4096], sign_root[4096], missing[4096], auth_empty[4096], auth_revoked[4096], sign_empty[4096];
    snprintf(auth_root, sizeof auth_root, "%s/auth-root.pem", dir);
    snprintf(sign_root, sizeof sign_root, "%s/sign-root.pem", dir);
    snprintf(missing, sizeof missing, "%s/no-such-file.pem", dir);
    snprintf(auth_empty, sizeof auth_empty, "%s/auth-empty.crl", dir);
    snprintf(auth_revoked, sizeof auth_revoked, "%s/auth-revoked.crl", dir);
    snprintf(sign_empty, sizeof sign_empty, "%s/sign-empty.crl", dir);
    const char *auth_roots[] = {auth_root, NULL};
    const char *sign_roots[] = {sign_root, NULL};
    const char *both_roots[] = {sign_root, auth_root, NULL};
    const char *no_roots[] = {NULL};
    const char *missing_roots[] = {missing, NULL};
    const char *empty_crls[] = {auth_empty, NULL};
    const char *revoked_crls[] = {auth_revoked, NULL};
    const char *other_crls[] = {sign_empty, NULL};
    const char *missing_crls[] = {missing, NULL};
    size_t auth_length = 0, sign_length = 0;
    unsigned char *auth = read_file(dir, "auth.der", &auth_length);
    unsigned char *sign = read_file(dir, "sign.der", &sign_length);
    mynakit_error *err;

#define VERIFY(what, der, length, kind, roots, crls, t, code, name)                                                 \
    do {                                                                                                           \
        err = (mynakit_error *)&err;                                                                               \
        int rc_ = mynakit_verify_certificate(der, length, kind, roots, crls, t, &err);                             \
        expect("mynakit_verify_certificate: " what, rc_, err, code, name);                                         \
    } while (0)

    VERIFY("auth certificate, auth root", auth, auth_length, MYNAKIT_CERT_AUTH, auth_roots, NULL, 0, MYNAKIT_OK, NULL);
    VERIFY("sign certificate, both roots", sign, sign_length, MYNAKIT_CERT_SIGN, both_roots, NULL, 0, MYNAKIT_OK, NULL);
    size_t pem_length = 0;
    unsigned char *pem = read_file(dir, "auth.pem", &pem_length);
    VERIFY("auth certificate as PEM", pem, pem_length, MYNAKIT_CERT_AUTH, auth_roots, NULL, 0, MYNAKIT_OK, NULL);
    free(pem);
    VERIFY("auth certificate with its issuer's empty CRL", auth, auth_length, MYNAKIT_CERT_AUTH, auth_roots,
           empty_crls, 0, MYNAKIT_OK, NULL);
    VERIFY("revoked auth certificate", auth, auth_length, MYNAKIT_CERT_AUTH, auth_roots, revoked_crls, 0,
           MYNAKIT_E_VERIFICATION, "~revoked");
    VERIFY("a CRL of another issuer", auth, auth_length, MYNAKIT_CERT_AUTH, auth_roots, other_crls, 0,
           MYNAKIT_E_VERIFICATION, "~crl-missing");
    VERIFY("auth certificate against the sign root", auth, auth_length, MYNAKIT_CERT_AUTH, sign_roots, NULL, 0,
           MYNAKIT_E_VERIFICATION, "~unknown-issuer");
    VERIFY("auth certificate as a signing certificate", auth, auth_length, MYNAKIT_CERT_SIGN, both_roots, NULL, 0,
           MYNAKIT_E_VERIFICATION, "~wrong-profile");
    VERIFY("auth certificate in 2100", auth, auth_length, MYNAKIT_CERT_AUTH, auth_roots, NULL, 4102444800LL,
           MYNAKIT_E_VERIFICATION, "~expired");
    VERIFY("auth certificate in 1971", auth, auth_length, MYNAKIT_CERT_AUTH, auth_roots, NULL, 31536000LL,
           MYNAKIT_E_VERIFICATION, "~not-yet-valid");
    VERIFY("truncated DER", auth, auth_length / 2, MYNAKIT_CERT_AUTH, auth_roots, NULL, 0, MYNAKIT_E_VERIFICATION,
           "malformed-der");
    VERIFY("der NULL", NULL, auth_length, MYNAKIT_CERT_AUTH, auth_roots, NULL, 0, MYNAKIT_E_USAGE, "usage");
    VERIFY("der_len 0", auth, 0, MYNAKIT_CERT_AUTH, auth_roots, NULL, 0, MYNAKIT_E_USAGE, "usage");
    VERIFY("kind AUTH_CA", auth, auth_length, MYNAKIT_CERT_AUTH_CA, auth_roots, NULL, 0, MYNAKIT_E_USAGE, "usage");
    VERIFY("kind 0", auth, auth_length, 0, auth_roots, NULL, 0, MYNAKIT_E_USAGE, "usage");
    VERIFY("root_files NULL", auth, auth_length, MYNAKIT_CERT_AUTH, NULL, NULL, 0, MYNAKIT_E_USAGE, "usage");
    VERIFY("no root file", auth, auth_length, MYNAKIT_CERT_AUTH, no_roots, NULL, 0, MYNAKIT_E_USAGE, "usage");
    VERIFY("a missing root file", auth, auth_length, MYNAKIT_CERT_AUTH, missing_roots, NULL, 0, MYNAKIT_E_USAGE,
           "unreadable-file");
    VERIFY("a missing CRL file", auth, auth_length, MYNAKIT_CERT_AUTH, auth_roots, missing_crls, 0, MYNAKIT_E_USAGE,
           "unreadable-file");
#undef VERIFY
    check(mynakit_verify_certificate(auth, auth_length, MYNAKIT_CERT_AUTH, sign_roots, NULL, 0, NULL) ==
              MYNAKIT_E_VERIFICATION,
          "mynakit_verify_certificate with err NULL returns the code");

    /* Signatures: made by the card above (challenge-auth-sha256.sig), checked here against other inputs. */
    size_t signature_length = 0;
    unsigned char *signature = read_file(dir, "challenge-auth-sha256.sig", &signature_length);
    unsigned char other[32];
    memcpy(other, challenge, sizeof other);
    other[0] ^= 1;
    static const unsigned char garbage[] = {0x30, 0x03, 0x02, 0x01};

#define SIGNATURE(what, cert, cert_length, data, data_length, hash, sig, sig_length, code, name)                    \
    do {                                                                                                           \
        err = NULL;                                                                                                \
        int rc_ = mynakit_verify_signature(cert, cert_length, data, data_length, hash, sig, sig_length, &err);     \
        expect("mynakit_verify_signature: " what, rc_, err, code, name);                                           \
    } while (0)

    check(signature != NULL && signature_length == 256, "the card's signature was kept (%zu bytes)", signature_length);
    if (signature != NULL) {
        SIGNATURE("other data", auth, auth_length, other, 32, MYNAKIT_HASH_SHA256, signature, signature_length,
                  MYNAKIT_E_VERIFICATION, "bad-signature");
        SIGNATURE("another key", sign, sign_length, challenge, 32, MYNAKIT_HASH_SHA256, signature, signature_length,
                  MYNAKIT_E_VERIFICATION, "bad-signature");
        SIGNATURE("another hash", auth, auth_length, challenge, 32, MYNAKIT_HASH_SHA512, signature, signature_length,
                  MYNAKIT_E_VERIFICATION, "bad-signature");
        SIGNATURE("a truncated signature", auth, auth_length, challenge, 32, MYNAKIT_HASH_SHA256, signature, 255,
                  MYNAKIT_E_VERIFICATION, "bad-signature");
        SIGNATURE("not a certificate", garbage, sizeof garbage, challenge, 32, MYNAKIT_HASH_SHA256, signature, 256,
                  MYNAKIT_E_VERIFICATION, "malformed-der");
        SIGNATURE("cert_der NULL", NULL, auth_length, challenge, 32, MYNAKIT_HASH_SHA256, signature, 256,
                  MYNAKIT_E_USAGE, "usage");
        SIGNATURE("cert_len 0", auth, 0, challenge, 32, MYNAKIT_HASH_SHA256, signature, 256, MYNAKIT_E_USAGE, "usage");
        SIGNATURE("data NULL", auth, auth_length, NULL, 32, MYNAKIT_HASH_SHA256, signature, 256, MYNAKIT_E_USAGE,
                  "usage");
        SIGNATURE("data_len 0", auth, auth_length, challenge, 0, MYNAKIT_HASH_SHA256, signature, 256, MYNAKIT_E_USAGE,
                  "usage");
        SIGNATURE("hash 9", auth, auth_length, challenge, 32, 9, signature, 256, MYNAKIT_E_USAGE, "usage");
        SIGNATURE("signature NULL", auth, auth_length, challenge, 32, MYNAKIT_HASH_SHA256, NULL, 256, MYNAKIT_E_USAGE,
                  "usage");
        SIGNATURE("signature_len 0", auth, auth_length, challenge, 32, MYNAKIT_HASH_SHA256, signature, 0,
                  MYNAKIT_E_USAGE, "usage");
    }
#undef SIGNATURE
    free(signature);
    free(auth);
    free(sign);
}

/* ---- handles after use, NULL everywhere ---- */

static void test_handles(mynakit_session *session) {
    check(mynakit_version() != NULL && mynakit_version()[0] != '\0', "mynakit_version: %s", mynakit_version());
    check(mynakit_error_code(NULL) == 0 && strcmp(mynakit_error_message(NULL), "") == 0 &&
              strcmp(mynakit_error_name(NULL), "") == 0 && mynakit_error_tries_left(NULL) == -1,
          "the error getters answer for NULL");
    mynakit_error_free(NULL);
    mynakit_free(NULL);
    mynakit_close(NULL);
    check(1, "mynakit_error_free, mynakit_free and mynakit_close accept NULL");

    mynakit_error *err = NULL;
    int left = 0;
    mynakit_pin_tries(NULL, MYNAKIT_KEY_AUTH, &left, &err);
    check(mynakit_error_tries_left(err) == -1, "an error about no PIN has no tries left (-1)");
    mynakit_error_free(err);
    check(mynakit_error_code(err) == 0, "a freed error answers like NULL");
    mynakit_error_free(err); /* twice: ignored */

    mynakit_close(session);
    err = NULL;
    int rc = mynakit_pin_tries(session, MYNAKIT_KEY_AUTH, &left, &err);
    expect("mynakit_pin_tries on a closed session", rc, err, MYNAKIT_E_USAGE, "usage");
    check(mynakit_session_reader(session) == NULL, "mynakit_session_reader of a closed session is NULL");
    mynakit_close(session); /* twice: ignored */
    check(1, "closing a session twice is harmless");
}

/* ---- threads ---- */

struct worker {
    const char *reader;
    mynakit_session *session; /* shared, or NULL: the worker opens its own */
    int calls;
    int failures;
};

static void *work(void *argument) {
    struct worker *worker = argument;
    mynakit_session *session = worker->session ? worker->session : mynakit_open(worker->reader, NULL);
    if (session == NULL) {
        worker->failures = worker->calls;
        return NULL;
    }
    for (int i = 0; i < worker->calls; i++) {
        unsigned char *der = NULL;
        size_t length = 0;
        mynakit_error *err = NULL;
        if (i % 2 == 0) {
            int left = -1;
            if (mynakit_pin_tries(session, MYNAKIT_KEY_AUTH, &left, &err) != 0 || left != 3) worker->failures++;
        } else if (mynakit_read_certificate(session, MYNAKIT_CERT_AUTH, NULL, &der, &length, &err) != 0) {
            worker->failures++;
        }
        if (err != NULL) fprintf(stderr, "cabi_test: thread call failed: %s\n", mynakit_error_message(err));
        mynakit_error_free(err);
        mynakit_free(der);
    }
    if (worker->session == NULL) mynakit_close(session);
    return NULL;
}

static void test_threads(const char *reader, int calls) {
    enum { OWN = 4, SHARING = 2 };
    struct worker workers[OWN + SHARING];
    pthread_t threads[OWN + SHARING];
    mynakit_session *shared = mynakit_open(reader, NULL);
    check(shared != NULL, "a session to share");
    for (int i = 0; i < OWN + SHARING; i++) {
        workers[i] = (struct worker){reader, i < OWN ? NULL : shared, calls, 0};
        pthread_create(&threads[i], NULL, work, &workers[i]);
    }
    for (int i = 0; i < OWN + SHARING; i++) {
        pthread_join(threads[i], NULL);
        check(workers[i].failures == 0, "thread %d (%s session): %d calls, %d failed", i,
              i < OWN ? "own" : "shared", workers[i].calls, workers[i].failures);
    }
    mynakit_close(shared);
}

static int finish(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

static int usage(void) {
    fprintf(stderr, "usage: cabi_test all|apdus|blocked|removed|no-service|oom|repeat|threads ... (see the source)\n");
    return 2;
}

int main(int argc, char **argv) {
    /* A test runner's thread may hand its signal mask down: unblock everything so that the harness's SIGTERM works,
     * and end by SIGALRM after five minutes whatever happens (a reader that never answers blocks SCardTransmit). */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    alarm(300);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) return usage();
    const char *mode = argv[1];

    if (strcmp(mode, "all") == 0 && argc == 4) {
        const char *auth_pin = env_pin("MYNAKIT_TEST_AUTH_PIN"), *sign_pin = env_pin("MYNAKIT_TEST_SIGN_PIN");
        mynakit_session *session = test_sessions(argv[2]);
        if (session == NULL) return finish();
        test_certificates(session, argv[3], sign_pin);
        test_pin_tries(session);
        test_sign(session, argv[3], auth_pin, sign_pin);
        test_sign_cms(session, argv[3], sign_pin);
        test_verify(argv[3]);
        test_handles(session);
        return finish();
    }

    if (strcmp(mode, "repeat") == 0 && argc == 5) {
        const char *auth_pin = env_pin("MYNAKIT_TEST_AUTH_PIN"), *sign_pin = env_pin("MYNAKIT_TEST_SIGN_PIN");
        quiet = 1;
        int rounds = atoi(argv[2]);
        for (int round = 0; round < rounds; round++) {
            mynakit_session *session = test_sessions(argv[3]);
            if (session == NULL) break;
            test_certificates(session, argv[4], sign_pin);
            test_pin_tries(session);
            test_sign(session, argv[4], auth_pin, sign_pin);
            test_sign_cms(session, argv[4], sign_pin);
            test_verify(argv[4]);
            test_handles(session);
        }
        /* The peak resident size, for the harness to compare a short and a long run. */
        FILE *status = fopen("/proc/self/status", "r");
        char line[256];
        while (status != NULL && fgets(line, sizeof line, status) != NULL) {
            if (strncmp(line, "VmHWM:", 6) == 0) printf("peak-rss-kb %ld\n", strtol(line + 6, NULL, 10));
        }
        if (status != NULL) fclose(status);
        return finish();
    }

    if (strcmp(mode, "apdus") == 0 && argc == 3) {
        const char *auth_pin = env_pin("MYNAKIT_TEST_AUTH_PIN");
        mynakit_session *session = mynakit_open(argv[2], NULL);
        check(session != NULL, "open");
        check(tries(session, MYNAKIT_KEY_AUTH) == 3, "pin tries");
        unsigned char *bytes = NULL;
        size_t length = 0;
        check(mynakit_read_certificate(session, MYNAKIT_CERT_AUTH, NULL, &bytes, &length, NULL) == 0, "read auth");
        mynakit_free(bytes);
        check(mynakit_sign(session, MYNAKIT_KEY_AUTH, auth_pin, 0, challenge, 32, MYNAKIT_HASH_SHA256, &bytes, &length,
                           NULL) == 0,
              "sign");
        mynakit_free(bytes);
        mynakit_close(session);
        return finish();
    }

    if (strcmp(mode, "blocked") == 0 && argc == 3) {
        const char *auth_pin = env_pin("MYNAKIT_TEST_AUTH_PIN");
        mynakit_session *session = mynakit_open(argv[2], NULL);
        check(session != NULL, "open");
        check(tries(session, MYNAKIT_KEY_AUTH) == 0, "mynakit_pin_tries: 0 (blocked)");
        unsigned char *signature = NULL;
        size_t length = 0;
        mynakit_error *err = NULL;
        int rc = mynakit_sign(session, MYNAKIT_KEY_AUTH, auth_pin, 1, challenge, 32, MYNAKIT_HASH_SHA256, &signature,
                              &length, &err);
        int left = mynakit_error_tries_left(err);
        expect("mynakit_sign with a blocked PIN, even allowing the last try", rc, err, MYNAKIT_E_PIN, "pin-blocked");
        check(left == 0, "the error says 0 tries left (%d)", left);
        mynakit_close(session);
        return finish();
    }

    if (strcmp(mode, "verify-close") == 0 && argc == 3) {
        mynakit_session *session = mynakit_open(argv[2], NULL);
        unsigned char *der = NULL;
        size_t length = 0;
        check(session != NULL &&
                  mynakit_read_certificate(session, MYNAKIT_CERT_SIGN, env_pin("MYNAKIT_TEST_SIGN_PIN"), &der,
                                           &length, NULL) == 0,
              "the signing certificate, read with the password (%zu bytes)", length);
        mynakit_free(der);
        mynakit_close(session);
        return finish();
    }

    if (strcmp(mode, "not-jpki") == 0 && argc == 3) {
        mynakit_error *err = NULL;
        mynakit_session *session = mynakit_open(argv[2], &err);
        int code = mynakit_error_code(err);
        const char *name = mynakit_error_name(err);
        check(session == NULL && code == MYNAKIT_E_NO_CARD && strcmp(name, "not-my-number-card") == 0,
              "mynakit_open of a card without the JPKI applet: %d %s: %s", code, name, mynakit_error_message(err));
        mynakit_error_free(err);
        /* NULL passes over it: no session, or one on another reader holding a My Number card. */
        err = NULL;
        session = mynakit_open(NULL, &err);
        const char *other = mynakit_session_reader(session);
        check((session == NULL && mynakit_error_code(err) == MYNAKIT_E_NO_CARD) ||
                  (other != NULL && strcmp(other, argv[2]) != 0),
              "mynakit_open(NULL) passes over it: %s", session ? other : mynakit_error_message(err));
        mynakit_error_free(err);
        mynakit_close(session);
        return finish();
    }

    if (strcmp(mode, "removed") == 0 && argc == 3) {
        mynakit_session *session = mynakit_open(argv[2], NULL);
        check(session != NULL && tries(session, MYNAKIT_KEY_AUTH) == 3, "open, and a first call");
        /* The harness pulls the card once it reads "ready"; calls go on until one fails (at most 20 s). */
        printf("ready\n");
        fflush(stdout);
        int rc = 0, calls = 0, left = 0;
        mynakit_error *err = NULL;
        while (rc == 0 && calls < 800) {
            struct timespec pause = {0, 25 * 1000 * 1000};
            nanosleep(&pause, NULL);
            rc = mynakit_pin_tries(session, MYNAKIT_KEY_AUTH, &left, &err);
            calls++;
        }
        int code = mynakit_error_code(err);
        check(rc == code && (code == MYNAKIT_E_CARD || code == MYNAKIT_E_NO_CARD),
              "mynakit_pin_tries once the card is gone: card error (6) or no card (3): %d %s after %d calls", code,
              mynakit_error_name(err), calls);
        mynakit_error_free(err);
        unsigned char *der = (unsigned char *)&der;
        size_t length = 1;
        err = NULL;
        rc = mynakit_read_certificate(session, MYNAKIT_CERT_AUTH, NULL, &der, &length, &err);
        code = mynakit_error_code(err);
        check(rc == code && (code == MYNAKIT_E_CARD || code == MYNAKIT_E_NO_CARD) && der == NULL && length == 0,
              "mynakit_read_certificate after the removal: %d %s", code, mynakit_error_name(err));
        mynakit_error_free(err);
        mynakit_close(session);
        err = NULL;
        session = mynakit_open(argv[2], &err);
        /* pcscd notices a removal within its polling interval; until then the reader still reports the card, which
         * no longer answers. */
        code = mynakit_error_code(err);
        check(session == NULL && (code == MYNAKIT_E_NO_CARD || code == MYNAKIT_E_CARD),
              "mynakit_open of the emptied reader: no card (3) or no answer (6): %d %s", code, mynakit_error_name(err));
        mynakit_error_free(err);
        mynakit_close(session);
        return finish();
    }

    if (strcmp(mode, "no-service") == 0 && argc == 2) {
        mynakit_error *err = NULL;
        char **readers = mynakit_list_readers(&err);
        expect("mynakit_list_readers without pcscd", readers ? 0 : mynakit_error_code(err), err, MYNAKIT_E_SERVICE,
               "SCARD_E_NO_SERVICE");
        err = NULL;
        mynakit_session *session = mynakit_open(NULL, &err);
        expect("mynakit_open(NULL) without pcscd", session ? 0 : mynakit_error_code(err), err, MYNAKIT_E_SERVICE,
               "SCARD_E_NO_SERVICE");
        err = NULL;
        session = mynakit_open("Virtual PCD 00 00", &err);
        expect("mynakit_open(name) without pcscd", session ? 0 : mynakit_error_code(err), err, MYNAKIT_E_SERVICE,
               "SCARD_E_NO_SERVICE");
        return finish();
    }

    if (strcmp(mode, "oom") == 0 && argc == 3) {
        void (*arm)(size_t) = (void (*)(size_t))dlsym(RTLD_DEFAULT, "failmalloc_arm");
        check(arm != NULL, "failmalloc.so is preloaded");
        mynakit_session *session = mynakit_open(argv[2], NULL);
        unsigned char *first = NULL, *der = (unsigned char *)&der;
        size_t first_length = 0, length = 7;
        int read = session ? mynakit_read_certificate(session, MYNAKIT_CERT_AUTH, NULL, &first, &first_length, NULL)
                           : -1;
        check(read == 0, "the certificate, read once (%zu bytes)", first_length);
        if (arm == NULL || session == NULL) return finish();
        /* The next malloc of the certificate's size is the buffer the library hands back. */
        arm(first_length);
        mynakit_error *err = NULL;
        int rc = mynakit_read_certificate(session, MYNAKIT_CERT_AUTH, NULL, &der, &length, &err);
        expect("mynakit_read_certificate without memory for the result", rc, err, MYNAKIT_E_IO, "out-of-memory");
        check(der == NULL && length == 0, "nothing handed out");
        rc = mynakit_read_certificate(session, MYNAKIT_CERT_AUTH, NULL, &der, &length, NULL);
        check(rc == 0 && length == first_length && memcmp(der, first, length) == 0, "the next call succeeds");
        mynakit_free(der);
        mynakit_free(first);
        mynakit_close(session);
        return finish();
    }

    if (strcmp(mode, "threads") == 0 && argc == 4) {
        test_threads(argv[3], atoi(argv[2]));
        return finish();
    }

    return usage();
}
