//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import TestSupport
import XCTest

/// The test PKI, checked with `openssl x509` and `openssl verify`.
final class TestPKITests: XCTestCase {
    private func text(of der: [UInt8], in directory: URL, name: String) throws -> String {
        let file = directory.appendingPathComponent(name + ".der")
        try Data(der).write(to: file)
        let result = try OpenSSLTool.run(["x509", "-inform", "DER", "-in", file.path, "-noout", "-text"], in: directory)
        XCTAssertEqual(result.status, 0, result.standardError)
        return result.standardOutput
    }

    func testRootsAreShapedLikeJLIS() throws {
        let directory = try makeTemporaryDirectory("MynaSimulatorTests")
        let pki = try Fixture.pki()
        for (der, unit) in [
            (pki.authRootCertificate, "JPKI for user authentication"),
            (pki.signRootCertificate, "JPKI for digital signature"),
        ] {
            let text = try text(of: der, in: directory, name: "root")
            let dn = "C = JP, O = JPKI, OU = \(unit), OU = Japan Agency for Local Authority Information Systems"
            XCTAssertTrue(text.contains("Issuer: \(dn)"), text)
            XCTAssertTrue(text.contains("Subject: \(dn)"), text)
            XCTAssertTrue(text.contains("Signature Algorithm: sha256WithRSAEncryption"), text)
            XCTAssertTrue(text.contains("Public-Key: (2048 bit)"), text)
            XCTAssertTrue(text.contains("X509v3 Basic Constraints: critical\n                CA:TRUE"), text)
            XCTAssertTrue(text.contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"), text)
            XCTAssertTrue(text.contains("Version: 3 (0x2)"), text)
        }
    }

    func testLeaves() throws {
        let directory = try makeTemporaryDirectory("MynaSimulatorTests")
        let pki = try Fixture.pki()
        let auth = try text(of: pki.authCertificate, in: directory, name: "auth")
        XCTAssertTrue(auth.contains("Issuer: C = JP, O = JPKI, OU = JPKI for user authentication"), auth)
        XCTAssertNotNil(auth.range(of: #"Subject: C = JP, CN = [0-9A-Z]{20}\n"#, options: .regularExpression), auth)
        XCTAssertTrue(auth.contains("Policy: 1.2.392.200149.8.5.1.3.30"), auth)
        XCTAssertTrue(auth.contains("X509v3 Key Usage: critical\n                Digital Signature\n"), auth)
        XCTAssertFalse(auth.contains("Subject Alternative Name"), auth)

        let sign = try text(of: pki.signCertificate, in: directory, name: "sign")
        XCTAssertTrue(sign.contains("Issuer: C = JP, O = JPKI, OU = JPKI for digital signature"), sign)
        XCTAssertTrue(sign.contains("Policy: 1.2.392.200149.8.5.1.1.20"), sign)
        let signUsage = "X509v3 Key Usage: critical\n                Digital Signature, Non Repudiation"
        XCTAssertTrue(sign.contains(signUsage), sign)
        XCTAssertTrue(sign.contains("X509v3 Subject Alternative Name"), sign)
        XCTAssertTrue(sign.contains("X509v3 Authority Key Identifier"), sign)
        for oid in 1...6 {
            let prefix = "othername: 1.2.392.200149.8.5.5.\(oid)::"
            XCTAssertTrue(sign.contains(prefix), "otherName \(oid) missing:\n\(sign)")
        }
    }

    func testOtherNamesAreExplicitUTF8Strings() throws {
        // Look for the DER of one otherName: OID 1.2.392.200149.8.5.5.4, [0] EXPLICIT, UTF8String "19850412".
        let pki = try Fixture.pki()
        let oid: [UInt8] = [0x06, 0x0A, 0x2A, 0x83, 0x08, 0x8C, 0x9B, 0x55, 0x08, 0x05, 0x05, 0x04]
        let value: [UInt8] = [0xA0, 0x0A, 0x0C, 0x08] + Array("19850412".utf8)
        let needle = [0xA0, UInt8(oid.count + value.count)] + oid + value
        XCTAssertTrue(contains(pki.signCertificate, needle), "otherName birth date not found")
        let name = Array(Identity.sample.name.utf8)
        let nameNeedle: [UInt8] = [0x05, 0x01, 0xA0, UInt8(name.count + 2), 0x0C, UInt8(name.count)] + name
        XCTAssertTrue(contains(pki.signCertificate, nameNeedle), "otherName name not found")
    }

    func testChainsVerifyWithOpenSSL() throws {
        let directory = try makeTemporaryDirectory("MynaSimulatorTests")
        try Fixture.pki().write(to: directory)
        for (root, leaf) in [("auth-root.pem", "auth.pem"), ("sign-root.pem", "sign.pem")] {
            let result = try OpenSSLTool.run(["verify", "-x509_strict", "-CAfile", root, leaf], in: directory)
            XCTAssertEqual(result.status, 0, result.standardOutput + result.standardError)
        }
        // Crossing the roots fails.
        let crossed = try OpenSSLTool.run(
            ["verify", "-CAfile", "auth-root.pem", "sign.pem"], in: directory, allowFailure: true)
        XCTAssertNotEqual(crossed.status, 0)
    }

    func testWriteAndLoadRoundTrip() throws {
        let directory = try makeTemporaryDirectory("MynaSimulatorTests").appendingPathComponent("pki")
        let pki = try Fixture.pki()
        try pki.write(to: directory)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertEqual(names, [
            "auth-root.key.pem", "auth-root.pem", "auth.key.pem", "auth.pem", "card-ca.json", "card-info-ca.key.pem",
            "card-info.key.pem", "card-surface-ca.key.pem", "card-surface.key.pem", "card.key.pem", "sign-root.key.pem",
            "sign-root.pem", "sign.key.pem", "sign.pem",
        ])
        for name in names where name.hasSuffix(".key.pem") {
            let path = directory.appendingPathComponent(name).path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, name)
        }
        let loaded = try TestPKI.load(from: directory)
        XCTAssertEqual(loaded.authCertificate, pki.authCertificate)
        XCTAssertEqual(loaded.signCertificate, pki.signCertificate)
        XCTAssertEqual(loaded.authRootCertificate, pki.authRootCertificate)
        XCTAssertEqual(loaded.signRootCertificate, pki.signRootCertificate)
        XCTAssertEqual(try TestPKI.loadOrCreate(at: directory).signCertificate, pki.signCertificate)

        // A card made from the loaded PKI signs exactly like one made from the original (same keys).
        let info = Fixture.sha256DigestInfoPrefix + [UInt8](repeating: 0x5A, count: 32)
        var signatures: [[UInt8]] = []
        for source in [pki, loaded] {
            let card = try VirtualMyNumberCard(configuration: SimulatorConfiguration(), pki: source)
            card.powerOn()
            exchange(card, Fixture.selectJPKI, "90 00")
            exchange(card, Fixture.selectEF("00 18"), "90 00")
            exchange(card, Fixture.verify("1234"), "90 00")
            exchange(card, Fixture.selectEF("00 17"), "90 00")
            signatures.append(card.process(hex("80 2A 00 80 33") + info + [0x00]))
        }
        XCTAssertEqual(signatures[0], signatures[1])
        XCTAssertEqual(signatures[0].count, 258)
    }

    func testLoadRejectsMismatchedKeysAndMissingFiles() throws {
        let directory = try makeTemporaryDirectory("MynaSimulatorTests")
        XCTAssertThrowsError(try TestPKI.load(from: directory)) { error in
            XCTAssertEqual((error as? SimulatorError)?.code, .invalidPKI)
        }
        try Fixture.pki().write(to: directory)
        // Swap the leaf keys.
        let auth = directory.appendingPathComponent("auth.key.pem")
        let sign = directory.appendingPathComponent("sign.key.pem")
        let authKey = try Data(contentsOf: auth)
        try Data(contentsOf: sign).write(to: auth)
        try authKey.write(to: sign)
        XCTAssertThrowsError(try TestPKI.load(from: directory)) { error in
            XCTAssertEqual((error as? SimulatorError)?.code, .invalidPKI)
        }
    }

    func testCacheReturnsTheSamePKI() throws {
        let first = try TestPKI.cached()
        let second = try TestPKI.cached()
        XCTAssertEqual(first.signCertificate, second.signCertificate)
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return true }
        }
        return false
    }
}
