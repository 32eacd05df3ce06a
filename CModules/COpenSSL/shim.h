//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//
#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

// OPENSSL_free is a macro around CRYPTO_free that adds the caller's file and line.
static inline void COpenSSL_free(void *pointer) { OPENSSL_free(pointer); }

// MARK: - Shims used by MynaVerify (stack macros, verification helpers)

// (end of MynaVerify shims)

// MARK: - Shims used by MynaSimulator (key and certificate issuance for the test PKI)

// sk_GENERAL_NAME_push is a macro over OPENSSL_sk_push with type-checking helpers; Swift cannot import it. The
// simulator builds the signing certificate's subjectAltName (otherNames) as a GENERAL_NAMES stack.
static inline int COpenSSL_sk_GENERAL_NAME_push(GENERAL_NAMES *names, GENERAL_NAME *name) {
    return sk_GENERAL_NAME_push(names, name);
}

// (end of MynaSimulator shims)

#endif
