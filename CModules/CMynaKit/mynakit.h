/*
 * mynakit.h: the C interface of MynaKit (libmynakit.so.1), for applications in C, C++, C#, Java, Python or
 * Electron that read Japan's My Number card through PC/SC and verify what it says with OpenSSL.
 *
 * This source file is part of the MynaKit open source project.
 *
 * Build:   cc app.c $(pkg-config --cflags --libs mynakit)
 * Guide:   Docs/KioskEmbedding.md, "The C interface"
 *
 * ABI. The soname is libmynakit.so.1 and every symbol carries a version node: MYNAKIT_1.0 for the first functions,
 * MYNAKIT_1.1 for those marked "Since MYNAKIT_1.1". Symbols are only ever added, in a new node, never removed or
 * changed; a change that breaks a caller would need a new
 * soname (libmynakit.so.2), which the rule forbids. mynakit_version() says which release, and so which additions,
 * a process has loaded.
 *
 * Results. Every int function returns 0 on success and otherwise one of the MYNAKIT_E_* codes below, the exit
 * codes of the mynakit CLI, and sets *err when err is not NULL (*err is set to NULL on success). No function aborts
 * the process on bad input: NULL pointers, unknown kinds, zero lengths, a closed session, a removed card and an
 * unreachable pcscd are all errors with a code and a message.
 *
 * Ownership. Every buffer the library returns (certificates, signatures, reader lists and the names in them) is
 * the caller's, freed with mynakit_free. An error is freed with mynakit_error_free; the strings it returns live as
 * long as it does. mynakit_version() returns a static string. The library never keeps a pointer the caller passed.
 *
 * PINs. A PIN string is copied into the library's PIN type, which checks its format before the card sees it and
 * wipes its bytes after use; the caller's own buffer is the caller's to wipe (explicit_bzero). No flow spends the
 * last try of a PIN unless the caller allows it (mynakit_sign's allow_last_try; mynakit_read_certificate never
 * does), and a blocked PIN is never sent.
 *
 * Threads. A session is one reader and its card, for one thread at a time: calls on one session from two threads
 * at once are run one after the other, never interleaved, but the order between threads is not defined. Different
 * sessions may be used from different threads at the same time. The verification functions keep no state and may
 * be called from any number of threads. Every call returns on the thread that made it, which waits meanwhile; any
 * thread may call, a Swift concurrency task included (the library's asynchronous work never needs a thread of
 * Swift's pool, so it cannot deadlock there; the waiting task holds its thread).
 *
 * Trust. A certificate read from the card proves nothing because it came from the card: verify it with
 * mynakit_verify_certificate against the J-LIS roots installed on the terminal, and verify the card's signature
 * over a fresh challenge with mynakit_verify_signature.
 */
#ifndef MYNAKIT_H
#define MYNAKIT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI generation: the number in the soname (libmynakit.so.1). */
#define MYNAKIT_ABI_VERSION 1

/* One reader and the My Number card in it; used from one thread at a time (see "Threads" above). */
typedef struct mynakit_session mynakit_session;
/* A failure: a code, a stable name and a message. Functions set *err to NULL on success. */
typedef struct mynakit_error mynakit_error;

/* Result codes: the exit codes of the mynakit CLI. */
enum {
    MYNAKIT_OK = 0,
    /* No reader, no card, or not a My Number card. */
    MYNAKIT_E_NO_CARD = 3,
    /* PIN rejected (the error's tries left says how many remain), blocked, malformed, or last try refused. */
    MYNAKIT_E_PIN = 4,
    /* A certificate or signature did not verify, or is not a certificate at all. */
    MYNAKIT_E_VERIFICATION = 5,
    /* Card communication failed: removed, reset by another application, malformed answer, unexpected status. */
    MYNAKIT_E_CARD = 6,
    /* A bad argument: a NULL pointer, an unknown kind, a zero length, a closed session, an unreadable file. */
    MYNAKIT_E_USAGE = 64,
    /* pcscd unreachable, or access denied (polkit). */
    MYNAKIT_E_SERVICE = 69,
    /* A result could not be handed out (no memory for the returned buffer). */
    MYNAKIT_E_IO = 74
};

