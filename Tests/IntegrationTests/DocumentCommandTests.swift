//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// `document sign` and `document verify` through real pcscd + vpcd and the virtual card, with openssl, pdfsig (poppler)
/// and qpdf as independent judges.
final class DocumentCommandTests: VirtualCardCLITestCase {
    override class var directoryPrefix: String { "mynakit-document" }
    override class var picksAFreeReader: Bool { true }

    override func setUp() async throws {
        try await VPCDRig.requirePCSCD()
        if !TestPDF.toolsInstalled {
            let problem = "pdfsig, qpdf, rsvg-convert, certutil or pk12util missing: run scripts/install-deps.sh"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(problem) }
            throw XCTSkip(problem)
        }
        try await super.setUp()
    }

    let password = ["MYNAKIT_TEST_PASSWORD": "abc123"]

    func sign(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["document", "sign"] + arguments + ["--pin-env", "MYNAKIT_TEST_PASSWORD"] + reader, environment: password)
    }

    func verify(_ arguments: [String], roots: String = "sign-root.pem") throws -> CLI.Result {
        try CLI.run(["document", "verify"] + arguments + ["--roots", path(roots), "--json"])
    }

    func failureCodes(_ result: CLI.Result) throws -> [String] {
        let signatures = try XCTUnwrap(try result.json()["signatures"] as? [[String: Any]], result.stdout)
        return signatures.flatMap { ($0["failures"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } }
    }

    // MARK: CMS

    func testDetachedCMSVerifiedByOpenSSLAndTheBackEnd() async throws {
        try await insert()
        let content = url("application.xml")
        try Data("<application><item>住民票</item></application>\n".utf8).write(to: content)
        let signed = try sign([content.path, "--out", path("application.p7s"), "--json"])
        XCTAssertEqual(signed.status, 0, signed.stderr)

        let openssl = try OpenSSLTool.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", path("application.p7s"), "-content", content.path,
             "-CAfile", path("sign-root.pem"), "-purpose", "any", "-out", "/dev/null"], allowFailure: true)
        XCTAssertEqual(openssl.status, 0, openssl.combinedOutput)

        let verified = try verify([path("application.p7s"), "--content", content.path])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        let signature = try XCTUnwrap((try verified.json()["signatures"] as? [[String: Any]])?.first)
        XCTAssertEqual(signature["valid"] as? Bool, true)
        XCTAssertEqual(signature["detached"] as? Bool, true)
        XCTAssertEqual(signature["signingTime"] as? String, try signed.json()["signingTime"] as? String)
        let identity = try XCTUnwrap(signature["identity"] as? [String: Any])
        XCTAssertEqual(identity["name"] as? String, Identity.sample.name)
        XCTAssertEqual(identity["address"] as? String, Identity.sample.address)
        XCTAssertNotNil(identity["dateOfBirth"] as? String)
        XCTAssertEqual(identity["sex"] as? [String: String], ["code": "2", "label": "female"])

        // Tampered content: exit 5 with the reason.
        try Data("<application><item>戸籍</item></application>\n".utf8).write(to: content)
        let tampered = try verify([path("application.p7s"), "--content", content.path])
        XCTAssertEqual(tampered.status, 5)
        XCTAssertEqual(try failureCodes(tampered), ["message-digest-mismatch"])
        // An untrusted root: exit 5, the certificate rejected.
        try Data("<application><item>住民票</item></application>\n".utf8).write(to: content)
        let untrusted = try verify([path("application.p7s"), "--content", content.path], roots: "auth-root.pem")
        XCTAssertEqual(untrusted.status, 5)
        XCTAssertEqual(try failureCodes(untrusted), ["certificate-rejected"])
    }

    func testDocumentSigningCostsTheAPDUsOfSignPlusTheCertificateRead() async throws {
        try await insert()
        try Data("budget".utf8).write(to: url("data.bin"))
        let plain = try CLI.run(
            ["sign", "--key", "sign", "--in", path("data.bin"), "--pin-env", "MYNAKIT_TEST_PASSWORD", "--json"] + reader,
            environment: password)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let signAPDUs = try XCTUnwrap(try plain.json()["apduCount"] as? Int)
        XCTAssertEqual(signAPDUs, 6, "SELECT applet, SELECT PIN EF, empty VERIFY, VERIFY, SELECT key EF, SIGN")

        // With the certificate given: exactly the APDUs of `sign --key sign`.
        let given = try sign([path("data.bin"), "--out", path("a.p7s"), "--cert", path("sign.pem"), "--json"])
        XCTAssertEqual(given.status, 0, given.stderr)
        XCTAssertEqual(try given.json()["apduCount"] as? Int, signAPDUs)
        // Read from the card after signing: the same plus SELECT EF and the READ BINARYs, no second VERIFY.
        let read = try sign([path("data.bin"), "--out", path("b.p7s"), "--json"])
        XCTAssertEqual(read.status, 0, read.stderr)
        let n = Self.pki.signCertificate.count
        XCTAssertEqual(try read.json()["apduCount"] as? Int, signAPDUs + 1 + (n + 255) / 256)
        XCTAssertEqual(try Data(contentsOf: url("a.p7s")).count, try Data(contentsOf: url("b.p7s")).count)
        XCTAssertEqual(card.triesLeft(.signing), 5)
    }

    func testAttachedWithTheCACertificateAndAWrongCertificate() async throws {
        try await insert()
        try Data("attached content".utf8).write(to: url("data.txt"))
        let signed = try sign([path("data.txt"), "--out", path("attached.p7s"), "--attached", "--include-ca", "--hash", "sha384"])
        XCTAssertEqual(signed.status, 0, signed.stderr)
        let openssl = try OpenSSLTool.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", path("attached.p7s"), "-CAfile", path("sign-root.pem"),
             "-purpose", "any"], allowFailure: true)
        XCTAssertEqual(openssl.status, 0, openssl.combinedOutput)
        XCTAssertEqual(openssl.standardOutput, "attached content")
        let certificates = try OpenSSLTool.run(
            ["cms", "-cmsout", "-print", "-inform", "DER", "-in", path("attached.p7s")]).standardOutput
        XCTAssertTrue(certificates.contains("JPKI for digital signature"), "the CA certificate is included")
        let verified = try verify([path("attached.p7s")])
        XCTAssertEqual(verified.status, 0, verified.stdout)

        // A certificate that does not belong to the card's signing key: refused, nothing written.
        let wrong = try sign([path("data.txt"), "--out", path("wrong.p7s"), "--cert", path("auth.pem"), "--json"])
        XCTAssertEqual(wrong.status, 5, wrong.stdout)
        XCTAssertEqual((try wrong.json()["error"] as? [String: Any])?["code"] as? String, "signature-mismatch")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("wrong.p7s")))
        // A CMS signed with the authentication key (openssl, software key): the JPKI signing profile rejects it.
        try OpenSSLTool.run(
            ["cms", "-sign", "-binary", "-in", path("data.txt"), "-signer", path("auth.pem"), "-inkey", path("auth.key.pem"),
             "-outform", "DER", "-out", path("auth.p7s"), "-nodetach"])
        let profile = try verify([path("auth.p7s")], roots: "auth-root.pem")
        XCTAssertEqual(profile.status, 5)
        XCTAssertEqual(try failureCodes(profile), ["certificate-rejected"])
    }

    func testOutputAndPasswordAreCheckedBeforeTheCard() async throws {
        try await insert(SimulatorConfiguration(signPINTries: 1))
        try Data("x".utf8).write(to: url("data.bin"))
        let unwritable = try sign([path("data.bin"), "--out", path("missing/dir/x.p7s")])
        XCTAssertEqual(unwritable.status, 74, unwritable.stderr)
        let lastTry = try sign([path("data.bin"), "--out", path("x.p7s"), "--json"])
        XCTAssertEqual(lastTry.status, 4)
        XCTAssertEqual((try lastTry.json()["error"] as? [String: Any])?["code"] as? String, "last-try-refused")
        XCTAssertEqual(card.triesLeft(.signing), 1, "the last try was not spent")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.p7s")))
        let notPDF = try sign([path("data.bin"), "--pdf", "--out", path("x.pdf")])
        XCTAssertEqual(notPDF.status, 64, notPDF.stderr)
        XCTAssertEqual(card.triesLeft(.signing), 1)
    }

    // MARK: PDF

    func assertPDFSigJudgesValid(_ pdf: URL, count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try TestPDF.pdfsig(pdf)
        XCTAssertEqual(report.signatures.count, count, report.output, file: file, line: line)
        for block in report.signatures {
            XCTAssertTrue(block.contains("Signature is Valid."), report.output, file: file, line: line)
        }
        XCTAssertTrue(report.signatures.last?.contains("Total document signed") == true, report.output, file: file, line: line)
        let check = try TestPDF.qpdfCheck(pdf)
        XCTAssertEqual(check.status, 0, check.combinedOutput, file: file, line: line)
    }

    func testAPDFSignedOnTheTerminalAndVerifiedByTheBackEnd() async throws {
        try await insert()
        let original = TestPDF.minimal(text: "Application for a certificate of residence")
        try Data(original).write(to: url("application.pdf"))
        let signed = try sign(
            [path("application.pdf"), "--pdf", "--out", path("signed.pdf"), "--reason", "申請", "--location", "Tokyo", "--json"])
        XCTAssertEqual(signed.status, 0, signed.stderr)
        XCTAssertEqual(try signed.json()["fieldName"] as? String, "Signature1")
        let bytes = try [UInt8](Data(contentsOf: url("signed.pdf")))
        XCTAssertEqual(Array(bytes.prefix(original.count)), original)
        try assertPDFSigJudgesValid(url("signed.pdf"), count: 1)

        let verified = try verify([path("signed.pdf"), "--require-full-coverage"])
        XCTAssertEqual(verified.status, 0, verified.stdout)
        let signature = try XCTUnwrap((try verified.json()["signatures"] as? [[String: Any]])?.first)
        XCTAssertEqual(signature["coversWholeFile"] as? Bool, true)
        XCTAssertEqual(signature["reason"] as? String, "申請")
        XCTAssertEqual((signature["identity"] as? [String: Any])?["name"] as? String, Identity.sample.name)

        // One changed byte inside the signed range: pdfsig and MynaKit both reject it.
        var tampered = bytes
        let text = try XCTUnwrap(tampered.firstRange(of: Array("residence".utf8)))
        tampered[text.lowerBound] = UInt8(ascii: "R")
        try Data(tampered).write(to: url("tampered.pdf"))
        let rejected = try verify([path("tampered.pdf")])
        XCTAssertEqual(rejected.status, 5)
        XCTAssertEqual(try failureCodes(rejected), ["message-digest-mismatch"])
        XCTAssertFalse(try TestPDF.pdfsig(url("tampered.pdf")).output.contains("Signature is Valid."))
        // Bytes appended after the signature are reported, and refused with --require-full-coverage.
        try Data(bytes + Array("\n% appended\n".utf8)).write(to: url("appended.pdf"))
        let appended = try verify([path("appended.pdf"), "--require-full-coverage"])
        XCTAssertEqual(appended.status, 5)
        let appendedSignature = try XCTUnwrap((try appended.json()["signatures"] as? [[String: Any]])?.first)
        XCTAssertEqual(appendedSignature["valid"] as? Bool, true)
        XCTAssertEqual(appendedSignature["bytesAppendedAfter"] as? Int, 12)
    }

    func testAQPDFCrossReferenceStreamPDFWithPAdES() async throws {
        try await insert()
        try Data(TestPDF.minimal()).write(to: url("plain.pdf"))
        try TestPDF.objectStreams(from: url("plain.pdf"), to: url("xref-stream.pdf"))
        let signed = try sign(
            [path("xref-stream.pdf"), "--pdf", "--pades", "--cert", path("sign.pem"), "--out", path("pades.pdf")])
        XCTAssertEqual(signed.status, 0, signed.stderr)
        try assertPDFSigJudgesValid(url("pades.pdf"), count: 1)
        XCTAssertTrue(try TestPDF.pdfsig(url("pades.pdf")).output.contains("ETSI.CAdES.detached"))
        XCTAssertEqual(try verify([path("pades.pdf")]).status, 0)

        // Without --cert the certificate is read after the one VERIFY, before the card signs: the password goes to
        // the card once (the trace shows every VERIFY with data as `00 20 00 80 **`).
        let read = try sign([path("xref-stream.pdf"), "--pdf", "--pades", "--out", path("pades-read.pdf"), "--json", "-vv"])
        XCTAssertEqual(read.status, 0, read.stderr)
        try assertPDFSigJudgesValid(url("pades-read.pdf"), count: 1)
        XCTAssertEqual(try verify([path("pades-read.pdf")]).status, 0)
        let verifies = read.stderr.split(separator: "\n").filter { $0.contains("00 20 00 80 **") }
        XCTAssertEqual(verifies.count, 1, read.stderr)
        // SELECT applet, SELECT PIN EF, empty VERIFY, VERIFY, SELECT certificate EF, its READ BINARYs, SELECT key EF,
        // SIGN: the APDUs of `sign --key sign` plus the certificate read.
        let n = Self.pki.signCertificate.count
        XCTAssertEqual(try read.json()["apduCount"] as? Int, 6 + 1 + (n + 255) / 256)
        XCTAssertEqual(card.triesLeft(.signing), 5)
    }

    func testAPDFAlreadySignedByPopplerKeepsItsSignature() async throws {
        try await insert()
        // A signer unrelated to MynaKit: a software key in an NSS database, poppler's pdfsig as the signing tool.
        try OpenSSLTool.run(
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("other.key"), "-out", path("other.pem"),
             "-subj", "/CN=Another Signer", "-days", "30"])
        try OpenSSLTool.run(
            ["pkcs12", "-export", "-inkey", path("other.key"), "-in", path("other.pem"), "-out", path("other.p12"),
             "-passout", "pass:secret"])
        let cairo = url("cairo.pdf")
        try TestPDF.cairo(to: cairo)
        try TestPDF.signedByPoppler(cairo, to: url("poppler.pdf"), pkcs12: url("other.p12"), password: "secret", directory: directory)
        XCTAssertEqual(try TestPDF.pdfsig(url("poppler.pdf")).signatures.count, 1)

        let signed = try sign([path("poppler.pdf"), "--pdf", "--out", path("both.pdf"), "--json"])
        XCTAssertEqual(signed.status, 0, signed.stderr)
        try assertPDFSigJudgesValid(url("both.pdf"), count: 2)
        // MynaKit reports both: poppler's signature verifies but its signer is not under the J-LIS signing root.
        let verified = try verify([path("both.pdf")])
        XCTAssertEqual(verified.status, 5)
        let signatures = try XCTUnwrap(try verified.json()["signatures"] as? [[String: Any]])
        XCTAssertEqual(signatures.count, 2)
        let poppler = try XCTUnwrap(signatures.first { $0["signerSubject"] as? String == "CN=Another Signer" })
        let ours = try XCTUnwrap(signatures.first { $0["signerSubject"] as? String != "CN=Another Signer" })
        XCTAssertEqual(poppler["coversWholeFile"] as? Bool, false)
        XCTAssertEqual((poppler["failures"] as? [[String: Any]])?.compactMap { $0["code"] as? String }, ["certificate-rejected"])
        XCTAssertEqual(ours["valid"] as? Bool, true)
        XCTAssertEqual(ours["coversWholeFile"] as? Bool, true)
    }
}
