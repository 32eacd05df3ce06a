//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import XCTest

@testable import mynakit

/// The exit codes the docs promise are exactly the ones the CLI has (``ExitStatus``): README.md, Docs/Technician.md,
/// Docs/JSON.md and the man page's EXIT STATUS section (Docs/man/exit-status.mdoc).
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
}
