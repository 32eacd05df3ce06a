//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import SmartCard
import TestSupport
import XCTest

final class CardChannelLoggingTests: XCTestCase {
    func testNothingIsLoggedByDefault() throws {
        let channel = CardChannel(transport: ScriptedTransport([[0x90, 0x00]]))
        XCTAssertEqual(channel.logger.logLevel, .critical, "the default logger drops every diagnostic level")
        _ = try channel.transmit(.verifyStatus(reference: 0x80))
    }

    func testEachExchangeIsLoggedAtTraceWithThePINRedacted() throws {
        let transport = ScriptedTransport([[0x63, 0xC2], [0x90, 0x00], [0x31, 0x32, 0x90, 0x00]])
        let (logger, log) = CapturingLogHandler.logger(level: .trace)
        let channel = CardChannel(transport: transport, logger: logger)
        _ = try channel.transmit(.verify(reference: 0x80, pin: Array("1234".utf8)))
        _ = try channel.transmit(.selectEF(0x0018))
        channel.redactsResponseData = true
        _ = try channel.transmit(.readBinary(offset: 0, expectedLength: 2))
        let lines = log.messages(at: .trace)
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[0].hasPrefix("#1 00 20 00 80 ** -> 63 C2"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("#2 00 A4 02 0C 02 00 18 -> 90 00"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("#3 00 B0 00 00 02 -> 2 bytes 90 00"), lines[2])
        for line in log.all {
            XCTAssertFalse(line.contains("31 32"), "PIN or sensitive data in the log: \(line)")
        }
    }

    func testTraceLevelAndTracerSeeTheSameExchanges() throws {
        let transport = ScriptedTransport([[0x01, 0x61, 0x01], [0x02, 0x90, 0x00]])
        let (logger, log) = CapturingLogHandler.logger(level: .trace)
        let events = EventLog()
        let channel = CardChannel(transport: transport, tracer: { events.append($0) }, logger: logger)
        _ = try channel.transmit(.readBinary(offset: 0, expectedLength: 2))
        XCTAssertEqual(log.messages(at: .trace), events.all.map(\.line))
    }

    func testResponseHandlingDecisionsAreLoggedAtDebug() throws {
        let transport = ScriptedTransport([[0x6C, 0x05], [0x01, 0x61, 0x02], [0x02, 0x03, 0x90, 0x00], [0x6C, 0x04]])
        let (logger, log) = CapturingLogHandler.logger(level: .debug)
        let channel = CardChannel(transport: transport, logger: logger)
        _ = try channel.transmit(.readBinary(offset: 0, expectedLength: 256))
        _ = try channel.transmit(.verify(reference: 0x80, pin: Array("1234".utf8)))
        let lines = log.messages(at: .debug)
        XCTAssertEqual(lines.count, 4, "\(lines)")
        XCTAssertTrue(lines[0].contains("resending once with Le = 5"), lines[0])
        XCTAssertTrue(lines[1].contains("GET RESPONSE"), lines[1])
        XCTAssertTrue(lines[2].contains("collected 3 response bytes with 1 GET RESPONSE"), lines[2])
        XCTAssertTrue(lines[3].contains("not resent"), lines[3])
        XCTAssertTrue(log.messages(at: .trace).isEmpty, "exchanges are logged at trace only")
        XCTAssertEqual(transport.sent.count, 4)
    }
}
