//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport
import XCTest

final class CertificateTests: XCTestCase {
    func testParsesJLISShapedRoot() throws {
        let pki = try TestPKI.get()
        let root = try pki.certificate(pki.authRoot)
        XCTAssertEqual(
            root.subject.description,
            "C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority Information Systems"
        )
        XCTAssertEqual(root.subject, root.issuer)
        XCTAssertEqual(root.subject.rdns.count, 4)
        XCTAssertEqual(root.subject.values(of: "OU").count, 2)
        XCTAssertEqual(root.subject.attributes.first?.oid, "2.5.4.6")
        XCTAssertEqual(root.basicConstraints?.isCA, true)
        XCTAssertEqual(root.keyUsage, [.keyCertSign, .cRLSign])
        XCTAssertTrue(root.isSelfSigned)
        XCTAssertEqual(root.signatureAlgorithm, "sha256WithRSAEncryption")
        XCTAssertEqual(root.publicKey.algorithm, "RSA")
        XCTAssertEqual(root.publicKey.bits, 2048)
        XCTAssertEqual(root.serialNumber, "01")
    }

    func testParsesAuthenticationLeafFields() throws {
        let pki = try TestPKI.get()
        let leaf = try pki.certificate(pki.authLeaf)
        XCTAssertEqual(leaf.subject.description, "CN=AUTH0001, C=JP")
        XCTAssertEqual(leaf.subject.values(of: "CN"), ["AUTH0001"])
        XCTAssertEqual(leaf.serialNumber, "1000")
        XCTAssertEqual(leaf.certificatePolicies, ["1.2.392.200149.8.5.1.3.30"])
        XCTAssertEqual(leaf.keyUsage, [.digitalSignature])
        XCTAssertEqual(leaf.basicConstraints?.isCA, false)
        XCTAssertEqual(leaf.extendedKeyUsage, [])
        XCTAssertFalse(leaf.isSelfSigned)
        XCTAssertEqual(leaf.notBefore, Date(timeIntervalSince1970: 1_704_067_200))  // 2024-01-01T00:00:00Z
        XCTAssertEqual(leaf.notAfter, Date(timeIntervalSince1970: 2_208_988_799))  // 2039-12-31T23:59:59Z
        XCTAssertEqual(leaf.publicKey, try PublicKey(bytes: pki.bytes(pki.leafPublicKey)))
    }

    func testFingerprintDERAndPEMMatchOpenSSL() throws {
        let pki = try TestPKI.get()
        let leaf = try pki.certificate(pki.signLeaf)
        let derFile = pki.directory.appendingPathComponent("sign-leaf.der")
        try OpenSSLTool.run(["x509", "-in", pki.signLeaf.path, "-outform", "DER", "-out", derFile.path])
        XCTAssertEqual(leaf.derBytes, try pki.bytes(derFile))
        let fingerprint = try OpenSSLTool.run(["x509", "-in", pki.signLeaf.path, "-noout", "-fingerprint", "-sha256"])
            .standardOutput.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertEqual(leaf.sha256Fingerprint.map { String(format: "%02X", $0) }.joined(separator: ":"), fingerprint)
        XCTAssertEqual(try Certificate(pemEncoded: leaf.pem), leaf)
        XCTAssertEqual(try Certificate(derEncoded: leaf.derBytes), leaf)
    }

    func testSubjectAltNameOtherNamesAndIdentity() throws {
        let pki = try TestPKI.get()
        let leaf = try pki.certificate(pki.signLeaf)
        let otherNames = leaf.subjectAlternativeNames.compactMap { name -> (String, String?)? in
            if case .otherName(let oid, let value, _) = name { return (oid, value) }
            return nil
        }
        XCTAssertEqual(otherNames.map(\.0), (1...6).map { "1.2.392.200149.8.5.5.\($0)" })
        let identity = try JPKIIdentity(certificate: leaf)
        XCTAssertEqual(identity.name, TestPKI.identityName)
        XCTAssertEqual(identity.nameSubstituteCharacters, "山田 太郎")
        XCTAssertEqual(identity.sex, "1")  // PrintableString
        XCTAssertEqual(identity.dateOfBirth, "19800102")  // IA5String
        XCTAssertEqual(identity.address, TestPKI.identityAddress)
        XCTAssertNotNil(identity.addressSubstituteCharacters)
        XCTAssertEqual(try JPKIIdentity.ifPresent(in: leaf), identity)
    }

