//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CMynaKit
import FoundationEssentials
import MynaVerify

// Verification: no state, no card; safe from any number of threads.

@c @implementation
public func mynakit_verify_certificate(
    _ der: UnsafePointer<UInt8>?, _ der_len: Int, _ kind: Int32, _ root_files: UnsafePointer<UnsafePointer<CChar>?>?,
    _ crl_files: UnsafePointer<UnsafePointer<CChar>?>?, _ t: Int64, _ err: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    reportingErrors(err) {
        let function: StaticString = "mynakit_verify_certificate"
        let certificate = try CInput.bytes(der, count: der_len, name: "der", in: function)
        let profile = try CertificateVerifier.Profile(abiValue: kind, in: function)
        let roots = try CInput.paths(root_files, name: "root_files", required: true, in: function)
        let crlPaths = try CInput.paths(crl_files, name: "crl_files", required: false, in: function)
        let verifier = CertificateVerifier(trustStore: try TrustStore(contentsOf: roots), profile: profile)
        let crls = try crlPaths.map { try RevocationList(contentsOfFile: $0) }
        let time = t == 0 ? Date() : Date(timeIntervalSince1970: TimeInterval(t))
        let verdict = verifier.verify(leafBytes: certificate, at: time, crls: crls)
        guard verdict.isValid else { throw ABIFailure(verdict: verdict) }
    }
}

@c @implementation
public func mynakit_verify_signature(
    _ cert_der: UnsafePointer<UInt8>?, _ cert_len: Int, _ data: UnsafePointer<UInt8>?, _ data_len: Int,
    _ hash: Int32, _ signature: UnsafePointer<UInt8>?, _ signature_len: Int,
    _ err: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    reportingErrors(err) {
        let function: StaticString = "mynakit_verify_signature"
        let certificateBytes = try CInput.bytes(cert_der, count: cert_len, name: "cert_der", in: function)
        let message = try CInput.bytes(data, count: data_len, name: "data", in: function)
        let algorithm = try HashAlgorithm(abiValue: hash, in: function)
        let signatureBytes = try CInput.bytes(signature, count: signature_len, name: "signature", in: function)
        let certificate = try Certificate(bytes: certificateBytes)
        let valid = try SignatureVerifier.isValidSignature(
            signatureBytes, for: message, hash: algorithm, publicKeyOf: certificate)
        guard valid else {
            let key = certificate.publicKey
            let expected = (key.bits + 7) / 8
            let why =
                signatureBytes.count == expected
                ? "it does not match the data and this certificate's key (other data, another key or another hash)"
                : "it is \(signatureBytes.count) bytes; a \(key.bits)-bit RSA key makes \(expected)-byte signatures"
            throw ABIFailure(
                code: Int32(MYNAKIT_E_VERIFICATION), name: "bad-signature", message: "the signature is invalid: \(why)")
        }
    }
}
