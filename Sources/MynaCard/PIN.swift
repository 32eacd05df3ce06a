//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif

/// A PIN held in memory only as long as needed.
///
/// The format is checked on creation (``PINKind/isValidFormat(_:)``: 4 digits; the signing password 6-16 of A-Z and
/// 0-9, lower case upper-cased), so a malformed PIN never reaches the card. The bytes are overwritten with zeros by
/// ``wipe()`` and when the value is released; the PIN is never printed (its description is `PIN(<redacted>)`).
public final class PIN: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    // @unchecked: the storage is written only by init and wipe(); callers hand a PIN to one flow at a time.
    public let kind: PINKind
    private var storage: [UInt8]

    /// Takes the PIN from `bytes` (for example a line read from standard input) and wipes `bytes`.
    ///
    /// - Throws: ``MynaCardError`` `.invalidPINFormat` naming the rule, without echoing the PIN.
    public init(kind: PINKind, consuming bytes: inout [UInt8]) throws {
        defer { Self.zero(&bytes) }
        var value = bytes
        // Drop a trailing newline from line-oriented input.
        while let last = value.last, last == 0x0A || last == 0x0D {
            value[value.count - 1] = 0
            value.removeLast()
        }
        self.kind = kind
        if kind == .signing {
            // Lower-case letters are sent as upper case: the signing password allows only A-Z.
            for i in value.indices where (0x61...0x7A).contains(value[i]) { value[i] -= 0x20 }
        }
        guard kind.isValidFormat(value) else {
            Self.zero(&value)
            let subject = kind == .signing ? "signing password" : kind.displayName
            throw MynaCardError(.invalidPINFormat, "the \(subject) must be \(kind.formatRule)")
        }
        storage = value
        Self.zero(&value)
    }

    /// A PIN from text (tests and GUIs). Prefer ``init(kind:consuming:)``: Swift strings cannot be wiped.
    public convenience init(kind: PINKind, _ text: String) throws {
        var bytes = Array(text.utf8)
        try self.init(kind: kind, consuming: &bytes)
    }

    deinit { Self.zero(&storage) }

    /// Overwrites the PIN with zeros; afterwards it is empty.
    public func wipe() {
        Self.zero(&storage)
        storage = []
    }

    /// Whether ``wipe()`` was called.
    public var isWiped: Bool { storage.isEmpty }

    /// Runs `body` with the PIN's bytes (ASCII, no padding), for building the VERIFY command.
    func withBytes<R>(_ body: ([UInt8]) throws -> R) rethrows -> R {
        try body(storage)
    }

    public var description: String { "PIN(<redacted>)" }
    public var debugDescription: String { "PIN(\(kind.rawValue), <redacted>)" }

    /// Zeroes a buffer in a way the optimizer cannot drop (the write goes through an opaque C call).
    static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return }
            explicit_bzero(base, raw.count)
        }
    }
}
