//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaSimulator
import MynaVerify
import SmartCard
import TestSupport
import XCTest

/// Every verdict of the authenticity check against the virtual card, and the signatures judged by the openssl CLI.
final class AuthenticityTests: XCTestCase {
    func surfaceEvidence(_ configuration: SimulatorConfiguration = SimulatorConfiguration(), codeA: Bool = true)
        throws -> CardDataEvidence
    {
        let (card, _, _) = try Surface.session(configuration)
        try card.surface.unlock(codeA ? Surface.codeA() : Surface.codeB())
        let surface = try card.surface.readSurface()
        let image = codeA ? try card.surface.readMyNumberImage() : nil
        return CardSurfaceApplication.authenticityEvidence(
            surface: surface, myNumberImage: image, certificate: try card.surface.readCertificate())
    }

    func testGenuineSurfaceIsAuthenticUnderTheSimulatorHierarchy() throws {
        let report = CardDataAuthenticity(caKeys: try Surface.table()).verify(try surfaceEvidence())
        XCTAssertEqual(report.verdict, .authentic, "\(report.failures)")
        XCTAssertEqual(report.caKeyID?.description, "9000023/001")
        XCTAssertEqual(report.certifiedKeyID?.description, "9913221/000")
        XCTAssertEqual(report.hierarchy, CardDataPKI.hierarchy)
        XCTAssertEqual(report.checked.count, 3, "certificate, surface, My Number image: \(report.checked)")
        XCTAssertTrue(report.unsignedParts.contains { $0.contains("expiry date") })
    }

    func testWithoutTheSimulatorKeysTheCAKeyIsUnknown() throws {
        let report = try CardDataAuthenticity().verify(try surfaceEvidence(codeA: false))
        XCTAssertEqual(report.verdict, .unknownCAKey)
        XCTAssertEqual(report.caKeyID?.description, "9000023/001")
        XCTAssertNil(report.hierarchy)
    }

    func testTamperedSurfaceIsNotAuthentic() throws {
        for tampering in SimulatorConfiguration.Tampering.allCases {
            let configuration = SimulatorConfiguration(faults: .init(tampering: [tampering]))
            let report = CardDataAuthenticity(caKeys: try Surface.table()).verify(try surfaceEvidence(configuration))
            XCTAssertEqual(report.verdict, .notAuthentic, "\(tampering)")
            XCTAssertEqual(report.failures.count, 1, "\(report.failures)")
            XCTAssertTrue(report.failures[0].contains("card surface (EF 0002"), report.failures[0])
        }
    }

    func testCardInfoWithThePINIsAuthenticAndTamperingIsCaught() throws {
        let (card, recorder, _) = try Surface.session()
        let read = try card.cardInfo.readWithEvidence(pin: PIN(kind: .cardInfo, "1234"))
        XCTAssertEqual(read.myNumber.digits, "123456789018")
        // The My Number EF is read as stored, 17 bytes with its filler, in one READ BINARY.
        XCTAssertTrue(recorder.hex.contains("00 B0 00 00 11"), "\(recorder.hex)")
        let table = try Surface.table()
        let report = CardDataAuthenticity(caKeys: table).verify(read.evidence)
        XCTAssertEqual(report.verdict, .authentic, "\(report.failures)")
        XCTAssertEqual(report.caKeyID?.description, "9000033/001")
        XCTAssertEqual(report.checked.count, 4, "\(report.checked)")

        let (tampered, _, _) = try Surface.session(SimulatorConfiguration(faults: .init(tampering: [.changedAttribute])))
        let changed = try tampered.cardInfo.readWithEvidence(pin: PIN(kind: .cardInfo, "1234"))
        XCTAssertEqual(changed.attributes.birthDate, "19850413")
        let verdict = CardDataAuthenticity(caKeys: table).verify(changed.evidence)
        XCTAssertEqual(verdict.verdict, .notAuthentic)
        XCTAssertEqual(verdict.failures, ["basic attributes (EF 0002) does not match the digest the signed data holds for it"])
    }

    func testCodeAOrBAloneLeavesOneDigestUnchecked() throws {
        for kind in VerificationCodeKind.allCases {
            let (card, _, _) = try Surface.session()
            try card.cardInfo.unlock(kind == .a ? Surface.codeA() : Surface.codeB())
            let evidence = try CardInfoApplication.authenticityEvidence(
                myNumberFile: kind == .a ? try card.cardInfo.readMyNumberFile() : nil,
                attributesFile: kind == .b ? try card.cardInfo.readAttributesFile() : nil,
                digests: try card.cardInfo.readDigests(), certificate: try card.cardInfo.readCertificate())
            let report = CardDataAuthenticity(caKeys: try Surface.table()).verify(evidence)
            XCTAssertEqual(report.verdict, .authentic, "\(kind): \(report.failures)")
            XCTAssertEqual(report.notChecked.count, 1, "\(kind): \(report.notChecked)")
        }
    }