    func testAuthenticationCertificateHasNoIdentity() throws {
        let pki = try TestPKI.get()
        let leaf = try pki.certificate(pki.authLeaf)
        XCTAssertThrowsError(try JPKIIdentity(certificate: leaf)) { error in
            XCTAssertEqual((error as? MynaVerifyError)?.code, .identityNotPresent)
        }
        XCTAssertNil(try JPKIIdentity.ifPresent(in: leaf))
    }

    func testParseManyReadsBundlesInOrder() throws {
        let pki = try TestPKI.get()
        let bundle = try [pki.authRoot, pki.signRoot, pki.authLeaf].map { try String(contentsOf: $0, encoding: .utf8) }
            .joined(separator: "some comment between blocks\n")
        let certificates = try Certificate.parseMany(pem: bundle)
        XCTAssertEqual(certificates.map(\.subject.description).count, 3)
        XCTAssertEqual(certificates[2], try pki.certificate(pki.authLeaf))
        XCTAssertEqual(try Certificate.parseMany(bytes: certificates[1].derBytes), [certificates[1]])
    }

    func testTruncatedDERThrowsAtEveryOffset() throws {
        let pki = try TestPKI.get()
        let der = try pki.certificate(pki.authLeaf).derBytes
        let offsets = [1, 2, 3, 4, 5, 10, 50, 100, der.count / 2, der.count - 257, der.count - 2, der.count - 1]
        for offset in offsets {
            XCTAssertThrowsError(try Certificate(derEncoded: Array(der.prefix(offset))), "offset \(offset)") { error in
                let error = error as? MynaVerifyError
                XCTAssertEqual(error?.code, .malformedDER, "offset \(offset)")
                XCTAssertFalse(error?.openSSLErrors.isEmpty ?? true, "OpenSSL's error queue is carried")
            }
        }
        XCTAssertThrowsError(try Certificate(derEncoded: der + [0x00])) { error in
            XCTAssertEqual((error as? MynaVerifyError)?.code, .malformedDER)
        }
        XCTAssertThrowsError(try Certificate(derEncoded: [])) { error in
            XCTAssertEqual((error as? MynaVerifyError)?.code, .emptyInput)
        }
    }

    func testGarbagePEMThrowsSpecificErrors() throws {
        let cases: [(String, MynaVerifyError.Code)] = [
            ("", .emptyInput),
            ("hello, world\n", .malformedPEM),
            ("-----BEGIN CERTIFICATE-----\n!!!! not base64 ****\n-----END CERTIFICATE-----\n", .malformedPEM),
            ("-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n", .malformedPEM),
            ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n", .malformedPEM),
            ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", .malformedPEM),
            ("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n", .malformedDER),
        ]
        for (text, code) in cases {
            XCTAssertThrowsError(try Certificate(bytes: Array(text.utf8)), text) { error in
                XCTAssertEqual((error as? MynaVerifyError)?.code, code, text)
            }
        }
        XCTAssertThrowsError(try Certificate(bytes: [0xFF, 0xFE, 0x00, 0x80])) { error in
            XCTAssertEqual((error as? MynaVerifyError)?.code, .malformedPEM)
        }
        XCTAssertThrowsError(try Certificate.parseMany(pem: "nothing here")) { error in
            XCTAssertEqual((error as? MynaVerifyError)?.code, .malformedPEM)
        }
    }

