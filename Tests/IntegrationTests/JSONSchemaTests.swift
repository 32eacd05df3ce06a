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

/// Every command's `--json` output, from the real CLI, against the schemas in Docs/JSON.md: the schemas are read from
/// the document itself, so the page and the program cannot drift apart. Card commands run through pcscd + vpcd with
/// the virtual card in `Virtual PCD 00 00`.
final class JSONSchemaTests: VirtualCardCLITestCase {
    override class var directoryPrefix: String { "mynakit-json" }
    override class var picksAFreeReader: Bool { true }
    override class var everyTestNeedsPCSCD: Bool { false }

    static let documentPath = CLI.repositoryRoot.appendingPathComponent("Docs/JSON.md").path

    static let checker: JSONSchemaChecker = {
        do {
            return try JSONSchemaChecker(markdown: String(contentsOfFile: documentPath, encoding: .utf8))
        } catch {
            fatalError("Docs/JSON.md: \(error)")
        }
    }()

    /// A trust directory of this test's own (it need not exist yet).
    var trustDirectory: [String: String] { [TrustTestCA.environmentVariable: path("trust")] }

    /// Runs `mynakit arguments…`, expects `status`, and checks stdout against the schema `id` (`mynakit:info`).
    @discardableResult
    func check(
        _ arguments: [String], _ id: String, status: Int32 = 0, stdin: String? = nil,
        environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line
    ) throws -> JSONValue? {
        let result = try CLI.run(arguments, stdin: stdin, environment: environment)
        let command = "mynakit " + arguments.joined(separator: " ")
        XCTAssertEqual(result.status, status, "\(command): \(result.stdout) \(result.stderr)", file: file, line: line)
        let problems = Self.checker.problems(json: result.stdout, against: id)
        XCTAssertEqual(problems, [], "\(command) does not match \(id):\n\(result.stdout)", file: file, line: line)
        return try? JSONValue.parse(result.stdout)
    }

