//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import TestSupport
import XCTest

/// Replays FuzzDocument's committed corpus (Tests/Fuzz/corpus/FuzzDocument: PDFs from three producers, signed
/// once and twice, CMS in DER and PEM) through the target's replay mode, as FuzzCorpusReplayTests does for the other
/// targets: every input runs the PDF and CMS readers and the sign-then-verify invariant without a crash.
final class DocumentFuzzReplayTests: XCTestCase {
    func testTheCorpusReplaysWithoutACrash() throws {
        let corpus = CLI.repositoryRoot.appendingPathComponent("Tests/Fuzz/corpus/FuzzDocument")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { !$0.hasPrefix(".") }
        XCTAssertGreaterThanOrEqual(inputs.count, 6)
        let executable = CLI.executable.deletingLastPathComponent().appendingPathComponent("FuzzDocument")
        let result = try CLI.runProcess(
            executable, [corpus.path], environment: ["SWIFT_BACKTRACE": "enable=no"], timeout: 120)
        XCTAssertEqual(result.status, 0, "FuzzDocument crashed on its corpus:\n\(result.stderr)")
        XCTAssertTrue(result.stdout.contains("replayed \(inputs.count) input(s)"), result.stdout + result.stderr)
    }
}
