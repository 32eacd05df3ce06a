//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
public import Logging

/// Keeps every message logged through it, for assertions on what a library logs (and never logs: PINs, My Numbers).
public final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    // @unchecked: `records` is guarded by `lock`; the other properties are set before logging starts.
    private let lock = NSLock()
    private var records: [(level: Logger.Level, message: String)] = []
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level

    public init(level: Logger.Level) { self.logLevel = level }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        lock.lock()
        records.append((event.level, "\(event.message)"))
        lock.unlock()
    }

    /// The messages logged at exactly `level`, oldest first.
    public func messages(at level: Logger.Level) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return records.filter { $0.level == level }.map(\.message)
    }

    /// Every message logged, oldest first.
    public var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return records.map(\.message)
    }

    /// A logger writing to a new handler at `level`, and the handler.
    public static func logger(level: Logger.Level) -> (Logger, CapturingLogHandler) {
        let handler = CapturingLogHandler(level: level)
        return (Logger(label: "test", factory: { _ in handler }), handler)
    }
}