/* The certificates on the card. */
enum {
    MYNAKIT_CERT_AUTH = 1,    /* user authentication certificate; no PIN needed */
    MYNAKIT_CERT_AUTH_CA = 2, /* its CA certificate */
    MYNAKIT_CERT_SIGN = 3,    /* signing certificate; needs the signing password */
    MYNAKIT_CERT_SIGN_CA = 4  /* its CA certificate */
};

/* The card's keys, and for mynakit_pin_tries the PIN that guards each; 3 is the card-info PIN, which guards no key. */
enum { MYNAKIT_KEY_AUTH = 1, MYNAKIT_KEY_SIGN = 2, MYNAKIT_KEY_CARD_INFO = 3 };

/* Hash algorithms for signatures (RSASSA-PKCS1-v1_5). */
enum { MYNAKIT_HASH_SHA1 = 1, MYNAKIT_HASH_SHA256 = 2, MYNAKIT_HASH_SHA384 = 3, MYNAKIT_HASH_SHA512 = 4 };

/* The library's release, e.g. "0.2.0": a static string. */
const char *mynakit_version(void);

/* The error's code (MYNAKIT_E_*); 0 for NULL. */
int mynakit_error_code(const mynakit_error *error);
/* A sentence for people; valid until mynakit_error_free. "" for NULL. Never contains a PIN. */
const char *mynakit_error_message(const mynakit_error *error);
/* A stable name to branch on, as the CLI's JSON errors carry it: "wrong-pin", "SCARD_E_NO_SERVICE", "usage", ...;
 * for a certificate that failed verification, the failures separated by commas ("expired,crl-missing").
 * Valid until mynakit_error_free. "" for NULL. */
const char *mynakit_error_name(const mynakit_error *error);
/* For PIN errors, the tries left on that PIN as the card reported them; -1 when the error says nothing about it. */
int mynakit_error_tries_left(const mynakit_error *error);
/* Frees an error; NULL and an error already freed are ignored. */
void mynakit_error_free(mynakit_error *error);

/* Frees a buffer the library returned (certificate, signature, reader list, reader name); NULL is ignored. */
void mynakit_free(void *buffer);

/* The readers pcscd knows, as a NULL-terminated array (empty when there is none); NULL on error. Free each name and
 * the array with mynakit_free. */
char **mynakit_list_readers(mynakit_error **err);

/* Opens a session on a reader, by name, or with NULL on the first reader holding a My Number card. The card is
 * identified by its JPKI applet (three APDUs), not by its ATR. NULL on error: MYNAKIT_E_NO_CARD when there is no
 * such reader, no card, or not a My Number card. */
mynakit_session *mynakit_open(const char *reader, mynakit_error **err);
/* The name of the session's reader; valid until mynakit_close. NULL for a session that is not open. */
const char *mynakit_session_reader(const mynakit_session *session);
/* Ends the session. When a PIN was sent in it, the card is reset so that no verified PIN outlives the session;
 * otherwise it is left as it is. NULL and a session already closed are ignored. */
void mynakit_close(mynakit_session *session);

/* Reads a certificate (kind: MYNAKIT_CERT_*) as DER into *der (free with mynakit_free) and *der_len. pin may be
 * NULL except for MYNAKIT_CERT_SIGN, which needs the signing password; that flow refuses the password's last try
 * (MYNAKIT_E_PIN, "last-try-refused"). The bytes are not trusted until mynakit_verify_certificate says so. */
int mynakit_read_certificate(mynakit_session *session, int kind, const char *pin, unsigned char **der,
                             size_t *der_len, mynakit_error **err);

/* The tries left on a PIN, without spending one; key: MYNAKIT_KEY_AUTH, MYNAKIT_KEY_SIGN or MYNAKIT_KEY_CARD_INFO.
 * 0 means blocked. */
int mynakit_pin_tries(mynakit_session *session, int key, int *tries_left, mynakit_error **err);