    func testTrustStoreFromFilesBundlesAndDirectories() throws {
        let pki = try TestPKI.get()
        let directory = try makeTemporaryDirectory("mynaverify-anchors")
        try FileManager.default.copyItem(at: pki.authRoot, to: directory.appendingPathComponent("auth.pem"))
        try Data(try pki.certificate(pki.signRoot).derBytes).write(to: directory.appendingPathComponent("sign.der"))
        try Data("ignored".utf8).write(to: directory.appendingPathComponent("README"))
        let fromDirectory = try TrustStore(contentsOf: [directory.path])
        XCTAssertEqual(fromDirectory.anchors.count, 2)
        let fromFiles = try TrustStore(contentsOf: [pki.authRoot.path, pki.signRoot.path, pki.authRoot.path])
        XCTAssertEqual(fromFiles.anchors.count, 2, "duplicates are dropped")
        XCTAssertThrowsError(try TrustStore(anchors: [])) { error in
            XCTAssertEqual((error as? MynaVerifyError)?.code, .noTrustAnchors)
        }
        XCTAssertThrowsError(try TrustStore(contentsOf: [directory.appendingPathComponent("missing.pem").path])) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .unreadableFile)
        }
        XCTAssertThrowsError(try TrustStore(contentsOf: [directory.appendingPathComponent("README").path])) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .malformedPEM)
        }
    }

    func testTrustStoreDirectoriesReadOnlyCertificateExtensionsAndErrorsNameTheReason() throws {
        let pki = try TestPKI.get()
        let directory = try makeTemporaryDirectory("mynaverify-anchor-names")
        let pem = try Data(contentsOf: pki.authRoot)
        try pem.write(to: directory.appendingPathComponent("auth.PEM"))
        try Data(try pki.certificate(pki.signRoot).derBytes).write(to: directory.appendingPathComponent("sign.x.crt"))
        for ignored in [".pem", "notes.pem.txt", "pem"] {
            try Data("not a certificate".utf8).write(to: directory.appendingPathComponent(ignored))
        }
        // A trailing slash is joined without a second one; the listing is sorted by name.
        let store = try TrustStore(contentsOf: [directory.path + "/"])
        XCTAssertEqual(store.anchors.count, 2)
        XCTAssertEqual(store.anchors.first?.derBytes, try pki.certificate(pki.authRoot).derBytes)

        let missing = directory.appendingPathComponent("missing.pem").path
        XCTAssertThrowsError(try TrustStore(contentsOf: [missing])) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.reason, "\(missing): No such file or directory")
        }
        let unlistable = directory.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: unlistable, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: unlistable.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: unlistable.path) }
        if getuid() != 0 {
            XCTAssertThrowsError(try TrustStore(contentsOf: [unlistable.path])) {
                XCTAssertEqual(($0 as? MynaVerifyError)?.reason, "\(unlistable.path): Permission denied")
            }
        }
        XCTAssertThrowsError(try RevocationList(contentsOfFile: directory.path)) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .unreadableFile)
            XCTAssertEqual(($0 as? MynaVerifyError)?.reason, "\(directory.path): Is a directory")
        }
    }

    func testRevocationListFields() throws {
        let pki = try TestPKI.get()
        let crl = try pki.crl(pki.authCRL)
        let revoked = try pki.certificate(pki.revokedLeaf)
        XCTAssertEqual(crl.issuer, try pki.certificate(pki.authRoot).subject)
        XCTAssertEqual(crl.revokedSerialNumbers, [revoked.serialNumber])
        XCTAssertEqual(crl.revokedCertificates.first?.reason, .keyCompromise)
        XCTAssertEqual(crl.thisUpdate.timeIntervalSince1970, pki.crlTime.timeIntervalSince1970, accuracy: 120)
        XCTAssertEqual(
            crl.nextUpdate?.timeIntervalSince(crl.thisUpdate) ?? 0,
            30 * 86_400,
            accuracy: 1
        )
        XCTAssertNotNil(crl.revocation(of: revoked))
        XCTAssertNil(crl.revocation(of: try pki.certificate(pki.authLeaf)))
        XCTAssertTrue(crl.isSigned(by: try pki.certificate(pki.authRoot)))
        XCTAssertFalse(crl.isSigned(by: try pki.certificate(pki.foreignRoot)), "same DN, other key")
        XCTAssertFalse(try pki.crl(pki.foreignCRL).isSigned(by: try pki.certificate(pki.authRoot)))
        XCTAssertTrue(crl.isStale(at: crl.thisUpdate.addingTimeInterval(31 * 86_400)))
        XCTAssertEqual(try RevocationList(bytes: crl.derBytes), crl)
        XCTAssertEqual(try RevocationList(bytes: Array(crl.pem.utf8)), crl)
        XCTAssertThrowsError(try RevocationList(bytes: Array(crl.derBytes.prefix(40)))) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .malformedDER)
        }
        XCTAssertThrowsError(try RevocationList(bytes: Array("garbage".utf8))) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .malformedPEM)
        }
    }
}
