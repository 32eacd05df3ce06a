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
#include <openssl/cms.h>
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

// OpenSSL 3 defines the typed STACK_OF helpers (sk_X509_num, sk_X509_value, ...) as macros around OPENSSL_sk_*
// with type-checking casts; Swift cannot expand them, so the stacks MynaVerify walks or builds get one wrapper each.
static inline STACK_OF(X509) *COpenSSL_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int COpenSSL_sk_X509_push(STACK_OF(X509) *stack, X509 *certificate) {
    return sk_X509_push(stack, certificate);
}
static inline int COpenSSL_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *COpenSSL_sk_X509_value(const STACK_OF(X509) *stack, int index) {
    return sk_X509_value(stack, index);
}
/// Frees the stack only; the certificates stay owned by their Swift handles.
static inline void COpenSSL_sk_X509_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }

static inline STACK_OF(X509_CRL) *COpenSSL_sk_X509_CRL_new_null(void) { return sk_X509_CRL_new_null(); }
static inline int COpenSSL_sk_X509_CRL_push(STACK_OF(X509_CRL) *stack, X509_CRL *crl) {
    return sk_X509_CRL_push(stack, crl);
}
/// Frees the stack only; the CRLs stay owned by their Swift handles.
static inline void COpenSSL_sk_X509_CRL_free(STACK_OF(X509_CRL) *stack) { sk_X509_CRL_free(stack); }

static inline int COpenSSL_sk_X509_REVOKED_num(const STACK_OF(X509_REVOKED) *stack) {
    return sk_X509_REVOKED_num(stack);
}
static inline X509_REVOKED *COpenSSL_sk_X509_REVOKED_value(const STACK_OF(X509_REVOKED) *stack, int index) {
    return sk_X509_REVOKED_value(stack, index);
}

static inline int COpenSSL_sk_GENERAL_NAME_num(const GENERAL_NAMES *names) { return sk_GENERAL_NAME_num(names); }
static inline GENERAL_NAME *COpenSSL_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}

static inline int COpenSSL_sk_POLICYINFO_num(const CERTIFICATEPOLICIES *policies) {
    return sk_POLICYINFO_num(policies);
}
static inline POLICYINFO *COpenSSL_sk_POLICYINFO_value(const CERTIFICATEPOLICIES *policies, int index) {
    return sk_POLICYINFO_value(policies, index);
}

static inline int COpenSSL_sk_ASN1_OBJECT_num(const EXTENDED_KEY_USAGE *usages) {
    return sk_ASN1_OBJECT_num(usages);
}
static inline ASN1_OBJECT *COpenSSL_sk_ASN1_OBJECT_value(const EXTENDED_KEY_USAGE *usages, int index) {
    return sk_ASN1_OBJECT_value(usages, index);
}

// X509_STORE_CTX_set_app_data / _get_app_data are macros over the ex_data slot 0; the verify callback finds the
// Swift-side error recorder through them.
static inline int COpenSSL_X509_STORE_CTX_set_app_data(X509_STORE_CTX *context, void *data) {
    return X509_STORE_CTX_set_app_data(context, data);
}
static inline void *COpenSSL_X509_STORE_CTX_get_app_data(X509_STORE_CTX *context) {
    return X509_STORE_CTX_get_app_data(context);
}

// (end of MynaVerify shims)

// MARK: - Shims used by MynaVerify's revocation code (OCSP)

// The OCSP request and response types, and the HTTP client OCSP requests are POSTed with (OSSL_HTTP_transfer): plain
// functions and integer constants, so including the headers is all Swift needs.
#include <openssl/http.h>
#include <openssl/httperr.h>
#include <openssl/ocsp.h>

// X509_get1_ocsp returns the authorityInfoAccess OCSP URLs as a STACK_OF(OPENSSL_STRING), whose typed accessors are
// macros.
static inline int COpenSSL_sk_OPENSSL_STRING_num(const STACK_OF(OPENSSL_STRING) *stack) {
    return sk_OPENSSL_STRING_num(stack);
}
static inline char *COpenSSL_sk_OPENSSL_STRING_value(const STACK_OF(OPENSSL_STRING) *stack, int index) {
    return sk_OPENSSL_STRING_value(stack, index);
}

// A certificate's cRLDistributionPoints is a STACK_OF(DIST_POINT), walked to match a partitioned CRL's
// issuingDistributionPoint; its typed accessors are macros.
static inline int COpenSSL_sk_DIST_POINT_num(const STACK_OF(DIST_POINT) *stack) { return sk_DIST_POINT_num(stack); }
static inline DIST_POINT *COpenSSL_sk_DIST_POINT_value(const STACK_OF(DIST_POINT) *stack, int index) {
    return sk_DIST_POINT_value(stack, index);
}

// (end of MynaVerify's revocation shims)

// MARK: - Shims used by MynaSimulator (key and certificate issuance for the test PKI)

// sk_GENERAL_NAME_push is a macro over OPENSSL_sk_push with type-checking helpers; Swift cannot import it. The
// simulator builds the signing certificate's subjectAltName (otherNames) as a GENERAL_NAMES stack.
static inline int COpenSSL_sk_GENERAL_NAME_push(GENERAL_NAMES *names, GENERAL_NAME *name) {
    return sk_GENERAL_NAME_push(names, name);
}

// (end of MynaSimulator shims)

// MARK: - Shims used by MynaDocument (CMS SignedData verification)

// The CMS SignerInfo stack's typed helpers are macros over OPENSSL_sk_*; a SignedData's signers are walked with them.
static inline int COpenSSL_sk_CMS_SignerInfo_num(STACK_OF(CMS_SignerInfo) *stack) {
    return sk_CMS_SignerInfo_num(stack);
}
static inline CMS_SignerInfo *COpenSSL_sk_CMS_SignerInfo_value(STACK_OF(CMS_SignerInfo) *stack, int index) {
    return sk_CMS_SignerInfo_value(stack, index);
}
/// Frees a stack that owns its certificates (what CMS_get1_certs returns): each X509 is released, then the stack.
static inline void COpenSSL_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

// (end of MynaDocument shims)

#endif
