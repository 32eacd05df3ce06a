//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaVerify
import SmartCard
import XCTest

@testable import mynakit

/// The exit codes the docs promise are exactly the ones the CLI has (``ExitStatus``): README.md, Docs/Technician.md,
/// Docs/JSON.md and the man page's EXIT STATUS section (Docs/man/exit-status.mdoc); the error codes of Docs/JSON.md
/// carry the exit status the one error table gives them; the man page's ENVIRONMENT names what the tool reads.
final class ExitStatusDocsTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var codes: [Int32] { ExitStatus.allCases.map(\.rawValue) }

    func read(_ relativePath: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// The lines of the Markdown section that starts with the heading `heading`, up to the next heading.
    func section(_ heading: String, of text: String) -> [Substring] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == heading }) else { return [] }
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex { $0.hasPrefix("#") } ?? rest.endIndex
        return Array(rest[..<end])
    }

    /// The codes in the first column of a Markdown table: `| 64 | usage | … |`.
    func tableCodes(_ lines: [Substring]) -> [Int32] {
        lines.compactMap { line in
            guard line.hasPrefix("|") else { return nil }
            let cell = line.split(separator: "|").first.map { $0.filter { !$0.isWhitespace } } ?? ""
            return Int32(cell)
        }
    }

    func testTheCodesAreTheContract() {
        XCTAssertEqual(Self.codes, [0, 3, 4, 5, 6, 64, 69, 74, 75])
    }

    func testREADME() throws {
        XCTAssertEqual(tableCodes(section("### Exit codes", of: try read("README.md"))), Self.codes)
    }

    func testTechnicianGuide() throws {
        XCTAssertEqual(tableCodes(section("## Exit codes", of: try read("Docs/Technician.md"))), Self.codes)
    }

    func testJSONContract() throws {
        XCTAssertEqual(tableCodes(section("## Exit status", of: try read("Docs/JSON.md"))), Self.codes)
    }

    func testManPageSection() throws {
        // `.It 64` items of the tag list in the EXIT STATUS section.
        let text = try read("Docs/man/exit-status.mdoc")
        XCTAssertTrue(text.hasPrefix(".Sh EXIT STATUS\n"), "the section file starts the section")
        let codes = text.split(separator: "\n").compactMap { line -> Int32? in
            guard line.hasPrefix(".It ") else { return nil }
            return Int32(line.dropFirst(4))
        }
        XCTAssertEqual(codes, Self.codes)
    }

    func testManSectionsAreAppendedByMakeMan() throws {
        let makefile = try read("Makefile")
        for name in ["environment", "exit-status", "examples"] {
            XCTAssertTrue(makefile.contains("Docs/man/\(name).mdoc"), "make man does not append \(name)")
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("Docs/man/\(name).mdoc").path))
        }
        let environment = try read("Docs/man/environment.mdoc")
        XCTAssertTrue(environment.contains(".It Ev PCSCLITE_CSOCK_NAME"), environment)
        XCTAssertTrue(environment.contains("--pin-env") || environment.contains("Fl -pin-env"), environment)
    }

    /// Every variable the tool reads by name has an entry: the trust directory's, and the one behind `--code-env`.
    func testTheEnvironmentSectionNamesWhatTheToolReads() throws {
        let environment = try read("Docs/man/environment.mdoc")
        XCTAssertTrue(environment.contains(".It Ev \(TrustDirectory.environmentVariable)"), environment)
        XCTAssertTrue(environment.contains(TrustDirectory.defaultPath), environment)
        XCTAssertTrue(environment.contains("Fl -code-env"), environment)
        XCTAssertFalse(environment.contains("no\n.Ev MYNAKIT_*"), "the tool does read a MYNAKIT_ variable")
    }

    /// The rows of the error-code table in Docs/JSON.md: each backticked code of the first column with the exit status
    /// that starts the second (`| `wrong-pin` | 4 | … |`).
    func documentedErrorCodes() throws -> [String: Int32] {
        var codes: [String: Int32] = [:]
        for line in section("## Errors", of: try read("Docs/JSON.md")) where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, let status = Int32(cells[1].prefix { $0.isNumber }) else { continue }
            for (index, part) in cells[0].split(separator: "`", omittingEmptySubsequences: false).enumerated()
            where index % 2 == 1 {
                codes[String(part)] = status
            }
        }
        return codes
    }

    func testTheErrorCodeTableHasTheStatusOfTheErrorTable() throws {
        let documented = try documentedErrorCodes()
        let errors: [any Error] = [
            MynaVerifyError(code: .unreadableFile, reason: ""), MynaVerifyError(code: .noTrustAnchors, reason: ""),
            MynaVerifyError(code: .rootNotAdmitted, reason: ""), MynaVerifyError(code: .unknownRoot, reason: ""),
            MynaVerifyError(code: .insecureTrustDirectory, reason: ""), MynaVerifyError(code: .unwritableFile, reason: ""),
            MynaVerifyError(code: .malformedDER, reason: ""), MynaVerifyError(code: .malformedPEM, reason: ""),
            MynaVerifyError(code: .emptyInput, reason: ""), MynaVerifyError(code: .unsupportedKey, reason: ""),
            MynaVerifyError(code: .identityNotPresent, reason: ""),
            MynaVerifyError(code: .init(rawValue: "malformed-cms"), reason: ""),
            MynaVerifyError(code: .init(rawValue: "malformed-pdf"), reason: ""),
            MynaVerifyError(code: .init(rawValue: "unsupported-document"), reason: ""),
            MynaVerifyError(code: .init(rawValue: "signature-mismatch"), reason: ""),
            MynaCardError(.wrongPIN, ""), MynaCardError(.lastTryRefused, ""), MynaCardError(.pinBlocked, ""),
            MynaCardError(.invalidPINFormat, ""), MynaCardError(.notMyNumberCard, ""), MynaCardError(.invalidArgument, ""),
            MynaCardError(.unexpectedStatus, ""), MynaCardError(.malformedData, ""), MynaCardError(.cardReset, ""),
            MynaCardError(.timedOut, ""),
            CardError(.invalidHex, ""), CardError(.invalidCommand, ""), CardError(.malformedATR, ""),
            CardError(.malformedResponse, ""), CardError(.responseLoop, ""),
            PCSCError.noService, PCSCError.serviceStopped, PCSCError.noSmartcard, PCSCError.removedCard,
            PCSCError.resetCard,
        ]
        for error in errors {
            let failure = CommandFailure(error)
            XCTAssertEqual(documented[failure.code], failure.status.rawValue, "\(failure.code) in Docs/JSON.md")
        }
        // The CLI's own codes.
        let notAKeyTable = FileManager.default.temporaryDirectory.appendingPathComponent("mynakit-card-ca-\(getpid()).json")
        try Data("{}".utf8).write(to: notAKeyTable)
        defer { try? FileManager.default.removeItem(at: notAKeyTable) }
        do {
            _ = try CardCAOptions.parse(["--card-ca", notAKeyTable.path]).table()
            XCTFail("{} is not a CA key table")
        } catch let failure as CommandFailure {
            XCTAssertEqual(failure.code, "invalid-card-ca")
            XCTAssertEqual(documented[failure.code], failure.status.rawValue)
        }
        XCTAssertEqual(documented["too-few-events"], ExitStatus.timedOut.rawValue)
        XCTAssertEqual(documented["unwritable-output"], ExitStatus.ioError.rawValue)
    }
}
