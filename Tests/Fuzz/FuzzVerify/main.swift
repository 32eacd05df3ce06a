//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Fuzz target (e): MynaVerify's parsers and the verifier. Input: bytes from a card or a file, tried as a certificate
// (DER or PEM), as several certificates, and as a CRL; a certificate is verified against a fixed trust store, a CRL
// is used to check a fixed leaf.

import Foundation
import FuzzSupport
import MynaVerify

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    VerifyTarget.run(fuzzBytes(data, size))
    return 0
}

enum VerifyTarget {
    static let fixed: (verifiers: [CertificateVerifier], leaf: Certificate, crl: RevocationList, time: Date) = {
        do {
            let store = try TrustStore(anchors: [
                Certificate(derEncoded: FixedPKI.der(FixedPKI.authRoot)),
                Certificate(derEncoded: FixedPKI.der(FixedPKI.signRoot)),
            ])
            let leaf = try Certificate(derEncoded: FixedPKI.der(FixedPKI.authLeaf))
            let crl = try RevocationList(derEncoded: FixedPKI.der(FixedPKI.authCRL))
            let verifiers = CertificateVerifier.Profile.allCases.map {
                CertificateVerifier(trustStore: store, profile: $0)
            }
            return (verifiers, leaf, crl, leaf.notBefore.addingTimeInterval(86_400))
        } catch {
            fatalError("FixedPKI does not parse: \(error)")
        }
    }()

    static func run(_ bytes: [UInt8]) {
        let (verifiers, fixedLeaf, fixedCRL, time) = fixed

        if let certificate = try? Certificate(bytes: bytes) {
            inspect(certificate)
            for verifier in verifiers {
                let result = verifier.verify(leaf: certificate, at: time)
                _ = result.failures
                let withCRL = verifier.verify(leaf: certificate, intermediates: [certificate], at: time, crls: [fixedCRL])
                _ = withCRL.failures
            }
        }
        if let certificates = try? Certificate.parseMany(bytes: bytes) {
            fuzzCheck(!certificates.isEmpty, "parseMany returned no certificate without throwing")
            for certificate in certificates.prefix(4) { inspect(certificate) }
        }
        if let crl = try? RevocationList(bytes: bytes) {
            _ = crl.description
            _ = crl.issuer.description
            _ = crl.revokedSerialNumbers
            _ = crl.nextUpdate
            _ = crl.pem
            _ = crl.isStale(at: time)
            _ = crl.revocation(of: fixedLeaf)
            _ = crl.isSigned(by: fixedLeaf)
            for verifier in verifiers {
                _ = verifier.verify(leaf: fixedLeaf, at: time, crls: [crl]).failures
            }
            // The serial-number index finds every entry OpenSSL lists (unless its reason is removeFromCRL), and a
            // serial taken from the input is found exactly when OpenSSL lists it.
            let listed = crl.revokedCertificates
            func revokes(_ serial: SerialNumber) -> Bool {
                listed.contains { $0.serialNumber == serial.hexadecimal && $0.reason != .removeFromCRL }
            }
            for entry in listed.prefix(8) {
                guard let serial = SerialNumber(hexadecimal: entry.serialNumber) else { continue }
                fuzzCheck(crl.contains(serial) == revokes(serial), "index answer for listed \(entry.serialNumber)")
            }
            if listed.count <= 64 {
                let negative = bytes.first.map { $0 & 1 == 1 } ?? false
                let probe = SerialNumber(magnitude: Array(bytes.prefix(20)), isNegative: negative)
                fuzzCheck(crl.contains(probe) == revokes(probe), "index answer for \(probe.hexadecimal)")
            }
        }
        if let cvc = try? CardVerifiableCertificate(bytes: bytes) {
            _ = cvc.issuerKeyID
            _ = cvc.subjectKeyID
            fuzzCheck(cvc.publicKey.isRSA, "a card-verifiable certificate whose key is not RSA")
            _ = try? cvc.verifies(with: fixedLeaf.publicKey)
        }
        if let key = try? PublicKey(bytes: bytes) {
            _ = key.bits
            _ = key.isRSA
        }
        // A fuzzed signature over the input, checked with the fixed leaf's key.
        for hash in HashAlgorithm.allCases {
            _ = try? SignatureVerifier.isValidSignature(
                Array(bytes.suffix(256)), for: bytes, hash: hash, publicKeyOf: fixedLeaf)
        }
        // The byte-taking verifier entry point turns unparseable bytes into a verdict.
        let verdict = verifiers[0].verify(leafBytes: bytes, at: time)
        _ = verdict.failures
    }

    static func inspect(_ certificate: Certificate) {
        fuzzCheck(!certificate.derBytes.isEmpty, "empty DER")
        fuzzCheck((try? Certificate(derEncoded: certificate.derBytes)) == certificate, "DER round trip")
        fuzzCheck((try? Certificate(pemEncoded: certificate.pem)) == certificate, "PEM round trip")
        _ = certificate.description
        _ = certificate.subject.description
        _ = certificate.issuer.description
        _ = certificate.serialNumber
        _ = certificate.keyUsage
        _ = certificate.extendedKeyUsage
        _ = certificate.certificatePolicies
        _ = certificate.basicConstraints
        _ = certificate.subjectAlternativeNames
        _ = certificate.publicKey.bits
        _ = certificate.sha256Fingerprint
        _ = certificate.isSelfSigned
        _ = try? JPKIIdentity.ifPresent(in: certificate)
    }
}

FuzzDriver.main(name: "FuzzVerify") { data, size in
    guard let data else { return 0 }
    return fuzz(data, size)
}
