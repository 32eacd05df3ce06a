//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import XCTest

/// Replays the committed fuzz corpus (Fuzz/corpus/<target>) through each fuzz target's replay mode on every test
/// run: a normal build makes every target a replay tool, so an input that once crashed stays fixed. No pcscd needed.
final class FuzzCorpusReplayTests: XCTestCase {
    /// Every fuzz target (Package.swift, scripts/fuzz.sh).
    /// SLOT: add "FuzzMynaCardRead" once MynaCard lands.
    static let targets = ["FuzzBERTLV", "FuzzATR", "FuzzAPDU", "FuzzVirtualCard", "FuzzVerify"]

    func testEveryTargetReplaysItsCommittedCorpus() throws {
        for target in Self.targets {
            let corpus = CLI.repositoryRoot.appendingPathComponent("Fuzz/corpus/\(target)")
            let inputs = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { !$0.hasPrefix(".") }
            XCTAssertFalse(inputs.isEmpty, "\(target) has no committed corpus")

            let executable = CLI.executable.deletingLastPathComponent().appendingPathComponent(target)
            guard FileManager.default.isExecutableFile(atPath: executable.path) else {
                XCTFail("\(executable.path) is missing; build everything with `swift build --build-tests`")
                continue
            }
            let result = try CLI.runProcess(
                executable, [corpus.path], environment: ["SWIFT_BACKTRACE": "enable=no"], timeout: 120)
            XCTAssertEqual(result.status, 0, "\(target) crashed on its corpus:\n\(result.stderr)")
            XCTAssertEqual(
                result.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(target): replayed \(inputs.count) input(s)")
        }
    }

    func testAReplayToolWithoutArgumentsIsHarmless() throws {
        let executable = CLI.executable.deletingLastPathComponent().appendingPathComponent("FuzzATR")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            XCTFail("\(executable.path) is missing; build everything with `swift build --build-tests`")
            return
        }
        let result = try CLI.runProcess(executable, [])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.hasPrefix("usage: FuzzATR"), result.stdout)
    }
}