/* Hashes data with hash and has the card sign the DigestInfo with key (MYNAKIT_KEY_AUTH or MYNAKIT_KEY_SIGN)
 * after verifying pin; the 256-byte signature goes to *signature (free with mynakit_free). With one try left the
 * PIN is not sent unless allow_last_try != 0; a blocked PIN is never sent. */
int mynakit_sign(mynakit_session *session, int key, const char *pin, int allow_last_try, const unsigned char *data,
                 size_t data_len, int hash, unsigned char **signature, size_t *signature_len, mynakit_error **err);

/* Verifies a certificate (DER; PEM is accepted too) of kind MYNAKIT_CERT_AUTH or MYNAKIT_CERT_SIGN: the chain to
 * the roots in root_files (NULL-terminated paths of PEM or DER files, or directories of them), validity at time t
 * (seconds since 1970; 0 = now), revocation against the CRLs in crl_files (NULL-terminated, or NULL for none;
 * given CRLs must include the issuer's) and the JPKI profile. Returns 0 when valid, MYNAKIT_E_VERIFICATION with
 * every reason in err otherwise. */
int mynakit_verify_certificate(const unsigned char *der, size_t der_len, int kind, const char *const *root_files,
                               const char *const *crl_files, long long t, mynakit_error **err);

/* Verifies an RSASSA-PKCS1-v1_5 signature over data with hash and the public key of the certificate (DER; PEM is
 * accepted too). Checks the signature only: verify the certificate with mynakit_verify_certificate. Returns 0 when
 * it verifies, MYNAKIT_E_VERIFICATION when it does not. */
int mynakit_verify_signature(const unsigned char *cert_der, size_t cert_len, const unsigned char *data,
                             size_t data_len, int hash, const unsigned char *signature, size_t signature_len,
                             mynakit_error **err);

/* Since MYNAKIT_1.1. */

/* A detached CMS SignedData (DER: the .p7s that `openssl cms -verify` and mynakit document verify check) over data,
 * signed by the card's signing key after verifying the signing password pin: data is hashed with hash
 * (MYNAKIT_HASH_SHA256, _SHA384 or _SHA512), the signed attributes (content type, message digest, signing time now)
 * are hashed again and the card signs that DigestInfo. The SignedData carries the signing certificate read from the
 * card and, when include_ca != 0, its CA certificate. With one try left the password is not sent unless
 * allow_last_try != 0; a blocked one is never sent. *cms is freed with mynakit_free. */
int mynakit_sign_cms(mynakit_session *session, const char *pin, int allow_last_try, const unsigned char *data,
                     size_t data_len, int hash, int include_ca, unsigned char **cms, size_t *cms_len,
                     mynakit_error **err);

/* The server flow (Docs/VerificationService.md): the relying party's verification service decides, not the
 * terminal. Reads the authentication certificate, fetches a challenge from the service at
 * url ("http://HOST[:PORT][/PREFIX]" or "https://…": the service's certificate must then chain to the CA
 * certificates in ca_file, or to the system's when ca_file is NULL, and name the host), has the card sign it with
 * the authentication key after verifying pin (allow_last_try as in mynakit_sign), posts the answer with api_key
 * (sent as "Authorization: Bearer") and returns the service's decision. 0: authenticated. MYNAKIT_E_VERIFICATION:
 * rejected (the error's name is the first failure code, its message lists every one) or the challenge refused
 * ("challenge-used", "challenge-expired", "challenge-unknown"). MYNAKIT_E_SERVICE: the service is unreachable,
 * refused the key ("unauthorized") or answered unexpectedly. When verdict_json is not NULL and the service returned
 * a verdict, valid or not, *verdict_json receives it as JSON text (NUL-terminated; free with mynakit_free). */
int mynakit_auth_server(mynakit_session *session, const char *url, const char *api_key, const char *ca_file,
                        const char *pin, int allow_last_try, char **verdict_json, mynakit_error **err);

#ifdef __cplusplus
}
#endif

#endif /* MYNAKIT_H */
