//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import SmartCard
import XCTest

/// The PC/SC layer through real pcscd and vpcd with the minimal ISO 7816 card.
final class PCSCIntegrationTests: XCTestCase {
    let aid: [UInt8] = [0xA0, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03]

    override func setUp() async throws {
        try await VPCDRig.requirePCSCD()
    }

    func testListsBothVirtualReadersAndTheirState() async throws {
        let link = try await VPCDRig.insert(MinimalISOCard())
        defer { link.stop() }
        let states = try await PCSCContext().readerStates()
        let reader0 = try XCTUnwrap(states.first { $0.reader == VPCDRig.reader0 })
        XCTAssertTrue(reader0.isCardPresent)
        XCTAssertEqual(reader0.atr, MinimalISOCard.defaultATR)
        let reader1 = try XCTUnwrap(states.first { $0.reader == VPCDRig.reader1 })
        XCTAssertFalse(reader1.isCardPresent)
        XCTAssertEqual(reader1.atr, [])
        try await VPCDRig.remove(link)
    }

    func testConnectTransmitAndReadAttributes() async throws {
        let link = try await VPCDRig.insert(MinimalISOCard())
        defer { link.stop() }
        let connection = try await CardConnection.connect(reader: VPCDRig.reader0)
        XCTAssertEqual(connection.activeProtocol, .t1)
        let atr = try await connection.atr()
        XCTAssertEqual(atr, MinimalISOCard.defaultATR)
        let (select, read, count) = try await connection.withTransaction { channel in
            let select = try channel.transmit(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: aid))
            _ = try channel.transmit(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x01]))
            let read = try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0x00, p2: 0x10, expectedLength: 4))
            return (select, read, channel.apduCount)
        }
        XCTAssertEqual(select.statusWord, .success)
        XCTAssertEqual(read.data, [0x10, 0x11, 0x12, 0x13])
        XCTAssertEqual(read.statusWord, .success)
        XCTAssertEqual(count, 3)
        // Reading past the end answers 62 82 with what is left.
        let tail = try await connection.transmit(CommandAPDU(ins: 0xB0, p1: 0x03, p2: 0xFE, expectedLength: 16))
        XCTAssertEqual(tail.data, [0xFE, 0xFF])
        XCTAssertEqual(tail.statusWord, .endOfFileReached)
        try await connection.disconnect()
        // A closed connection reports a typed error, not a crash.
        do {
            _ = try await connection.atr()
            XCTFail("expected an error after disconnect")
        } catch let error as PCSCError {
            XCTAssertEqual(error, .invalidHandle)
        }
        try await VPCDRig.remove(link)
    }

    func testVendorNameAndMaxAPDUSizeAreReadFromTheReader() async throws {
        let link = try await VPCDRig.insert(MinimalISOCard())
        defer { link.stop() }
        let connection = try await CardConnection.connect(reader: VPCDRig.reader0)
        let size = try await connection.maxAPDUDataSize()
        // Debian's vpcd does not implement PC/SC part 10 features; newer vsmartcard reports 65536.
        XCTAssertTrue(size == 0 || size == 0x10000, "unexpected dwMaxAPDUDataSize \(size)")
        try await connection.disconnect()
        try await VPCDRig.remove(link)
    }

    func testConnectingToAnEmptyReaderIsATypedError() async throws {
        do {
            _ = try await CardConnection.connect(reader: VPCDRig.reader1)
            XCTFail("expected SCARD_E_NO_SMARTCARD")
        } catch let error as PCSCError {
            XCTAssertEqual(error, .noSmartcard)
        }
        do {
            _ = try await CardConnection.connect(reader: "No Such Reader 00 00")
            XCTFail("expected SCARD_E_UNKNOWN_READER")
        } catch let error as PCSCError {
            XCTAssertEqual(error, .unknownReader)
        }
    }

    func testCardRemovedMidSessionIsATypedError() async throws {
        let link = try await VPCDRig.insert(MinimalISOCard())
        let connection = try await CardConnection.connect(reader: VPCDRig.reader0)
        _ = try await connection.transmit(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: aid))
        try await VPCDRig.remove(link)
        do {
            let response = try await connection.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 1))
            XCTFail("expected an error, got \(response)")
        } catch let error as PCSCError {
            XCTAssertTrue(error.isCardGone, "\(error)")
        } catch let error as CardError {
            XCTAssertEqual(error.code, .malformedResponse)
        }
    }

    func testCardRemovedDuringAnExchangeIsATypedError() async throws {
        // The card answers two APDUs, then leaves the reader while the third is in flight.
        let link = try await VPCDRig.insert(MinimalISOCard(), options: .init(removeAfterAPDUs: 2))
        defer { link.stop() }
        let connection = try await CardConnection.connect(reader: VPCDRig.reader0)
        do {
            try await connection.withTransaction { channel in
                for _ in 0..<3 {
                    _ = try channel.transmit(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: aid))
                }
            }
            XCTFail("the third APDU cannot succeed")
        } catch let error as PCSCError {
            XCTAssertTrue(error.isCardGone || error == .notTransacted || error == .commDataLost, "\(error)")
        } catch let error as CardError {
            XCTAssertEqual(error.code, .malformedResponse)
        }
        try await VPCDRig.waitFor(reader: VPCDRig.reader0, present: false)
    }

    func testTransactionOfOneConnectionBlocksAnother() async throws {
        let link = try await VPCDRig.insert(MinimalISOCard())
        defer { link.stop() }
        let first = try await CardConnection.connect(reader: VPCDRig.reader0)
        let second = try await CardConnection.connect(reader: VPCDRig.reader0)
        let order = OrderLog()
        let started = DispatchSemaphore(value: 0)
        let aid = self.aid
        let holder = Task {
            try await first.withTransaction { channel in
                order.append("first-begin")
                started.signal()
                Thread.sleep(forTimeInterval: 0.6)
                _ = try channel.transmit(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: aid))
                order.append("first-end")
            }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                started.wait()
                continuation.resume()
            }
        }
        let begin = ContinuousClock.now
        try await second.withTransaction { _ in order.append("second-begin") }
        let waited = ContinuousClock.now - begin
        try await holder.value
        XCTAssertEqual(order.entries, ["first-begin", "first-end", "second-begin"])
        XCTAssertGreaterThan(waited, .milliseconds(300), "the second transaction did not wait for the first")
        try await VPCDRig.remove(link)
    }

    func testWatchSeesInsertionAndRemoval() async throws {
        try await VPCDRig.waitFor(reader: VPCDRig.reader1, present: false)
        var iterator = ReaderEvents(pollTimeoutMilliseconds: 200).makeAsyncIterator()
        guard case .snapshot(let initial)? = try await iterator.next() else {
            return XCTFail("the first event must be the snapshot")
        }
        XCTAssertTrue(initial.contains { $0.reader == VPCDRig.reader1 && !$0.isCardPresent })
        let link = try await VPCDRig.insert(MinimalISOCard(), port: VPCDRig.port1, reader: VPCDRig.reader1)
        let inserted = try await iterator.next()
        guard case .cardInserted(let state)? = inserted else { return XCTFail("expected insertion, got \(String(describing: inserted))") }
        XCTAssertEqual(state.reader, VPCDRig.reader1)
        XCTAssertEqual(state.atr, MinimalISOCard.defaultATR)
        link.stop()
        let removed = try await iterator.next()
        guard case .cardRemoved(let gone)? = removed else { return XCTFail("expected removal, got \(String(describing: removed))") }
        XCTAssertEqual(gone.reader, VPCDRig.reader1)
    }
}

/// A thread-safe list of what happened, in order.
final class OrderLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ entry: String) { lock.withLock { list.append(entry) } }
    var entries: [String] { lock.withLock { list } }
}
