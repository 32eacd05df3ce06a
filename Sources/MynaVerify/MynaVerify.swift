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
// `MynaVerifyError`. Every OpenSSL call is in OpenSSL.swift.

@_exported public import MynaSpec
