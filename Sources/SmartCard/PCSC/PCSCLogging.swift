//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import Logging

/// The loggers of the PC/SC layer.
///
/// ``PCSCContext``, ``CardConnection`` and ``ReaderEvents`` take an optional swift-log `Logger`, the way
/// AsyncHTTPClient takes a background-activity logger: they log what a technician needs to follow a session (pcscd
/// reconnects and context rebuilds, reader events, transactions, reconnects after a reset) at `debug` and `trace`
/// level, and never APDU data (``CardChannel`` traces exchanges, with PINs redacted). Without a logger they log
/// nothing.
enum PCSCLogging {
    /// Metadata key for the reader a message is about.
    static let readerKey = "pcsc.reader"
    /// Metadata key for the `SCARD_*` name of the error a message is about.
    static let errorKey = "pcsc.error"

    /// The logger used when the caller passes none: it drops every message before the message is even built.
    static let disabled = Logger(label: "mynakit.pcsc", factory: { _ in SwiftLogNoOpLogHandler() })

    /// `logger`, or ``disabled`` when there is none.
    static func logger(_ logger: Logger?) -> Logger {
        logger ?? disabled
    }
}
