//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// An error of the simulator's host side: a bad configuration, a PKI that cannot be made or loaded, or a transport
/// whose card was removed. (The card itself never throws; it answers with status words.)
public struct SimulatorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// A ``SimulatorConfiguration`` value is out of range (a PIN of the wrong form, a bad My Number, ...).
        public static let invalidConfiguration = Code(rawValue: "invalidConfiguration")
        /// An OpenSSL call failed while making or using the test PKI.
        public static let openSSL = Code(rawValue: "openSSL")
        /// A PKI directory is incomplete or holds something else.
        public static let invalidPKI = Code(rawValue: "invalidPKI")
        /// Reading or writing files failed.
        public static let fileSystem = Code(rawValue: "fileSystem")
        /// ``InMemoryTransport/remove()`` was called: the card is gone.
        public static let cardRemoved = Code(rawValue: "cardRemoved")
        /// The simulated reader cannot carry the APDU (an extended APDU through a short-only reader, or more data
        /// than its `maxAPDUDataSize`).
        public static let readerCannotCarryAPDU = Code(rawValue: "readerCannotCarryAPDU")

        public var description: String { rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SimulatorError.\(code): \(message)" }
}
