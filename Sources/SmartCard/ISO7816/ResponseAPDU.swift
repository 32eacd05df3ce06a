//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// An ISO 7816-4 response APDU: a data field and a status word.
public struct ResponseAPDU: Hashable, Sendable {
    public var data: [UInt8]
    public var statusWord: StatusWord

    public init(data: [UInt8] = [], statusWord: StatusWord) {
        self.data = data
        self.statusWord = statusWord
    }

    /// Splits raw response bytes into data and status word.
    ///
    /// - Throws: ``CardError`` `.malformedResponse` when fewer than two bytes arrived (vpcd returns zero bytes as
    ///   success when the card vanished mid-exchange).
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 2 else {
            throw CardError(.malformedResponse, "response of \(bytes.count) byte(s), a status word needs 2")
        }
        self.data = Array(bytes[..<(bytes.count - 2)])
        self.statusWord = StatusWord(sw1: bytes[bytes.count - 2], sw2: bytes[bytes.count - 1])
    }

    /// The encoded response.
    public var bytes: [UInt8] { data + [statusWord.sw1, statusWord.sw2] }

    /// Returns the data when the status word is `90 00`.
    ///
    /// - Throws: ``CardError`` `.unexpectedStatus` otherwise.
    @discardableResult
    public func requireSuccess(_ what: @autoclosure () -> String) throws -> [UInt8] {
        guard statusWord.isSuccess else {
            throw CardError(.unexpectedStatus, "\(what()) answered \(statusWord)", statusWord: statusWord)
        }
        return data
    }
}
