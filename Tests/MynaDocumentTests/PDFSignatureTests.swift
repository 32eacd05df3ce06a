//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaDocument
import MynaSimulator
import TestSupport
import XCTest

/// PDFs signed by the virtual card through the library, judged by pdfsig (poppler) and qpdf.
final class PDFSignatureTests: XCTestCase {
    override func setUp() async throws {
        if !TestPDF.toolsInstalled {
            let problem = "pdfsig, qpdf, rsvg-convert, certutil or pk12util missing: run scripts/install-deps.sh"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(problem) }
            throw XCTSkip(problem)
        }
    }

    /// Signs `pdf` with the virtual card's signing key.
    func sign(_ pdf: [UInt8], _ options: PDFSignatureOptions = PDFSignatureOptions(), includeCA: Bool = false) throws -> [UInt8] {
        let prepared = try PDFSignaturePreparation(pdf: pdf, options: options)
        let cades = options.subFilter == .cadesDetached
        return try DocumentSigner(hash: .sha256).signPDF(
            prepared, signingCertificate: cades ? DocumentFixture.signingCertificate : nil
        ) { digest in
            let card = try DocumentFixture.cardSignature(digest)
            return DocumentSigner.Signature(
                value: card.signature, certificate: card.certificate,
                additionalCertificates: includeCA ? [DocumentFixture.signingRoot] : [])
        }
    }

    /// pdfsig: every signature valid; the last one covers the whole document.
    func assertJudgedValid(_ url: URL, signatures count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try TestPDF.pdfsig(url)
        XCTAssertEqual(report.signatures.count, count, report.output, file: file, line: line)
        for block in report.signatures {
            XCTAssertTrue(block.contains("Signature Validation: Signature is Valid."), report.output, file: file, line: line)
        }
        XCTAssertTrue(report.signatures.last?.contains("Total document signed") == true, report.output, file: file, line: line)
        let check = try TestPDF.qpdfCheck(url)
        XCTAssertEqual(check.status, 0, check.combinedOutput, file: file, line: line)
        XCTAssertTrue(check.standardOutput.contains("No syntax or stream encoding errors found"), check.combinedOutput,
            file: file, line: line)
    }

    func testAHandWrittenPDFSignedByTheCard() throws {
        let directory = try makeTemporaryDirectory("pdf")
        let original = TestPDF.minimal()
        let options = PDFSignatureOptions(reason: "申請", location: "東京都千代田区", name: "Test Signer")
        let signed = try sign(original, options, includeCA: true)
        XCTAssertEqual(Array(signed.prefix(original.count)), original, "an incremental update leaves the original bytes")
        let url = try write(signed, "signed.pdf", in: directory)
        try assertJudgedValid(url, signatures: 1)
        let report = try TestPDF.pdfsig(url).output
        XCTAssertTrue(report.contains("adbe.pkcs7.detached"), report)

        let verdicts = try DocumentFixture.verifier.verifyPDF(signed)
        XCTAssertEqual(verdicts.count, 1)
        let verdict = try XCTUnwrap(verdicts.first)
        XCTAssertTrue(verdict.isValid, "\(verdict.cms.failures)")
        XCTAssertTrue(verdict.coversWholeFile)
        XCTAssertEqual(verdict.bytesAppendedAfter, 0)
        XCTAssertEqual(verdict.reason, "申請")
        XCTAssertEqual(verdict.location, "東京都千代田区")
        XCTAssertEqual(verdict.fieldName, "Signature1")
        XCTAssertEqual(verdict.cms.identity?.name, Identity.sample.name)
        XCTAssertEqual(verdict.cms.signingTime, options.signingTime)
        XCTAssertEqual(verdict.signingTime, options.signingTime, "/M says the same time")
    }

    func testACrossReferenceStreamPDFFromQPDFWithPAdES() throws {
        let directory = try makeTemporaryDirectory("pdf")
        let input = try write(TestPDF.minimal(), "in.pdf", in: directory)
        let compressed = directory.appendingPathComponent("xref-stream.pdf")
        try TestPDF.objectStreams(from: input, to: compressed)
        let original = try read(compressed)
        XCTAssertNil(original.firstRange(of: Array("\nxref".utf8)), "qpdf wrote a cross-reference stream")
        let signed = try sign(original, PDFSignatureOptions(subFilter: .cadesDetached))
        let url = try write(signed, "signed.pdf", in: directory)
        try assertJudgedValid(url, signatures: 1)
        XCTAssertTrue(try TestPDF.pdfsig(url).output.contains("ETSI.CAdES.detached"))
        let verdict = try XCTUnwrap(DocumentFixture.verifier.verifyPDF(signed).first)
        XCTAssertTrue(verdict.isValid, "\(verdict.cms.failures)")
        XCTAssertNil(verdict.cms.signingTime, "PAdES puts the time in /M, not in the signed attributes")
    }

    func testACairoPDFSignedTwiceKeepsBothSignaturesValid() throws {
        let directory = try makeTemporaryDirectory("pdf")
        let cairo = directory.appendingPathComponent("cairo.pdf")
        try TestPDF.cairo(to: cairo)
        let once = try sign(try read(cairo))
        let twice = try sign(once, PDFSignatureOptions(reason: "second"))
        let url = try write(twice, "twice.pdf", in: directory)
        try assertJudgedValid(url, signatures: 2)
        let verdicts = try DocumentFixture.verifier.verifyPDF(twice)
        XCTAssertEqual(verdicts.map(\.fieldName), ["Signature1", "Signature2"])
        XCTAssertEqual(verdicts.map(\.isValid), [true, true])
        XCTAssertEqual(verdicts.map(\.coversWholeFile), [false, true])
        XCTAssertEqual(verdicts[0].bytesAppendedAfter, twice.count - once.count)
    }
}
