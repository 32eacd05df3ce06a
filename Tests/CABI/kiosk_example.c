/* kiosk_example.c: a kiosk's card check through libmynakit. Reads the authentication certificate, verifies it
 * against the J-LIS root installed on the terminal, has the card sign a fresh challenge and verifies the signature.
 *
 *     cc kiosk_example.c $(pkg-config --cflags --libs mynakit) -o kiosk_example
 *     ./kiosk_example /etc/mynakit/trust/auth-root.pem [READER] < pin-from-the-keypad
 *
 * The PIN comes from standard input, never from the command line. The exit status is the library's code. */
#include <mynakit.h>

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

static int report(mynakit_error *err) {
    int code = mynakit_error_code(err);
    fprintf(stderr, "error %d %s: %s\n", code, mynakit_error_name(err), mynakit_error_message(err));
    mynakit_error_free(err);
    return code;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s AUTH-ROOT.pem [READER] < PIN\n", argv[0]);
        return MYNAKIT_E_USAGE;
    }
    const char *roots[] = {argv[1], NULL};
    unsigned char challenge[32];
    char pin[32] = "";
    if (getrandom(challenge, sizeof challenge, 0) != sizeof challenge || fgets(pin, sizeof pin, stdin) == NULL) {
        fprintf(stderr, "no random challenge or no PIN on standard input\n");
        return MYNAKIT_E_USAGE;
    }
    pin[strcspn(pin, "\n")] = '\0';

    mynakit_error *err = NULL;
    mynakit_session *session = mynakit_open(argc > 2 ? argv[2] : NULL, &err); /* NULL: the first My Number card */
    if (session == NULL) {
        explicit_bzero(pin, sizeof pin);
        return report(err);
    }
    unsigned char *cert = NULL, *signature = NULL;
    size_t cert_len = 0, signature_len = 0;
    int rc = mynakit_read_certificate(session, MYNAKIT_CERT_AUTH, NULL, &cert, &cert_len, &err);
    /* The certificate proves nothing because it came from the card: only the root installed here does. */
    if (rc == 0) rc = mynakit_verify_certificate(cert, cert_len, MYNAKIT_CERT_AUTH, roots, NULL, 0, &err);
    if (rc == 0)
        rc = mynakit_sign(session, MYNAKIT_KEY_AUTH, pin, 0, challenge, sizeof challenge, MYNAKIT_HASH_SHA256,
                          &signature, &signature_len, &err);
    explicit_bzero(pin, sizeof pin); /* the library wiped its own copy */
    if (rc == 0)
        rc = mynakit_verify_signature(cert, cert_len, challenge, sizeof challenge, MYNAKIT_HASH_SHA256, signature,
                                      signature_len, &err);
    if (rc == 0) printf("%s: card verified (certificate %zu bytes, signature %zu bytes)\n",
                        mynakit_session_reader(session), cert_len, signature_len);
    mynakit_free(cert);
    mynakit_free(signature);
    mynakit_close(session);
    return rc == 0 ? 0 : report(err);
}
