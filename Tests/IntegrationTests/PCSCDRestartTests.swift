//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import SmartCard
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// pcscd restarted under a running program: contexts are rebuilt, event monitoring carries on.
final class PCSCDRestartTests: XCTestCase {
    override func setUp() async throws {
        try await VPCDRig.requirePCSCD()
        guard getuid() == 0 else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("restart tests need root in CI") }
            throw XCTSkip("restarting pcscd needs root")
        }
    }

    static func restartPCSCD() throws {
        let script = CLI.repositoryRoot.appendingPathComponent("scripts/pcscd-rig.sh")
        let result = try CLI.runProcess(URL(fileURLWithPath: "/bin/bash"), [script.path, "restart"], timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testContextIsRebuiltAfterRestart() async throws {
        let context = PCSCContext()
        let before = try await context.readers()
        XCTAssertTrue(before.contains(VPCDRig.reader0))
        try Self.restartPCSCD()
        // The old context's socket is dead; the next call rebuilds it without the caller noticing.
        let after = try await context.readers()
        XCTAssertEqual(after.sorted(), before.sorted())
    }

    func testEventsCarryOnAcrossARestart() async throws {
        var iterator = ReaderEvents(pollTimeoutMilliseconds: 200).makeAsyncIterator()
        guard case .snapshot? = try await iterator.next() else { return XCTFail("expected the snapshot first") }
        try Self.restartPCSCD()
        var seen: [ReaderEvent] = []
        while seen.count < 6 {
            guard let event = try await iterator.next() else { break }
            seen.append(event)
            if case .snapshot = event { break }
        }
        XCTAssertTrue(seen.contains { if case .serviceUnavailable = $0 { true } else { false } }, "\(seen)")
        XCTAssertTrue(seen.contains(.serviceRestored), "\(seen)")
        guard case .snapshot(let states)? = seen.last else { return XCTFail("expected a new snapshot: \(seen)") }
        XCTAssertTrue(states.contains { $0.reader == VPCDRig.reader0 })
        // And the monitor still reports cards after the restart.
        let link = try await VPCDRig.insert(MinimalISOCard(), port: VPCDRig.port1, reader: VPCDRig.reader1)
        var inserted = false
        while !inserted, let event = try await iterator.next() {
            if case .cardInserted(let state) = event, state.reader == VPCDRig.reader1 { inserted = true }
        }
        XCTAssertTrue(inserted)
        try await VPCDRig.remove(link, reader: VPCDRig.reader1)
    }

    func testWatchCommandKeepsRunningAcrossARestart() async throws {
        let watcher = Task.detached { try CLI.run(["watch", "--events", "3", "--timeout", "30", "--json"]) }
        try await Task.sleep(for: .milliseconds(800))
        try Self.restartPCSCD()
        try await Task.sleep(for: .milliseconds(800))
        let link = try await VPCDRig.insert(MinimalISOCard(), port: VPCDRig.port1, reader: VPCDRig.reader1)
        defer { link.stop() }
        let result = try await watcher.value
        XCTAssertEqual(result.status, 0, result.stderr)
        let kinds = try result.jsonLines().compactMap { $0["event"] as? String }
        XCTAssertTrue(kinds.contains("pcscd-unavailable"), "\(kinds)")
        XCTAssertTrue(kinds.contains("pcscd-restored"), "\(kinds)")
        XCTAssertTrue(kinds.contains("card-inserted"), "\(kinds)")
        try await VPCDRig.remove(link, reader: VPCDRig.reader1)
    }
}

/// Readers that disappear and come back (pcscd restarted without, then with, the vpcd configuration): the event
/// sequence reports each reader removed and added, and a flow on a vanished reader is a typed error.
final class ReaderRemovalTests: XCTestCase {
    override func setUp() async throws {
        try await VPCDRig.requirePCSCD()
        guard getuid() == 0 else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("reader removal tests need root in CI") }
            throw XCTSkip("restarting pcscd needs root")
        }
    }

    static func rig(_ command: String) throws {
        let script = CLI.repositoryRoot.appendingPathComponent("scripts/pcscd-rig.sh")
        let result = try CLI.runProcess(URL(fileURLWithPath: "/bin/bash"), [script.path, command], timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testReadersRemovedAndAddedAreReported() async throws {
        var iterator = ReaderEvents(pollTimeoutMilliseconds: 200).makeAsyncIterator()
        guard case .snapshot(let before)? = try await iterator.next() else { return XCTFail("snapshot first") }
        XCTAssertTrue(before.contains { $0.reader == VPCDRig.reader0 })
        do {
            try Self.rig("restart-without-readers")
            var removed: Set<String> = []
            while removed.count < 2, let event = try await iterator.next() {
                if case .readerRemoved(let name) = event { removed.insert(name) }
            }
            XCTAssertEqual(removed, [VPCDRig.reader0, VPCDRig.reader1])
            // A flow on a reader that is gone: exit 3 (no such reader), not a crash.
            let result = try CLI.run(["info", "--reader", VPCDRig.reader0, "--json"])
            XCTAssertEqual(result.status, 3, result.stdout)
        }
        try Self.rig("restart")
        var added: Set<String> = []
        while added.count < 2, let event = try await iterator.next() {
            if case .readerAdded(let state) = event { added.insert(state.reader) }
        }
        XCTAssertEqual(added, [VPCDRig.reader0, VPCDRig.reader1])
    }
}
