//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CPCSC
@testable import SmartCard
import XCTest

/// The PC/SC constants that Swift spells as literals, checked against pcsclite.h.
final class PCSCConstantsTests: XCTestCase {
    /// An enum's raw values must be literals, so `Disposition` cannot take them from the header.
    func testDispositionsMatchTheHeader() {
        XCTAssertEqual(Int(CardConnection.Disposition.leave.rawValue), Int(SCARD_LEAVE_CARD))
        XCTAssertEqual(Int(CardConnection.Disposition.reset.rawValue), Int(SCARD_RESET_CARD))
        XCTAssertEqual(Int(CardConnection.Disposition.unpower.rawValue), Int(SCARD_UNPOWER_CARD))
        XCTAssertEqual(Int(CardConnection.Disposition.eject.rawValue), Int(SCARD_EJECT_CARD))
    }

    /// pcsc-lite keeps the event counter in the upper 16 bits of the event state and the flags in the lower ones.
    func testReaderStateSplitsFlagsAndEventCounter() {
        let slot = ReaderStateSlot(
            reader: "Reader 0", currentState: 0,
            eventState: 0x0003_0000 | UInt32(SCARD_STATE_PRESENT | SCARD_STATE_INUSE), atr: [0x3B, 0x00])
        let state = ReaderState(slot: slot)
        XCTAssertEqual(state.flags, [.present, .inUse])
        XCTAssertEqual(state.eventCount, 3)
        XCTAssertEqual(state.atr, [0x3B, 0x00])
        XCTAssertTrue(state.isCardPresent)
        XCTAssertEqual(state.flags.phrases, ["Card inserted", "Shared Mode"])

        // Without a card, whatever is left in the ATR buffer is not reported.
        let empty = ReaderState(slot: ReaderStateSlot(
            reader: "Reader 0", currentState: 0, eventState: UInt32(SCARD_STATE_EMPTY), atr: [0x3B, 0x00]))
        XCTAssertEqual(empty.atr, [])
        XCTAssertFalse(empty.isCardPresent)
    }
}