    /// ``check(_:_:status:stdin:environment:file:line:)`` for a failure: the error schema, `status` and `code`.
    @discardableResult
    func checkError(
        _ arguments: [String], status: Int32, code: String, stdin: String? = nil, environment: [String: String] = [:],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> JSONValue? {
        let document = try check(
            arguments, "mynakit:error", status: status, stdin: stdin, environment: environment, file: file, line: line)
        XCTAssertEqual(document?["error"]?["code"], .string(code), file: file, line: line)
        XCTAssertEqual(document?["error"]?["exitStatus"], .integer(Int(status)), file: file, line: line)
        return document
    }

    // MARK: The document

    func testTheDocumentHasASchemaForEveryCommand() {
        XCTAssertEqual(Self.checker.schemaProblems(), [])
        let expected = [
            "error", "readers", "watch-event", "atr", "doctor", "pin-tries", "info", "cert-read", "sign", "pin-status",
            "pin-verify", "sex", "authenticity", "mynumber", "surface", "surface-image", "apdu", "failure",
            "trust-anchor", "revocation", "cert-verify", "verify-signature", "auth", "trust-root", "trust-add",
            "trust-list", "trust-show", "trust-remove", "document-sign", "document-verify", "document-signature",
            "bench-apdu", "bench-verify", "cert-status", "bench-crl",
        ].map { "mynakit:" + $0 }
        XCTAssertEqual(Set(Self.checker.schemas.keys), Set(expected))
    }

    // MARK: Commands without a card

    func testATR() throws {
        let decoded = try check(["atr", "3B", "E0", "00", "FF", "81", "31", "FE", "45", "14", "--json"], "mynakit:atr")
        XCTAssertEqual(decoded?["extendedLength"], .bool(false))
        XCTAssertEqual(decoded?["tckValid"], .bool(true))
        // A wrong TCK is a problem: the same document, exit 64.
        let wrong = try check(["atr", "3B E0 00 FF 81 31 FE 45 15", "--json"], "mynakit:atr", status: 64)
        XCTAssertEqual(wrong?["tckValid"], .bool(false))
        try checkError(["atr", "3B 8F", "--json"], status: 64, code: "malformed-atr")
    }

    func testCertVerify() throws {
        let sign = try check(
            ["cert", "verify", path("sign.pem"), "--kind", "sign", "--roots", path("sign-root.pem"), "--json"],
            "mynakit:cert-verify")
        XCTAssertEqual(sign?["valid"], .bool(true))
        XCTAssertEqual(sign?["kind"], .string("sign"))
        XCTAssertEqual(sign?["identity"]?["sex"], .object(["code": .string("2"), "label": .string("female")]))
        // The simulator's root has J-LIS's name and a fingerprint of its own: never production.
        XCTAssertEqual(sign?["trustAnchor"]?["classification"], .string("jlis-unpinned"))
        XCTAssertEqual(
            sign?["trustAnchor"]?["sha256Fingerprint"], .string(try TrustTestCA.opensslFingerprint(path("sign-root.pem"))))
        XCTAssertEqual(sign?["testHierarchy"], .bool(false))
        XCTAssertEqual(sign?["revocation"]?["source"], .string("not-checked"))

        // With a CRL of the root: the file that was used and its update times, as openssl reads them.
        let ca = try TrustTestCA(in: directory.appendingPathComponent("ca"))
        let crl = try ca.crl(issuer: path("auth-root.pem"), key: path("auth-root.key.pem")).path
        let checked = try check(
            ["cert", "verify", path("auth.pem"), "--kind", "auth", "--roots", path("auth-root.pem"), "--crl", crl,
             "--require-revocation", "--json"], "mynakit:cert-verify")
        XCTAssertEqual(checked?["revocation"]?["source"], .string("crl"))
        XCTAssertEqual(checked?["revocation"]?["file"], .string(crl))
        let (thisUpdate, nextUpdate) = try TrustTestCA.opensslUpdateTimes(crl)
        XCTAssertEqual(checked?["revocation"]?["thisUpdate"], .string(thisUpdate))
        XCTAssertEqual(checked?["revocation"]?["nextUpdate"], .string(nextUpdate))
        // Without one, --require-revocation fails the verdict.
        let unchecked = try check(
            ["cert", "verify", path("auth.pem"), "--kind", "auth", "--roots", path("auth-root.pem"),
             "--require-revocation", "--json"], "mynakit:cert-verify", status: 5)
        XCTAssertEqual(unchecked?["failures"]?.codes, ["crl-missing"])
        XCTAssertEqual(unchecked?["revocation"]?["source"], .string("not-checked"))
        // No --roots and an empty trust directory: nothing to verify against.
        try checkError(
            ["cert", "verify", path("auth.pem"), "--kind", "auth", "--json"], status: 64, code: "no-trust-anchors",
            environment: trustDirectory)
        let swapped = try check(
            ["cert", "verify", path("auth.pem"), "--kind", "sign", "--roots", path("auth-root.pem"), "--json"],
            "mynakit:cert-verify", status: 5)
        XCTAssertEqual(swapped?["valid"], .bool(false))
        let expired = try check(
            ["cert", "verify", path("auth.pem"), "--kind", "auth", "--roots", path("auth-root.pem"), "--at",
             "2099-01-01T00:00:00Z", "--json"], "mynakit:cert-verify", status: 5)
        XCTAssertEqual(expired?["failures"]?.codes.contains("expired"), true)
        try checkError(
            ["cert", "verify", path("auth.pem"), "--kind", "auth", "--roots", path("missing.pem"), "--json"],
            status: 64, code: "unreadable-file")
    }

    func testVerifySignatureAndBenchVerify() throws {
        let data = path("data.bin")
        try Data("data to sign".utf8).write(to: URL(fileURLWithPath: data))
        let signature = path("data.sig")
        try OpenSSLTool.run(["dgst", "-sha256", "-sign", path("auth.key.pem"), "-out", signature, data])
        let signed = ["--cert", path("auth.pem"), "--in", data, "--signature", signature]
        let valid = try check(["verify-signature", "--json"] + signed, "mynakit:verify-signature")
        XCTAssertEqual(valid?["valid"], .bool(true))
        let invalid = try check(
            ["verify-signature", "--json", "--hash", "sha384"] + signed, "mynakit:verify-signature", status: 5)
        XCTAssertEqual(invalid?["valid"], .bool(false))
        XCTAssertNotNil(invalid?["reason"])

        let bench = try check(
            ["bench", "verify", "--roots", path("auth-root.pem"), "--count", "20", "--json"] + signed,
            "mynakit:bench-verify")
        XCTAssertEqual(bench?["count"], .integer(20))
        // Verification failed: the error document, exit 5.
        try checkError(
            ["bench", "verify", "--roots", path("sign-root.pem"), "--count", "20", "--json"] + signed, status: 5,
            code: "verification-failed")
    }

    func testUsageErrors() throws {
        try checkError(["cert", "read", "--kind", "auth", "--format", "der", "--json"], status: 64, code: "usage")
        try checkError(["pin", "verify", "--json"], status: 64, code: "usage")
        try checkError(["sign", "--key", "auth", "--json"], status: 64, code: "usage")
        try checkError(["watch", "--events", "0", "--json"], status: 64, code: "usage")
    }

    func testPCSCDUnreachable() throws {
        try checkError(
            ["readers", "--json"], status: 69, code: "SCARD_E_NO_SERVICE",
            environment: ["PCSCLITE_CSOCK_NAME": path("no-pcscd.comm")])
    }

    // MARK: Readers and diagnostics

    func testReadersWatchAndDoctor() async throws {
        try await insert()
        let readers = try check(["readers", "--json"], "mynakit:readers")
        guard case .array(let rows)? = readers?["readers"] else { return XCTFail("no readers array") }
        let row = rows.first { $0["name"] == .string(VPCDRig.reader0) }
        XCTAssertEqual(row?["cardPresent"], .bool(true))
        XCTAssertEqual(row?["stateCodes"].map { $0.strings.contains("present") }, true)

        // doctor's status depends on the machine (udev rules, USB readers); its document does not.
        let doctor = try CLI.run(["doctor", "--json"])
        XCTAssertTrue([0, 1, 69].contains(doctor.status), doctor.stderr)
        XCTAssertEqual(Self.checker.problems(json: doctor.stdout, against: "mynakit:doctor"), [], doctor.stdout)

        // watch ends with too few events: NDJSON records, then the error record. (Unless another process changed a
        // reader meanwhile: then the one event came, and every line is an event.)
        let watch = try CLI.run(["watch", "--events", "1", "--timeout", "1", "--json"])
        XCTAssertTrue([0, 75].contains(watch.status), watch.stderr)
        var lines = watch.stdout.split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 2, watch.stdout)
        if watch.status == 75 {
            let last = lines.removeLast()
            XCTAssertEqual(Self.checker.problems(json: last, against: "mynakit:error"), [])
            XCTAssertEqual(try JSONValue.parse(last)["error"]?["code"], .string("too-few-events"))
        }
        for line in lines {
            XCTAssertEqual(Self.checker.problems(json: line, against: "mynakit:watch-event"), [], String(line))
        }
    }