    func testAForgedCertificateOrSwappedCertificateFails() throws {
        var evidence = try surfaceEvidence(codeA: false)
        evidence.certificate[100] ^= 0x01  // inside the certified key
        let report = CardDataAuthenticity(caKeys: try Surface.table()).verify(evidence)
        XCTAssertEqual(report.verdict, .notAuthentic)
        XCTAssertTrue(report.failures[0].contains("not signed by CA key 9000023/001"), "\(report.failures)")
        // The card-info applet's certificate is genuine, but it certifies another key.
        var swapped = try surfaceEvidence(codeA: false)
        swapped.certificate = Surface.pki.cardData.cardInfoCertificate
        let other = CardDataAuthenticity(caKeys: try Surface.table()).verify(swapped)
        XCTAssertEqual(other.verdict, .notAuthentic)
        XCTAssertEqual(other.failures.count, 1)
        var garbage = swapped
        garbage.certificate = Array(garbage.certificate.prefix(100))
        XCTAssertEqual(CardDataAuthenticity(caKeys: try Surface.table()).verify(garbage).verdict, .notAuthentic)
    }

    func testTheCardsOwnKeyInTheRecordIsNeverUsed() throws {
        // A forger who signs with a key of their own and puts it into DF 24 gets nowhere: the certified key decides.
        let evidence = try surfaceEvidence(codeA: false)
        guard case .sha256OfGroups(let groups) = evidence.signatures[0].digest else { return XCTFail("layout") }
        XCTAssertTrue(groups[0].suffix(256) == Surface.pki.cardData.cardPublicKey.suffix(256))
        var forged = evidence
        forged.signatures[0].signature = Array(repeating: 0x5A, count: 256)
        XCTAssertEqual(CardDataAuthenticity(caKeys: try Surface.table()).verify(forged).verdict, .notAuthentic)
    }

    /// The openssl CLI, an implementation independent of ours, checks the CV certificate under the CA key from
    /// card-ca.json and opens the surface signature with the certified key to the payload the fact sheet describes.
    func testOpenSSLAgreesWithTheChain() throws {
        let directory = try makeTemporaryDirectory("cvc")
        let evidence = try surfaceEvidence(codeA: false)
        let certificate = try CardVerifiableCertificate(bytes: evidence.certificate)
        let caKey = try XCTUnwrap(Surface.pki.cardData.caKeys.first { $0.keyID == certificate.issuerKeyID })
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }
        let caPEM = try write("ca.der", PublicKey(rsaModulus: caKey.modulus, exponent: caKey.exponent).derBytes)
        let verified = try OpenSSLTool.run(
            ["dgst", "-sha256", "-keyform", "DER", "-verify", caPEM, "-signature",
             try write("cvc.sig", certificate.signature), try write("cvc.body", certificate.body)], allowFailure: true)
        XCTAssertTrue(verified.standardOutput.contains("Verified OK"), verified.combinedOutput)

        let keyPath = try write("ap.der", certificate.publicKey.derBytes)
        let recovered = try OpenSSLTool.run(
            ["pkeyutl", "-verifyrecover", "-pubin", "-keyform", "DER", "-inkey", keyPath, "-in",
             try write("surface.sig", evidence.signatures[0].signature), "-out", directory.appendingPathComponent("payload").path])
        XCTAssertEqual(recovered.status, 0)
        let payload = try [UInt8](Data(contentsOf: directory.appendingPathComponent("payload")))
        guard case .sha256OfGroups(let groups) = evidence.signatures[0].digest else { return XCTFail("layout") }
        var expected = CardSurfaceApplet.surfaceDigestInfoPrefix
        for (index, group) in groups.enumerated() {
            let digest = try OpenSSLTool.run(["dgst", "-sha256", "-r", try write("group\(index)", group)])
            expected += try XCTUnwrap(Hex.decodeLenient(String(digest.standardOutput.prefix(64))))
        }
        XCTAssertEqual(payload.count, 115)
        XCTAssertEqual(payload, expected)
    }
}

extension Hex {
    static func decodeLenient(_ text: String) -> [UInt8]? { try? Hex.decode(text) }
}
