//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// An ISO 7816-4 command APDU.
///
/// The encoding is chosen from the data length (Nc) and the expected response length (Ne): short when Nc <= 255 and
/// Ne <= 256, extended otherwise (or when ``forceExtended`` is set).
///
/// ```
/// case  | short                       | extended
/// ------+-----------------------------+----------------------------------------
///  1    | CLA INS P1 P2               |
///  2    | CLA INS P1 P2 Le            | CLA INS P1 P2 00 Le1 Le2
///  3    | CLA INS P1 P2 Lc Data       | CLA INS P1 P2 00 Lc1 Lc2 Data
///  4    | CLA INS P1 P2 Lc Data Le    | CLA INS P1 P2 00 Lc1 Lc2 Data Le1 Le2
/// ```
/// A short Le of `00` means 256; an extended Le of `00 00` means 65536.
public struct CommandAPDU: Hashable, Sendable {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    /// The command data field (Nc bytes, at most 65535).
    public private(set) var data: [UInt8]
    /// The maximum number of response data bytes expected (Ne): `nil` when no response data is expected, else
    /// 1...65536.
    public private(set) var expectedLength: Int?
    /// Encode with extended length fields even when short ones would do.
    public private(set) var forceExtended: Bool

    /// The four ISO 7816-3 command cases.
    public enum Case: String, Sendable {
        case case1 = "1"
        case case2 = "2"
        case case3 = "3"
        case case4 = "4"
    }

    /// Creates a command.
    ///
    /// - Throws: ``CardError`` `.invalidCommand` when the data is longer than 65535 bytes or the expected length is
    ///   outside 1...65536.
    public init(
        cla: UInt8 = 0x00,
        ins: UInt8,
        p1: UInt8,
        p2: UInt8,
        data: [UInt8] = [],
        expectedLength: Int? = nil,
        forceExtended: Bool = false
    ) throws {
        guard data.count <= 65535 else {
            throw CardError(.invalidCommand, "command data of \(data.count) bytes exceeds 65535")
        }
        if let ne = expectedLength, !(1...65536).contains(ne) {
            throw CardError(.invalidCommand, "expected length \(ne) is outside 1...65536")
        }
        self.init(
            uncheckedCLA: cla, ins: ins, p1: p1, p2: p2, data: data, expectedLength: expectedLength,
            forceExtended: forceExtended)
    }

    /// Creates a command whose fields the caller has already checked (the named constructors with fixed lengths).
    init(
        uncheckedCLA cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], expectedLength: Int? = nil,
        forceExtended: Bool = false
    ) {
        assert(data.count <= 65535 && (expectedLength.map { (1...65536).contains($0) } ?? true))
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.expectedLength = expectedLength
        self.forceExtended = forceExtended
    }

    /// The command case.
    public var commandCase: Case {
        switch (data.isEmpty, expectedLength == nil) {
        case (true, true): return .case1
        case (true, false): return .case2
        case (false, true): return .case3
        case (false, false): return .case4
        }
    }

    /// Whether the encoding uses extended length fields.
    public var isExtended: Bool {
        forceExtended || data.count > 255 || (expectedLength ?? 0) > 256
    }

    /// Whether the instruction carries a PIN in its data field: VERIFY, CHANGE REFERENCE DATA (two forms) or RESET
    /// RETRY COUNTER. Such data is never traced, and such a command is never sent twice on its own.
    public var isPINCommand: Bool { Self.isPINInstruction(ins) }

    static func isPINInstruction(_ ins: UInt8) -> Bool { Kind.pinInstructions.contains(ins) }

    /// The same command asking for a different number of response bytes (used on `6C xx`).
    public func withExpectedLength(_ ne: Int?) throws -> CommandAPDU {
        try CommandAPDU(cla: cla, ins: ins, p1: p1, p2: p2, data: data, expectedLength: ne, forceExtended: forceExtended)
    }

    /// The encoded command.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4 + 3 + data.count + 3)
        out.append(cla)
        out.append(ins)
        out.append(p1)
        out.append(p2)
        let extended = isExtended
        if !data.isEmpty {
            if extended {
                out.append(0x00)
                out.append(UInt8(truncatingIfNeeded: data.count >> 8))
                out.append(UInt8(truncatingIfNeeded: data.count))
            } else {
                out.append(UInt8(data.count))
            }
            out.append(contentsOf: data)
        }
        if let ne = expectedLength {
            if extended {
                // Case 2E carries a leading 00 before Le; case 4E does not (Lc already started with 00).
                if data.isEmpty { out.append(0x00) }
                out.append(UInt8(truncatingIfNeeded: ne >> 8))  // 65536 encodes as 00 00
                out.append(UInt8(truncatingIfNeeded: ne))
            } else {
                out.append(UInt8(truncatingIfNeeded: ne))  // 256 encodes as 00
            }
        }
        return out
    }

    /// Decodes an encoded command, validating every length field.
    ///
    /// - Throws: ``CardError`` `.invalidCommand` naming what is wrong.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 4 else {
            throw CardError(.invalidCommand, "a command APDU needs at least 4 bytes, got \(bytes.count)")
        }
        let header = (bytes[0], bytes[1], bytes[2], bytes[3])
        let body = bytes[4...]
        var data: [UInt8] = []
        var ne: Int? = nil
        var extended = false
        if body.isEmpty {
            // case 1
        } else if body.count == 1 {
            ne = body.first! == 0 ? 256 : Int(body.first!)  // case 2S
        } else if body.first! != 0 || body.count < 3 {
            // short Lc (case 3S / 4S)
            let lc = Int(body.first!)
            guard lc > 0 else { throw CardError(.invalidCommand, "short Lc of 0") }
            let rest = body.count - 1
            if rest == lc {
                data = Array(body.dropFirst())
            } else if rest == lc + 1 {
                data = Array(body.dropFirst().prefix(lc))
                let le = body.last!
                ne = le == 0 ? 256 : Int(le)
            } else {
                throw CardError(.invalidCommand, "short Lc \(lc) does not match the \(rest) bytes that follow")
            }
        } else {
            extended = true
            let start = body.startIndex
            let length = Int(body[start + 1]) << 8 | Int(body[start + 2])
            if body.count == 3 {
                ne = length == 0 ? 65536 : length  // case 2E
            } else {
                guard length > 0 else { throw CardError(.invalidCommand, "extended Lc of 0") }
                let rest = body.count - 3
                if rest == length {
                    data = Array(body[(start + 3)...])
                } else if rest == length + 2 {
                    data = Array(body[(start + 3)..<(start + 3 + length)])
                    let le = Int(body[body.endIndex - 2]) << 8 | Int(body[body.endIndex - 1])
                    ne = le == 0 ? 65536 : le
                } else {
                    throw CardError(.invalidCommand, "extended Lc \(length) does not match the \(rest) bytes that follow")
                }
            }
        }
        try self.init(
            cla: header.0, ins: header.1, p1: header.2, p2: header.3, data: data, expectedLength: ne,
            forceExtended: extended
        )
    }
}

extension CommandAPDU: CustomStringConvertible {
    public var description: String { Hex.encode(bytes, separator: " ") }
}