    func testWatchInsertionAndRemovalRecords() async throws {
        try await VPCDRig.requirePCSCD()
        try await VPCDRig.waitFor(reader: VPCDRig.reader0, present: false)
        // Without --events or --timeout the watch runs until interrupted (exit 0), whatever other readers do.
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["watch", "--json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // The snapshot first; then a card comes and goes.
        try await Task.sleep(for: .seconds(1))
        let card = try VirtualMyNumberCard(pki: Self.pki)
        let inserted = try await VPCDRig.insert(card, options: .init())
        try await VPCDRig.remove(inserted)
        try await Task.sleep(for: .milliseconds(500))
        process.interrupt()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        let records = text.split(separator: "\n")
        for record in records {
            XCTAssertEqual(Self.checker.problems(json: record, against: "mynakit:watch-event"), [], String(record))
        }
        let events = records.compactMap { try? JSONValue.parse($0) }
            .filter { $0["reader"] == .string(VPCDRig.reader0) }.compactMap { $0["event"]?.stringValue }
        // Other processes may insert cards into the same reader meanwhile: each insertion is followed by its removal.
        XCTAssertEqual(events.first, "reader-empty", text)
        let changes = Array(events.dropFirst())
        XCTAssertGreaterThanOrEqual(changes.count, 2, text)
        XCTAssertEqual(changes, Array(repeating: ["card-inserted", "card-removed"], count: changes.count / 2).flatMap { $0 }, text)
    }

    // MARK: The card

    func testCardCommands() async throws {
        try await insert()
        let info = try check(["info", "--json"] + reader, "mynakit:info")
        XCTAssertEqual(info?["tokenCode"], .string("my-number-card"))
        XCTAssertEqual(info?["authPIN"]?["kind"], .string("auth"))

        let certificate = try check(["cert", "read", "--kind", "auth-ca", "--json"] + reader, "mynakit:cert-read")
        XCTAssertEqual(certificate?["kind"], .string("auth-ca"))
        try check(
            ["cert", "read", "--kind", "sign", "--format", "json", "--pin-stdin"] + reader, "mynakit:cert-read",
            stdin: "ABC123\n")

        let status = try check(["pin", "status", "--json"] + reader, "mynakit:pin-status")
        XCTAssertEqual(status?["pins"].map { $0.elements.compactMap { $0["kind"]?.stringValue } }, ["auth", "sign", "card-info"])
        let verified = try check(
            ["pin", "verify", "--kind", "card-info", "--pin-stdin", "--json"] + reader, "mynakit:pin-verify",
            stdin: "1234\n")
        XCTAssertEqual(verified?["verified"], .bool(true))
        XCTAssertEqual(verified?["apduCount"].map(\.typeName), "integer")

        let signed = try check(
            ["sign", "--key", "sign", "--challenge", "00112233", "--hash", "sha512", "--pin-env", "MYNAKIT_JSON_PIN",
             "--out", path("signature.bin"), "--json"] + reader, "mynakit:sign",
            environment: ["MYNAKIT_JSON_PIN": "ABC123"])
        XCTAssertEqual(signed?["key"], .string("sign"))

        let number = try check(["mynumber", "--pin-stdin", "--json"] + reader, "mynakit:mynumber", stdin: "1234\n")
        XCTAssertEqual(number?["myNumberMasked"], .string("********9018"))
        XCTAssertNil(number?["myNumber"], "all 12 digits only with --reveal")

        try check(["apdu", "00A4040C0AD392F000260100000001", "00B0000004", "--json"] + reader, "mynakit:apdu")
        let bench = try check(["bench", "apdu", "--count", "5", "--json"] + reader, "mynakit:bench-apdu")
        XCTAssertEqual(bench?["count"], .integer(5))
    }

    func testAuthVerdicts() async throws {
        try await insert()
        let good = try check(
            ["auth", "--roots", path("auth-root.pem"), "--pin-stdin", "--json"] + reader, "mynakit:auth", stdin: "1234\n")
        XCTAssertEqual(good?["verdict"], .string("authenticated"))
        XCTAssertEqual(good?["valid"], .bool(true))
        let rejected = try check(
            ["auth", "--roots", path("sign-root.pem"), "--pin-stdin", "--json"] + reader, "mynakit:auth", status: 5,
            stdin: "1234\n")
        XCTAssertEqual(rejected?["verdict"], .string("certificate-rejected"))
        XCTAssertEqual(rejected?["failures"]?.codes, ["unknown-issuer"])
        XCTAssertNil(rejected?["trustAnchor"], "no anchor reached")
        XCTAssertEqual(rejected?["testHierarchy"], .bool(false))

        // Without --roots: the trust directory. Empty, the command stops before the card is touched.
        try checkError(
            ["auth", "--pin-stdin", "--json"] + reader, status: 64, code: "no-trust-anchors", stdin: "1234\n",
            environment: trustDirectory)
        let traced = try CLI.run(
            ["auth", "--pin-stdin", "--json", "--trace"] + reader, stdin: "1234\n", environment: trustDirectory)
        XCTAssertEqual(traced.status, 64)
        XCTAssertFalse(traced.stderr.contains("trace: #"), "no APDU without trust anchors: \(traced.stderr)")
        // With the simulator's root admitted (it carries J-LIS's name with an unpinned fingerprint).
        try check(["trust", "add", "--accept-unpinned", path("auth-root.pem"), "--json"], "mynakit:trust-add",
            environment: trustDirectory)
        let directory = try check(
            ["auth", "--pin-stdin", "--json"] + reader, "mynakit:auth", stdin: "1234\n", environment: trustDirectory)
        XCTAssertEqual(directory?["verdict"], .string("authenticated"))
        XCTAssertEqual(directory?["trustAnchor"]?["classification"], .string("jlis-unpinned"))
        XCTAssertEqual(directory?["revocation"]?["source"], .string("not-checked"))
        // --require-revocation without a CRL: rejected before the PIN.
        let required = try check(
            ["auth", "--require-revocation", "--pin-stdin", "--json"] + reader, "mynakit:auth", status: 5,
            stdin: "1234\n", environment: trustDirectory)
        XCTAssertEqual(required?["verdict"], .string("certificate-rejected"))
        XCTAssertEqual(required?["failures"]?.codes, ["crl-missing"])
        XCTAssertEqual(card.triesLeft(.authentication), 3)
    }

    // MARK: The trust directory

    func testTrustCommands() throws {
        let empty = try check(["trust", "list", "--json"], "mynakit:trust-list", environment: trustDirectory)
        XCTAssertEqual(empty?["roots"], .array([]))
        XCTAssertEqual(empty?["directory"], .string(path("trust")))

        // Refused without its flag: the error document, and nothing written.
        try checkError(
            ["trust", "add", path("auth-root.pem"), "--json"], status: 64, code: "root-not-admitted",
            environment: trustDirectory)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("trust")))
        let unpinned = try check(
            ["trust", "add", "--accept-unpinned", path("auth-root.pem"), path("sign-root.pem"), "--json"],
            "mynakit:trust-add", environment: trustDirectory)
        XCTAssertEqual(unpinned?["added"]?.elements.compactMap { $0["classification"]?.stringValue }, ["jlis-unpinned", "jlis-unpinned"])
        XCTAssertEqual(unpinned?["added"]?.elements.first?["pinned"], .bool(false))
        XCTAssertEqual(unpinned?["alreadyPresent"], .array([]))
        let again = try check(
            ["trust", "add", "--accept-unpinned", path("auth-root.pem"), "--json"], "mynakit:trust-add",
            environment: trustDirectory)
        XCTAssertEqual(again?["added"], .array([]))
        XCTAssertEqual(again?["alreadyPresent"]?.elements.count, 1)

