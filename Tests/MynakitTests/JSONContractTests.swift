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

@testable import mynakit

/// The schema checker itself, and the report types encoded in process against the schemas of Docs/JSON.md (the
/// integration tests check the real CLI's output against the same schemas).
final class JSONContractTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let checker: JSONSchemaChecker = {
        do {
            let path = root.appendingPathComponent("Docs/JSON.md").path
            return try JSONSchemaChecker(markdown: String(contentsOfFile: path, encoding: .utf8))
        } catch {
            fatalError("Docs/JSON.md: \(error)")
        }
    }()

    /// A report as the CLI prints it, checked against `id`.
    func assertMatches(
        _ report: some Encodable, _ id: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let text = String(decoding: try Reporter.encodeJSON(report), as: UTF8.self)
        XCTAssertEqual(Self.checker.problems(json: text, against: id), [], text, file: file, line: line)
    }

    // MARK: The checker

    let tiny = JSONSchemaChecker(schemas: [
        "t:pin": try! JSONValue.parse(
            """
            {"$id": "t:pin", "type": "object", "required": ["kind", "triesLeft", "blocked"],
             "additionalProperties": false,
             "properties": {"kind": {"type": "string", "enum": ["auth", "sign"]},
               "triesLeft": {"type": "integer", "minimum": 0}, "blocked": {"type": "boolean"},
               "seconds": {"type": "number"}, "tags": {"type": "array", "items": {"type": "string"}}}}
            """),
        "t:list": try! JSONValue.parse(#"{"$id": "t:list", "type": "array", "items": {"$ref": "t:pin"}}"#),
    ])

    func testTypesAreTellingBooleansIntegersAndStringsApart() {
        XCTAssertEqual(tiny.problems(json: #"{"kind":"auth","triesLeft":3,"blocked":false}"#, against: "t:pin"), [])
        XCTAssertEqual(
            tiny.problems(json: #"{"kind":"auth","triesLeft":"3","blocked":"false"}"#, against: "t:pin"),
            ["$.blocked: string \"false\", expected boolean", "$.triesLeft: string \"3\", expected integer"])
        XCTAssertEqual(
            tiny.problems(json: #"{"kind":"auth","triesLeft":true,"blocked":1}"#, against: "t:pin"),
            ["$.blocked: integer 1, expected boolean", "$.triesLeft: boolean true, expected integer"])
        XCTAssertEqual(
            tiny.problems(json: #"{"kind":"auth","triesLeft":2.5,"blocked":false}"#, against: "t:pin"),
            ["$.triesLeft: number 2.5, expected integer"])
        // An integer is a number.
        XCTAssertEqual(
            tiny.problems(json: #"{"kind":"auth","triesLeft":0,"blocked":false,"seconds":2}"#, against: "t:pin"), [])
    }

    func testRequiredEnumMinimumAdditionalPropertiesItemsAndRef() {
        XCTAssertEqual(
            tiny.problems(json: #"[{"kind":"authentication","triesLeft":-1,"extra":1,"tags":["a",2]}]"#, against: "t:list"),
            [
                "$[0]: required blocked is missing",
                "$[0]: extra is not in the schema",
                "$[0].kind: \"authentication\" is not one of [\"auth\",\"sign\"]",
                "$[0].tags[1]: integer 2, expected string",
                "$[0].triesLeft: -1 is below 0",
            ])
        XCTAssertEqual(tiny.problems(json: "not json", against: "t:pin").count, 1)
        XCTAssertEqual(tiny.problems(json: "{}", against: "t:none"), ["no schema with $id t:none"])
    }

    func testSchemasWithUnsupportedKeywordsAreRejected() throws {
        let checker = JSONSchemaChecker(schemas: [
            "t:x": try JSONValue.parse(
                #"{"$id": "t:x", "type": "strng", "pattern": "^a", "properties": {"a": {"$ref": "t:y"}}, "required": ["b"]}"#)
        ])
        XCTAssertEqual(
            checker.schemaProblems(),
            [
                "t:x: unsupported keyword pattern", "t:x: unknown type strng", "t:x.a: $ref t:y names no schema",
                "t:x: required \"b\" is not among the properties",
            ])
    }

    func testMarkdownBlocksWithAnIdAreTheSchemas() throws {
        let markdown = """
            Text.

            ```json
            {"$id": "t:a", "type": "object"}
            ```

            ```json
            {"example": true}
            ```

            ```sh
            {"$id": "t:not-json-block"}
            ```
            """
        XCTAssertEqual(Set(try JSONSchemaChecker(markdown: markdown).schemas.keys), ["t:a"])
        XCTAssertThrowsError(try JSONSchemaChecker(markdown: "```json\n{\"$id\": \"t:a\"\n```\n"))
    }

    // MARK: Docs/JSON.md

    func testTheDocumentsSchemasAreWellFormed() {
        XCTAssertEqual(Self.checker.schemaProblems(), [])
        XCTAssertGreaterThanOrEqual(Self.checker.schemas.count, 20)
    }

    func testTheErrorSchemaHasEveryFailingExitStatus() {
        let exitStatus = Self.checker.schemas["mynakit:error"]?["properties"]?["error"]?["properties"]?["exitStatus"]
        let failing = ExitStatus.allCases.filter { $0 != .success }.map { JSONValue.integer(Int($0.rawValue)) }
        XCTAssertEqual(exitStatus?["enum"], .array(failing))
    }

    func testErrorDocuments() throws {
        let wrong = CommandFailure(MynaCardError(.wrongPIN, "wrong PIN; 2 tries left", triesLeft: 2))
        try assertMatches(["error": ErrorDocument(wrong)], "mynakit:error")
        let usage = CommandFailure(status: .usage, code: "usage", message: "give --kind")
        try assertMatches(["error": ErrorDocument(usage)], "mynakit:error")
        let text = String(decoding: try Reporter.encodeJSON(["error": ErrorDocument(usage)]), as: UTF8.self)
        XCTAssertFalse(text.contains("triesLeft"), "absent, never null")
    }

    func testReportsWithOnlyTheirRequiredFields() throws {
        try assertMatches(
            PinVerify.Report(verified: true, kind: "card-info", apduCount: 4, reader: "R"), "mynakit:pin-verify")
        try assertMatches(
            BenchAPDU.Report(count: 2000, seconds: 0.5, apduPerSecond: 4000, reader: "R"), "mynakit:bench-apdu")
        try assertMatches(BenchVerify.Report(count: 10, seconds: 0.001, verifyPerSecond: 10_000), "mynakit:bench-verify")
        try assertMatches(
            Auth.Report(
                verdict: "certificate-rejected", valid: false, serialNumber: nil, subject: nil,
                failures: [.init(code: "malformed-der", message: "not DER")], apduCount: 6, seconds: 0.01, reader: "R",
                revocation: RevocationReport(.notChecked, crlFiles: [])),
            "mynakit:auth")
        try assertMatches(
            MyNumberCommand.Report(
                myNumberMasked: "********9018", myNumber: nil, name: "N", address: "A", birthDate: "19850412",
                sex: .init(.female), authenticity: nil, apduCount: 8, reader: "R"),
            "mynakit:mynumber")
        try assertMatches(
            SurfaceCommand.Report(
                unlockedWith: "code-b", myNumberMasked: nil, myNumber: nil, birthDate: "19850412", sex: .init(.male),
                expiryDate: "20350412", photo: .init(bytes: 0), nameImage: .init([]), addressImage: .init([1, 2]),
                authenticity: nil, apduCount: 19, seconds: 0.01, reader: "R"),
            "mynakit:surface")
        try assertMatches(DocumentVerifyReport(format: "pdf", signatures: []), "mynakit:document-verify")
        try assertMatches(
            VerifySignature.Report(valid: false, hash: "sha256", subject: "CN=x", serialNumber: "01", reason: "why"),
            "mynakit:verify-signature")
        try assertMatches(
            Readers.Report(readers: [
                .init(index: 0, name: "R", cardPresent: false, state: ["Card removed"], stateCodes: ["empty"])
            ]), "mynakit:readers")
        try assertMatches(
            Watch.EventJSON(time: "2026-01-01T00:00:00Z", event: "no-reader", detail: "waiting"), "mynakit:watch-event")
        try assertMatches(MyNumberCommand.SexReport(.other("0")), "mynakit:sex")
    }

    // MARK: Reports made from real certificates

    static let pki: TestPKI = {
        do { return try TestPKI.cached() } catch { fatalError("\(error)") }
    }()

    /// The simulator's roots carry J-LIS's name with fingerprints of their own (jlis-unpinned); its leaf is no root.
    func testTrustReports() throws {
        let root = try Certificate(derEncoded: Self.pki.authRootCertificate)
        let leaf = try Certificate(derEncoded: Self.pki.authCertificate)
        let unpinned = TrustRootReport(TrustAnchor(root), file: "/etc/mynakit/trust/x.pem")
        XCTAssertEqual(unpinned.classification, "jlis-unpinned")
        XCTAssertEqual(unpinned.hierarchy, "authentication")
        XCTAssertEqual(unpinned.problems, [])
        let notARoot = TrustRootReport(TrustAnchor(leaf), file: nil)
        XCTAssertEqual(notARoot.classification, "unknown")
        XCTAssertFalse(notARoot.problems.isEmpty)
        try assertMatches(unpinned, "mynakit:trust-root")
        try assertMatches(notARoot, "mynakit:trust-root")
        try assertMatches(TrustAdd.Report(directory: "/d", added: [unpinned], alreadyPresent: [notARoot]), "mynakit:trust-add")
        try assertMatches(TrustList.Report(directory: "/d", roots: []), "mynakit:trust-list")
        try assertMatches(TrustRemove.Report(directory: "/d", removed: [unpinned]), "mynakit:trust-remove")
        try assertMatches(
            TrustShow.Report(
                root: unpinned, files: ["/d/x.pem"], admission: TrustDirectory.admission(of: root).requirement.rawValue,
                publicKey: "RSA 2048 bits", pem: root.pem),
            "mynakit:trust-show")
    }

    func testVerificationReports() throws {
        let signRoot = try Certificate(derEncoded: Self.pki.signRootCertificate)
        let authRoot = try Certificate(derEncoded: Self.pki.authRootCertificate)
        let sign = try Certificate(derEncoded: Self.pki.signCertificate)
        let valid = CertificateVerifier(trustStore: try TrustStore(anchors: [signRoot]), profile: .signing).verify(leaf: sign)
        XCTAssertTrue(valid.isValid, "\(valid.failures)")
        let report = try CertVerifyReport(result: valid)
        XCTAssertEqual(report.trustAnchor?.classification, "jlis-unpinned")
        XCTAssertEqual(report.revocation.source, "not-checked")
        try assertMatches(report, "mynakit:cert-verify")
        // No anchor reached: no trustAnchor member, and still the document.
        let rejected = CertificateVerifier(
            trustStore: try TrustStore(anchors: [authRoot]), profile: .signing, revocationPolicy: .require
        ).verify(leaf: sign)
        XCTAssertFalse(rejected.isValid)
        let rejectedReport = try CertVerifyReport(result: rejected)
        XCTAssertNil(rejectedReport.trustAnchor)
        try assertMatches(rejectedReport, "mynakit:cert-verify")

        var auth = Auth.Report(
            verdict: "authenticated", valid: true, serialNumber: sign.serialNumber, subject: sign.subject.description,
            failures: [], apduCount: 11, seconds: 0.2, reader: "R", revocation: RevocationReport(.notChecked, crlFiles: []))
        auth.trustAnchor = valid.trustAnchor.map { TrustAnchorReport($0, at: valid.time) }
        try assertMatches(auth, "mynakit:auth")
        try assertMatches(
            DocumentSign.Report(
                document: .cms(digest: [], content: nil, byteCount: 0), file: "in", out: "out.p7s", hash: .sha256,
                bytes: 1800, signer: sign, signingTime: Date(), apduCount: 10),
            "mynakit:document-sign")
    }

    /// The schemas' trust-anchor classifications are the library's codes.
    func testTheClassificationEnumsAreTheLibrarysCodes() throws {
        let root = try Certificate(derEncoded: Self.pki.authRootCertificate)
        let codes = Set([
            RootClassification(root).code, RootClassification.unknown.code,
            RootClassification.jpkiTest(hierarchy: nil).code,
        ])
        for id in ["mynakit:trust-anchor", "mynakit:trust-root"] {
            guard case .array(let values)? = Self.checker.schemas[id]?["properties"]?["classification"]?["enum"] else {
                return XCTFail("\(id) has no classification enum")
            }
            let documented = Set(values.compactMap(\.stringValue))
            XCTAssertTrue(codes.isSubset(of: documented), "\(id): \(documented) lacks some of \(codes)")
            XCTAssertTrue(documented.contains("jlis-production"))
        }
    }

    func testReaderStateCodesCoverEveryFlag() {
        let all = ReaderStateFlags(rawValue: 0xFFFF)
        XCTAssertEqual(Readers.codes(all).count, all.phrases.count)
        XCTAssertEqual(Readers.codes([.present, .inUse]), ["present", "in-use"])
    }
}
