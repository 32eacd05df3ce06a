//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import SmartCard
import XCTest

/// Keeps the Swift code in `Docs/` compiling: every ```swift block there starts with `// snippet: NAME` and is,
/// line for line, the region of that name in this target's sources, which the compiler checks.
final class DocSnippetsTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `NAME -> lines` for every `// snippet: NAME` ... `// end snippet` region of the Swift files in this directory.
    static func snippetRegions() throws -> [String: [String]] {
        let directory = root.appendingPathComponent("Tests/DocSnippetsTests")
        var regions: [String: [String]] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            var current: (name: String, lines: [String])?
            for line in text.components(separatedBy: "\n") {
                if let name = line.snippetName {
                    XCTAssertNil(current, "snippet \(name) starts inside another one in \(file)")
                    XCTAssertNil(regions[name], "snippet \(name) defined twice")
                    current = (name, [line])
                } else if line == "// end snippet" {
                    guard let region = current else { XCTFail("stray end snippet in \(file)"); continue }
                    regions[region.name] = region.lines
                    current = nil
                } else if current != nil {
                    current?.lines.append(line)
                }
            }
            XCTAssertNil(current, "snippet \(current?.name ?? "") in \(file) has no end")
        }
        return regions
    }

    /// `(document, first line number, lines)` for every ```swift block in `Docs/*.md`.
    static func documentBlocks() throws -> [(document: String, line: Int, lines: [String])] {
        let docs = root.appendingPathComponent("Docs")
        var blocks: [(String, Int, [String])] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: docs.path).sorted() where file.hasSuffix(".md") {
            let lines = try String(contentsOf: docs.appendingPathComponent(file), encoding: .utf8)
                .components(separatedBy: "\n")
            var index = 0
            while index < lines.count {
                if lines[index].trimmingCharacters(in: .whitespaces) == "```swift" {
                    let start = index + 1
                    var end = start
                    while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != "```" { end += 1 }
                    blocks.append((file, start + 1, Array(lines[start..<min(end, lines.count)])))
                    index = end
                }
                index += 1
            }
        }
        return blocks
    }

    func testEverySwiftBlockInTheDocsIsACompiledSnippet() throws {
        let regions = try Self.snippetRegions()
        let blocks = try Self.documentBlocks()
        XCTAssertFalse(blocks.isEmpty)
        for block in blocks {
            let place = "Docs/\(block.document):\(block.line)"
            guard let name = block.lines.first?.snippetName else {
                XCTFail("\(place): a ```swift block must start with '// snippet: NAME' (see Tests/DocSnippetsTests)")
                continue
            }
            guard let region = regions[name] else {
                XCTFail("\(place): no snippet \(name) in Tests/DocSnippetsTests")
                continue
            }
            XCTAssertEqual(
                block.lines, region,
                "\(place): snippet \(name) differs from Tests/DocSnippetsTests; copy the compiled version into the doc")
        }
    }

    func testEverySnippetIsShownInADoc() throws {
        let shown = Set(try Self.documentBlocks().compactMap { $0.lines.first?.snippetName })
        for name in try Self.snippetRegions().keys.sorted() {
            XCTAssertTrue(shown.contains(name), "snippet \(name) appears in no doc")
        }
    }

    /// The advice the kiosk guide gives for each error, as code.
    func testRecoveryAdvice() {
        XCTAssertEqual(recovery(for: .removedCard), .askForCard)
        XCTAssertEqual(recovery(for: .noSmartcard), .askForCard)
        XCTAssertEqual(recovery(for: .resetCard), .reconnect)
        XCTAssertEqual(recovery(for: .noService), .retryLater)
        XCTAssertEqual(recovery(for: .commError), .retryLater)
        XCTAssertEqual(recovery(for: .readerUnavailable), .retryLater)
        XCTAssertEqual(recovery(for: .securityViolation), .callTechnician)
        // A protocol mismatch counts as "service lost" for the library, but waiting does not fix it.
        XCTAssertEqual(recovery(for: .serviceStopped), .callTechnician)
        XCTAssertEqual(recovery(for: .invalidHandle), .retryLater)
    }
}

extension String {
    /// `NAME` when the line is `// snippet: NAME`.
    fileprivate var snippetName: String? {
        let prefix = "// snippet: "
        guard hasPrefix(prefix) else { return nil }
        return String(dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
    }
}
