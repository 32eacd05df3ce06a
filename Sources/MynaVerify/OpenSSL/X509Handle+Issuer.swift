//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

// What tells one issuer from another when names do not: key identifiers and the signature itself. Used by the
// trust store's issuer selection (X509StoreHandle) and by the checks on trust anchors (TrustAnchorProfile).

extension X509Handle {
    /// Whether this certificate's signature verifies with the public key of `issuer` (`X509_verify`).
    ///
    /// Names, key identifiers and validity are not looked at; OpenSSL's error queue is left as it was.
    func isSignatureValid(withKeyOf issuer: X509Handle) -> Bool {
        Self.signatureVerifies(pointer, issuerPointer: issuer.pointer)
    }

    /// `X509_verify` of `certificate` with the key of `issuer`, leaving the error queue as it was (the verify
    /// callback and issuer selection call it in the middle of `X509_verify_cert`).
    static func signatureVerifies(_ certificate: OpaquePointer, issuerPointer issuer: OpaquePointer) -> Bool {
        guard let key = X509_get0_pubkey(issuer) else { return false }
        _ = ERR_set_mark()
        defer { _ = ERR_pop_to_mark() }
        return X509_verify(certificate, key) == 1
    }

    /// The subjectKeyIdentifier extension's key identifier, when there is one.
    var subjectKeyIdentifier: [UInt8]? {
        X509_get0_subject_key_id(pointer).map { ASN1.bytes(of: $0) }
    }

    /// The keyIdentifier of the authorityKeyIdentifier extension, when there is one.
    var authorityKeyIdentifier: [UInt8]? {
        X509_get0_authority_key_id(pointer).map { ASN1.bytes(of: $0) }
    }
}
