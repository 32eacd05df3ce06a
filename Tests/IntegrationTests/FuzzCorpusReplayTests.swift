//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import FuzzSupport
import SmartCard
import XCTest

/// Replays the committed fuzz corpus (Tests/Fuzz/corpus/<target>) through each fuzz target's replay mode on every test
/// run: a normal build makes every target a replay tool, so an input that once crashed stays fixed. No pcscd needed.
final class FuzzCorpusReplayTests: XCTestCase {
    /// Every fuzz target (Package.swift, scripts/fuzz.sh).
    static let targets = [
        "FuzzBERTLV", "FuzzATR", "FuzzAPDU", "FuzzVirtualCard", "FuzzVerify", "FuzzMynaCardRead", "FuzzDocument",
    ]

    func testEveryTargetReplaysItsCommittedCorpus() throws {
        for target in Self.targets {
            let corpus = CLI.repositoryRoot.appendingPathComponent("Tests/Fuzz/corpus/\(target)")
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

    // MARK: - The OpenSC fuzz-reader format

    func testChunksFollowOpenSCsFuzzReader() {
        // Lengths are host-order (little-endian) u16; a length past the end takes what is left; fewer than two bytes
        // left give an empty block.
        var chunks = FuzzChunks([0x02, 0x00, 0xAA, 0xBB, 0x00, 0x00, 0x05, 0x00, 0x01, 0x02, 0x7F])
        XCTAssertEqual(chunks.next(), [0xAA, 0xBB])
        XCTAssertEqual(chunks.next(), [])
        XCTAssertEqual(chunks.next(), [0x01, 0x02, 0x7F])
        XCTAssertTrue(chunks.isExhausted)
        XCTAssertEqual(chunks.next(), [])
        XCTAssertEqual(FuzzChunks([0x01]).all, [[]])
        let blocks: [[UInt8]] = [[0x3B, 0x00], [], [0x90, 0x00], Array(repeating: 0x41, count: 300)]
        XCTAssertEqual(FuzzChunks(FuzzChunks.encode(blocks)).all, blocks)
    }

    func testFuzzedTransportAnswers6D00WhenBlocksRunOut() throws {
        let atr = [UInt8](repeating: 0x3B, count: 40)
        let transport = FuzzedCardTransport(FuzzChunks.encode([atr, [0x61, 0x02], [0x01, 0x02, 0x90, 0x00], [0x90]]))
        XCTAssertEqual(transport.atr.count, ATR.maximumLength, "the ATR is cut to 33 bytes")
        let channel = CardChannel(transport: transport)
        let response = try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 2))
        XCTAssertEqual(response.data, [0x01, 0x02])
        XCTAssertEqual(response.statusWord, .success)
        // A one-byte block, then the end of the input: 6D 00 both times.
        XCTAssertEqual(try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0)).statusWord.rawValue, 0x6D00)
        XCTAssertEqual(try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0)).statusWord.rawValue, 0x6D00)
        XCTAssertEqual(transport.commands.count, 4)
        XCTAssertEqual(transport.commands[1], [0x00, 0xC0, 0x00, 0x00, 0x02])
    }
}
