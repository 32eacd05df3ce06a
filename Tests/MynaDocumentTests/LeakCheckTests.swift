//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaDocument
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// MynaDocument frees every OpenSSL object it makes (CMS ContentInfo, digest contexts, certificates, stacks): a
/// signing and verification workload runs under valgrind's leak checker with few and with many iterations, and the
/// lost totals must not grow (as MynaVerifyTests.LeakCheckTests does for the verifier).
final class DocumentLeakCheckTests: XCTestCase {
    static let workloadVariable = "MYNADOCUMENT_LEAK_WORKLOAD"
    static let directoryVariable = "MYNADOCUMENT_LEAK_PKI"

    func testLeakWorkload() throws {
        let (iterations, directory) = try Valgrind.workloadParameters(
            iterations: Self.workloadVariable, directory: Self.directoryVariable, startedBy: "testNoLeaksUnderValgrind")
        let pki = try TestPKI.load(from: URL(fileURLWithPath: directory))
        let root = try Certificate(derEncoded: pki.signRootCertificate)
        let verifier = DocumentVerifier(trustStore: try TrustStore(anchors: [root]))
        let content = Array("leak check".utf8)
        let pdf = TestPDF.minimal()
        for _ in 0..<iterations {
            let virtual = try VirtualMyNumberCard(configuration: SimulatorConfiguration(), pki: pki)
            let card = MyNumberCard(channel: CardChannel(transport: InMemoryTransport(card: virtual)))
            let sign = { (digest: [UInt8]) throws -> DocumentSigner.Signature in
                let value = try card.jpki.sign(
                    digest: digest, algorithm: .sha256, key: .signing, pin: try PIN(kind: .signing, "abc123"))
                return DocumentSigner.Signature(
                    value: value, certificate: try Certificate(derEncoded: card.jpki.readCertificate(.signing)),
                    additionalCertificates: [root])
            }
            let digest = try StreamingDigest(.sha256)
            try digest.update(content)
            let p7s = try DocumentSigner().signCMS(contentDigest: try digest.finish(), sign: sign)
            XCTAssertTrue(try verifier.verifyCMS(p7s, content: content).isValid)
            XCTAssertFalse(try verifier.verifyCMS(p7s, content: content.reversed()).isValid)
            XCTAssertThrowsError(try verifier.verifyCMS(Array(p7s.dropLast(2)), content: content))
            let signed = try DocumentSigner().signPDF(try PDFSignaturePreparation(pdf: pdf), sign: sign)
            XCTAssertEqual(try verifier.verifyPDF(signed).map(\.isValid), [true])
        }
    }

    func testNoLeaksUnderValgrind() throws {
        let directory = try makeTemporaryDirectory("document-leaks")
        try DocumentFixture.pki.write(to: directory)
        try Valgrind.assertLossDoesNotGrow(
            test: "MynaDocumentTests.DocumentLeakCheckTests/testLeakWorkload", iterationsVariable: Self.workloadVariable,
            environment: [Self.directoryVariable: directory.path], iterations: (2, 12), label: "documents")
    }
}
