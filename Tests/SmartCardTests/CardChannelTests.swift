//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import SmartCard
import XCTest

/// A transport that answers from a script and records what it was sent.
final class ScriptedTransport: CardTransport {
    var responses: [[UInt8]]
    var sent: [[UInt8]] = []
    let atr: [UInt8] = [0x3B, 0x00]
    let maxAPDUDataSize = 0

    init(_ responses: [[UInt8]]) { self.responses = responses }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        sent.append(command)
        guard !responses.isEmpty else { return [0x6D, 0x00] }
        return responses.removeFirst()
    }
}

final class CardChannelTests: XCTestCase {
    func testGetResponseCollectsChainedData() throws {
        let transport = ScriptedTransport([[0x01, 0x02, 0x61, 0x03], [0x03, 0x04, 0x05, 0x61, 0x00], [0x06, 0x90, 0x00]])
        let channel = CardChannel(transport: transport)
        let response = try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 256))
        XCTAssertEqual(response.data, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(response.statusWord, .success)
        XCTAssertEqual(
            transport.sent,
            [[0x00, 0xB0, 0x00, 0x00, 0x00], [0x00, 0xC0, 0x00, 0x00, 0x03], [0x00, 0xC0, 0x00, 0x00, 0x00]])
        XCTAssertEqual(channel.apduCount, 3)
    }

    func testGetResponseUsesInterindustryClassForProprietaryCommands() throws {
        let transport = ScriptedTransport([[0x61, 0x02], [0xAA, 0xBB, 0x90, 0x00]])
        let channel = CardChannel(transport: transport)
        _ = try channel.transmit(CommandAPDU(cla: 0x80, ins: 0x2A, p1: 0, p2: 0x80, data: [1], expectedLength: 256))
        XCTAssertEqual(transport.sent[1], [0x00, 0xC0, 0x00, 0x00, 0x02])
    }

    func testWrongLengthIsResentOnceWithTheCorrectLe() throws {
        let transport = ScriptedTransport([[0x6C, 0x05], [1, 2, 3, 4, 5, 0x90, 0x00]])
        let channel = CardChannel(transport: transport)
        let response = try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0x10, expectedLength: 256))
        XCTAssertEqual(response.data, [1, 2, 3, 4, 5])
        XCTAssertEqual(transport.sent, [[0x00, 0xB0, 0x00, 0x10, 0x00], [0x00, 0xB0, 0x00, 0x10, 0x05]])
    }

    func testAVerifyAnswered6CIsNeverResent() throws {
        // Found by FuzzMynaCardRead: a card answering 6C 00 to a VERIFY with data made the channel send the PIN again.
        let transport = ScriptedTransport([[0x6C, 0x00], [0x90, 0x00]])
        let channel = CardChannel(transport: transport)
        let response = try channel.transmit(CommandAPDU(ins: 0x20, p1: 0, p2: 0x80, data: Array("1234".utf8)))
        XCTAssertEqual(response.statusWord, StatusWord(sw1: 0x6C, sw2: 0x00))
        XCTAssertEqual(transport.sent.count, 1)
        // Not even a VERIFY that carries an Le, nor a signature.
        let verifyWithLe = ScriptedTransport([[0x6C, 0x04], [0x90, 0x00]])
        _ = try CardChannel(transport: verifyWithLe).transmit(
            CommandAPDU(ins: 0x20, p1: 0, p2: 0x80, data: [1, 2, 3, 4], expectedLength: 4))
        XCTAssertEqual(verifyWithLe.sent.count, 1)
        let sign = ScriptedTransport([[0x6C, 0x00], [0x90, 0x00]])
        _ = try CardChannel(transport: sign).transmit(
            CommandAPDU(cla: 0x80, ins: 0x2A, p1: 0, p2: 0x80, data: [1], expectedLength: 256))
        XCTAssertEqual(sign.sent.count, 1)
    }

    func testRepeated6CIsAnError() {
        let transport = ScriptedTransport([[0x6C, 0x05], [0x6C, 0x04]])
        let channel = CardChannel(transport: transport)
        XCTAssertThrowsError(try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 256))) {
            XCTAssertEqual(($0 as? CardError)?.code, .responseLoop)
        }
        XCTAssertEqual(transport.sent.count, 2)
    }

    func testEndless61xxIsBounded() {
        let transport = ScriptedTransport(Array(repeating: [0x61, 0x01], count: 1000))
        // Each GET RESPONSE answers 61 01 with no data: the round bound stops it.
        let channel = CardChannel(transport: transport)
        XCTAssertThrowsError(try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 1))) {
            XCTAssertEqual(($0 as? CardError)?.code, .responseLoop)
        }
        XCTAssertEqual(transport.sent.count, 1 + CardChannel.maximumGetResponseRounds)
    }

    func testChainingBeyond64KIsStopped() {
        let chunk = [UInt8](repeating: 0xEE, count: 256) + [0x61, 0x00]
        let transport = ScriptedTransport(Array(repeating: chunk, count: 300))
        let channel = CardChannel(transport: transport)
        XCTAssertThrowsError(try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 256))) {
            XCTAssertEqual(($0 as? CardError)?.code, .responseLoop)
        }
        XCTAssertLessThanOrEqual(transport.sent.count, 257)
    }

    func testEmptyResponseIsMalformed() {
        let transport = ScriptedTransport([[]])
        let channel = CardChannel(transport: transport)
        XCTAssertThrowsError(try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 1))) {
            XCTAssertEqual(($0 as? CardError)?.code, .malformedResponse)
        }
    }

    func testTracesRedactVerifyData() throws {
        let transport = ScriptedTransport([[0x63, 0xC2], [0x90, 0x00]])
        let events = EventLog()
        let channel = CardChannel(transport: transport, tracer: { events.append($0) })
        _ = try channel.transmit(CommandAPDU(ins: 0x20, p1: 0, p2: 0x80, data: Array("1234".utf8)))
        _ = try channel.transmit(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x00, 0x18]))
        let lines = events.all.map(\.line)
        XCTAssertEqual(events.all[0].command, "00 20 00 80 **")
        XCTAssertFalse(lines[0].contains("31 32 33 34"))
        XCTAssertTrue(lines[0].contains("63 C2"), lines[0])
        XCTAssertEqual(events.all[1].command, "00 A4 02 0C 02 00 18")
    }

    func testSensitiveResponsesCanBeHiddenFromTraces() throws {
        let transport = ScriptedTransport([[0x31, 0x32, 0x90, 0x00]])
        let events = EventLog()
        let channel = CardChannel(transport: transport, tracer: { events.append($0) })
        channel.redactsResponseData = true
        let response = try channel.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 2))
        XCTAssertEqual(response.data, [0x31, 0x32])
        XCTAssertEqual(events.all[0].responseData, ".. ..")
    }
}

final class EventLog: @unchecked Sendable {
    private var events: [APDUTraceEvent] = []
    private let lock = NSLock()
    func append(_ event: APDUTraceEvent) { lock.lock(); events.append(event); lock.unlock() }
    var all: [APDUTraceEvent] { lock.lock(); defer { lock.unlock() }; return events }
}