        // A pinned J-LIS root goes in without a flag, with its hierarchy and generation.
        let production = try TrustTestCA.referenceRoot("auth_ca_2023.pem").path
        let pinned = try check(["trust", "add", production, "--json"], "mynakit:trust-add", environment: trustDirectory)
        let root = pinned?["added"]?.elements.first
        XCTAssertEqual(root?["classification"], .string("jlis-production"))
        XCTAssertEqual(root?["pinned"], .bool(true))
        XCTAssertEqual(root?["hierarchy"], .string("authentication"))
        XCTAssertEqual(root?["generation"], .integer(3))
        XCTAssertEqual(root?["problems"], .array([]))
        XCTAssertEqual(root?["sha256Fingerprint"], .string(try TrustTestCA.opensslFingerprint(production)))

        let list = try check(["trust", "list", "--json"], "mynakit:trust-list", environment: trustDirectory)
        XCTAssertEqual(list?["roots"]?.elements.count, 3)
        let show = try check(["trust", "show", "64:11:4f:29", "--json"], "mynakit:trust-show", environment: trustDirectory)
        XCTAssertEqual(show?["admission"], .string("none"))
        XCTAssertEqual(show?["publicKey"], .string("RSA 2048 bits"))
        let simulator = try TrustTestCA.opensslFingerprint(path("auth-root.pem"))
        let shown = try check(
            ["trust", "show", String(simulator.prefix(12)), "--json"], "mynakit:trust-show", environment: trustDirectory)
        XCTAssertEqual(shown?["admission"], .string("accept-unpinned"))
        try checkError(["trust", "show", "00000000", "--json"], status: 64, code: "unknown-root", environment: trustDirectory)

