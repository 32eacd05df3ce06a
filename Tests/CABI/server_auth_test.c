/*
 * server_auth_test.c: mynakit_auth_server (version node MYNAKIT_1.1) against a running mynakit-server and the
 * virtual My Number card through pcscd, with its error paths.
 *
 * This source file is part of the MynaKit open source project.
 *
 * Built against the installed header and library, as an application would be:
 *     cc -Wall -Wextra -Werror server_auth_test.c $(pkg-config --cflags --libs mynakit) -o server_auth_test
 * and run by Tests/IntegrationTests/VerificationServiceCABITests.swift:
 *     server_auth_test READER URL STRANGER_URL
 * URL is a service that trusts the card's root, STRANGER_URL one that trusts another root with the same name. The
 * API key (MYNAKIT_TEST_API_KEY, valid at both) and the PIN (MYNAKIT_TEST_AUTH_PIN) come from the environment, never
 * from the command line. Each check prints "ok - ..." or "not ok - ..."; the last line is "N passed, M failed" and
 * the exit status is 1 when anything failed.
 */
#include <mynakit.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed;
static int failed;

static void check(int condition, const char *format, ...) {
    va_list args;
    va_start(args, format);
    fputs(condition ? "ok - " : "not ok - ", stdout);
    vprintf(format, args);
    fputc('\n', stdout);
    va_end(args);
    if (condition) {
        passed++;
    } else {
        failed++;
    }
}

/* Checks a failure's code and name, prints its message, and frees it. */
static void expect(const char *what, int rc, mynakit_error *err, int code, const char *name) {
    const char *actual = mynakit_error_name(err);
    check(rc == code && mynakit_error_code(err) == code && strcmp(actual, name) == 0,
          "%s: %d %s (expected %d %s): %s", what, rc, actual, code, name, mynakit_error_message(err));
    mynakit_error_free(err);
}

static const char *environment(const char *variable) {
    const char *value = getenv(variable);
    if (value == NULL || value[0] == '\0') {
        fprintf(stderr, "server_auth_test: %s is not set\n", variable);
        exit(2);
    }
    return value;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: server_auth_test READER URL STRANGER_URL\n");
        return 2;
    }
    const char *reader = argv[1], *url = argv[2], *stranger = argv[3];
    const char *key = environment("MYNAKIT_TEST_API_KEY");
    const char *pin = environment("MYNAKIT_TEST_AUTH_PIN");

    mynakit_error *err = NULL;
    mynakit_session *session = mynakit_open(reader, &err);
    check(session != NULL, "mynakit_open(%s): %s", reader, mynakit_error_message(err));
    mynakit_error_free(err);
    if (session == NULL) {
        printf("%d passed, %d failed\n", passed, failed + 1);
        return 1;
    }

    /* Authenticated: 0, the verdict as JSON. */
    char *verdict = (char *)"unset";
    int rc = mynakit_auth_server(session, url, key, NULL, pin, 0, &verdict, &err);
    check(rc == 0 && err == NULL, "mynakit_auth_server: %d %s", rc, mynakit_error_message(err));
    check(verdict != NULL && strstr(verdict, "\"valid\":true") != NULL, "the verdict says valid: %s",
          verdict ? verdict : "(null)");
    mynakit_free(verdict);
    mynakit_error_free(err);

    /* verdict_json may be NULL. */
    rc = mynakit_auth_server(session, url, key, NULL, pin, 0, NULL, &err);
    check(rc == 0, "mynakit_auth_server without verdict_json: %d %s", rc, mynakit_error_message(err));
    mynakit_error_free(err);

    /* Rejected by a service that trusts another root: the verdict still comes back. */
    verdict = NULL;
    rc = mynakit_auth_server(session, stranger, key, NULL, pin, 0, &verdict, &err);
    expect("rejected by a service trusting another root", rc, err, MYNAKIT_E_VERIFICATION, "unknown-issuer");
    check(verdict != NULL && strstr(verdict, "\"valid\":false") != NULL, "the rejection's verdict: %s",
          verdict ? verdict : "(null)");
    mynakit_free(verdict);

    /* The service refuses the key: no verdict, and the card never signs (nothing to sign without a challenge). */
    verdict = (char *)"unset";
    rc = mynakit_auth_server(session, url, "not-a-key", NULL, pin, 0, &verdict, &err);
    expect("an API key the service does not know", rc, err, MYNAKIT_E_SERVICE, "unauthorized");
    check(verdict == NULL, "no verdict after a refused key");

    rc = mynakit_auth_server(session, "http://127.0.0.1:9", key, NULL, pin, 0, NULL, &err);
    expect("a service that is not there", rc, err, MYNAKIT_E_SERVICE, "unreachable");

    /* Arguments. */
    rc = mynakit_auth_server(session, "ftp://127.0.0.1/", key, NULL, pin, 0, NULL, &err);
    expect("an ftp:// URL", rc, err, MYNAKIT_E_USAGE, "usage");
    rc = mynakit_auth_server(session, NULL, key, NULL, pin, 0, NULL, &err);
    expect("url NULL", rc, err, MYNAKIT_E_USAGE, "usage");
    rc = mynakit_auth_server(session, url, NULL, NULL, pin, 0, NULL, &err);
    expect("api_key NULL", rc, err, MYNAKIT_E_USAGE, "usage");
    rc = mynakit_auth_server(session, url, key, NULL, NULL, 0, NULL, &err);
    expect("pin NULL", rc, err, MYNAKIT_E_USAGE, "usage");
    rc = mynakit_auth_server(session, url, key, NULL, "12", 0, NULL, &err);
    expect("a PIN of two digits", rc, err, MYNAKIT_E_PIN, "invalid-pin-format");
    rc = mynakit_auth_server(NULL, url, key, NULL, pin, 0, NULL, &err);
    expect("session NULL", rc, err, MYNAKIT_E_USAGE, "usage");
    rc = mynakit_auth_server(session, "https://127.0.0.1:9", key, "/nonexistent/ca.pem", pin, 0, NULL, &err);
    check(rc != 0 && mynakit_error_code(err) == rc, "an unreadable ca_file fails: %d %s: %s", rc,
          mynakit_error_name(err), mynakit_error_message(err));
    mynakit_error_free(err);

    mynakit_close(session);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
