//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// MynaVerify: X.509 chains against JPKI trust anchors, revocation lists, signatures and the identity in the
// signing certificate, on the system OpenSSL.
//
// There is deliberately no `enum MynaVerify` namespace: a type named like its module makes module-qualified names
// such as `MynaVerify.Certificate` unusable, and other modules (MynaCard) may define a `Certificate` too.
//
// Entry points: `Certificate`, `TrustStore`, `RevocationList`, `CertificateVerifier` (with `VerificationResult`,
// `VerificationFailure`, `VerifiedCertificate`), `SignatureVerifier`, `JPKIIdentity`, `ChallengeResponse`,
// `MynaVerifyError`.
//
// Every OpenSSL call of this module is in `OpenSSL/`, one file per C type (`X509` fields, `X509_CRL`, `X509_STORE`
// with its verify context, `EVP_PKEY` verification, `EVP_MD`, ASN.1 values), on top of the handle classes, error
// queue drain and DER helpers of the `OpenSSLSupport` target that MynaSimulator uses too. The files outside `OpenSSL/`
// build the public Swift values and never see a pointer.

@_exported public import MynaSpec