        let removed = try check(
            ["trust", "remove", simulator, "--json"], "mynakit:trust-remove", environment: trustDirectory)
        XCTAssertEqual(removed?["removed"]?.elements.first?["sha256Fingerprint"], .string(simulator))
        try checkError(["trust", "remove", simulator, "--json"], status: 64, code: "unknown-root", environment: trustDirectory)

        // A directory every user may write is not read; one that cannot be made is lost output.
        XCTAssertEqual(chmod(path("trust"), 0o777), 0)
        try checkError(["trust", "list", "--json"], status: 64, code: "insecure-trust-directory", environment: trustDirectory)
        XCTAssertEqual(chmod(path("trust"), 0o755), 0)
        try checkError(
            ["trust", "add", "--accept-unpinned", path("auth-root.pem"), "--json"], status: 74, code: "unwritable-file",
            environment: [TrustTestCA.environmentVariable: path("auth.pem") + "/trust"])
    }

    // MARK: The card surface and card-data authenticity

    func testSurfaceAndMyNumberAuthenticity() async throws {
        try await insert()
        let cardCA = ["--verify-authenticity", "--card-ca", path(CardDataPKI.FileName.caKeys)]
        let codeA = try check(
            ["surface", "--code-stdin", "--photo", path("photo.png"), "--format", "png", "--json"] + cardCA + reader,
            "mynakit:surface", stdin: "123456789018\n")
        XCTAssertEqual(codeA?["unlockedWith"], .string("code-a"))
        XCTAssertEqual(codeA?["myNumberMasked"], .string("********9018"))
        XCTAssertNil(codeA?["myNumber"])
        XCTAssertEqual(codeA?["photo"]?["format"], .string("png"))
        XCTAssertEqual(codeA?["photo"]?["file"], .string(path("photo.png")))
        XCTAssertEqual(codeA?["photo"]?["bytes"], .integer(try Data(contentsOf: URL(fileURLWithPath: path("photo.png"))).count))
        XCTAssertEqual(codeA?["authenticity"]?["verdict"], .string("authentic"))
        XCTAssertEqual(codeA?["authenticity"]?["application"], .string("card-surface"))
        XCTAssertEqual(codeA?["authenticity"]?["hierarchy"], .string("simulator"))
        // The name image is the card's own PNG, base64.
        if case .string(let base64)? = codeA?["nameImage"]?["png"] {
            XCTAssertEqual(Data(base64Encoded: base64)?.prefix(8), Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        } else {
            XCTFail("no nameImage.png")
        }

        let codeB = try check(
            ["surface", "--code-b", "--code-env", "MYNAKIT_JSON_CODE", "--json"] + reader, "mynakit:surface",
            environment: ["MYNAKIT_JSON_CODE": "19850412 2035 5827"])
        XCTAssertEqual(codeB?["unlockedWith"], .string("code-b"))
        XCTAssertNil(codeB?["myNumberMasked"], "照合番号B does not involve the My Number")
        XCTAssertEqual(codeB?["photo"]?["format"], .string("jp2"))
        XCTAssertNil(codeB?["photo"]?["file"])

        let pin = try check(
            ["surface", "--my-number-from-pin", "--pin-stdin", "--reveal", "--json"] + reader, "mynakit:surface",
            stdin: "1234\n")
        XCTAssertEqual(pin?["unlockedWith"], .string("card-info-pin"))
        XCTAssertEqual(pin?["myNumber"], .string("123456789018"))

        let number = try check(
            ["mynumber", "--pin-stdin", "--reveal", "--json"] + cardCA + reader, "mynakit:mynumber", stdin: "1234\n")
        XCTAssertEqual(number?["myNumber"], .string("123456789018"))
        XCTAssertEqual(number?["myNumberMasked"], .string("********9018"))
        XCTAssertEqual(number?["authenticity"]?["application"], .string("card-info"))
        XCTAssertEqual(number?["authenticity"]?["verdict"], .string("authentic"))

        // No CA key for the simulator's hierarchy: the verdict document, exit 5, and no photo.
        let unknown = try check(
            ["surface", "--code-stdin", "--verify-authenticity", "--photo", path("unknown.jp2"), "--json"] + reader,
            "mynakit:surface", status: 5, stdin: "123456789018\n")
        XCTAssertEqual(unknown?["authenticity"]?["verdict"], .string("unknown-ca-key"))
        XCTAssertNil(unknown?["photo"]?["file"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("unknown.jp2")))
        // A --card-ca file that is not a key table: a usage error before the card.
        try Data("[{\"keyId\": 1}]".utf8).write(to: URL(fileURLWithPath: path("bad-ca.json")))
        try checkError(
            ["surface", "--code-stdin", "--verify-authenticity", "--card-ca", path("bad-ca.json"), "--json"] + reader,
            status: 64, code: "invalid-card-ca", stdin: "123456789018\n")

        try await removeCard()
        try await insert(SimulatorConfiguration(faults: .init(tampering: [.swappedPhoto])))
        let tampered = try check(
            ["surface", "--code-stdin", "--json"] + cardCA + reader, "mynakit:surface", status: 5, stdin: "123456789018\n")
        XCTAssertEqual(tampered?["authenticity"]?["verdict"], .string("not-authentic"))
        XCTAssertEqual(tampered?["authenticity"]?["failures"]?.elements.count, 1)
    }

    // MARK: Documents

    func testDocumentSignAndVerify() async throws {
        try await insert()
        let password = ["MYNAKIT_JSON_PASSWORD": "ABC123"]
        let signing = ["--pin-env", "MYNAKIT_JSON_PASSWORD", "--json"] + reader
        try Data("an application\n".utf8).write(to: URL(fileURLWithPath: path("application.txt")))
        let cms = try check(
            ["document", "sign", path("application.txt"), "--out", path("application.p7s")] + signing,
            "mynakit:document-sign", environment: password)
        XCTAssertEqual(cms?["format"], .string("cms"))
        XCTAssertEqual(cms?["attached"], .bool(false))
        XCTAssertEqual(cms?["bytes"], .integer(try Data(contentsOf: URL(fileURLWithPath: path("application.p7s"))).count))
        let verified = try check(
            ["document", "verify", path("application.p7s"), "--content", path("application.txt"), "--roots",
             path("sign-root.pem"), "--json"], "mynakit:document-verify")
        XCTAssertEqual(verified?["valid"], .bool(true))
        let signature = verified?["signatures"]?.elements.first
        XCTAssertEqual(signature?["signingTime"], cms?["signingTime"])
        XCTAssertEqual(signature?["detached"], .bool(true))
        XCTAssertEqual(signature?["identity"]?["sex"]?["code"], .string("2"))
        XCTAssertEqual(signature?["identity"]?["sex"]?["label"], .string("female"))

        try Data(TestPDF.minimal(text: "Application")).write(to: URL(fileURLWithPath: path("application.pdf")))
        let pdf = try check(
            ["document", "sign", path("application.pdf"), "--pdf", "--out", path("signed.pdf"), "--reason", "申請"]
                + signing, "mynakit:document-sign", environment: password)
        XCTAssertEqual(pdf?["format"], .string("pdf"))
        XCTAssertEqual(pdf?["subFilter"], .string("adbe.pkcs7.detached"))
        XCTAssertEqual(pdf?["fieldName"], .string("Signature1"))
        XCTAssertNil(pdf?["attached"])
        let pdfVerified = try check(
            ["document", "verify", path("signed.pdf"), "--roots", path("sign-root.pem"), "--json"],
            "mynakit:document-verify")
        XCTAssertEqual(pdfVerified?["signatures"]?.elements.first?["coversWholeFile"], .bool(true))
        XCTAssertEqual(pdfVerified?["signatures"]?.elements.first?["reason"], .string("申請"))

        // A PDF without a signature: a negative verdict, not an error document.
        let unsigned = try check(
            ["document", "verify", path("application.pdf"), "--roots", path("sign-root.pem"), "--json"],
            "mynakit:document-verify", status: 5)
        XCTAssertEqual(unsigned?["signatures"], .array([]))
        XCTAssertEqual(unsigned?["problems"]?.elements.count, 1)
        // The wrong root: the certificate is rejected.
        let rejected = try check(
            ["document", "verify", path("application.p7s"), "--content", path("application.txt"), "--roots",
             path("auth-root.pem"), "--json"], "mynakit:document-verify", status: 5)
        XCTAssertEqual(rejected?["signatures"]?.elements.first?["failures"]?.codes, ["certificate-rejected"])
    }

    // MARK: Failures

    func testNoCardAndNoSuchReader() async throws {
        try await VPCDRig.requirePCSCD()
        try await VPCDRig.waitFor(reader: VPCDRig.reader0, present: false)
        let empty = try CLI.run(["info", "--json"] + reader)
        XCTAssertEqual(empty.status, 3, empty.stdout)
        XCTAssertEqual(Self.checker.problems(json: empty.stdout, against: "mynakit:error"), [], empty.stdout)
        try checkError(["pin", "status", "--json", "--reader", "No Such Reader 99"], status: 3, code: "unknown-reader")
    }

    func testPINFailuresCarryTriesLeft() async throws {
        try await insert(SimulatorConfiguration(authPINTries: 2, cardInfoPINTries: 0))
        let wrong = try checkError(
            ["pin", "verify", "--kind", "auth", "--pin-stdin", "--json"] + reader, status: 4, code: "wrong-pin",
            stdin: "9999\n")
        XCTAssertEqual(wrong?["error"]?["triesLeft"], .integer(1))
        let refused = try checkError(
            ["sign", "--key", "auth", "--challenge", "00", "--pin-stdin", "--json"] + reader, status: 4,
            code: "last-try-refused", stdin: "1234\n")
        XCTAssertEqual(refused?["error"]?["triesLeft"], .integer(1))
        let blocked = try checkError(
            ["mynumber", "--pin-stdin", "--allow-last-try", "--json"] + reader, status: 4, code: "pin-blocked",
            stdin: "1234\n")
        XCTAssertEqual(blocked?["error"]?["triesLeft"], .integer(0))
        XCTAssertEqual(card.triesLeft(.authentication), 1)
    }
}

extension JSONValue {
    /// The elements of an array (none for anything else).
    var elements: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }

    /// The strings of an array of strings.
    var strings: [String] { elements.compactMap(\.stringValue) }

    /// The `code` of each object in an array (`failures`).
    var codes: [String] { elements.compactMap { $0["code"]?.stringValue } }
}
