//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch

/// A serial queue that owns one database connection: every blocking libsqlite3 or libpq call runs on it, never on
/// Swift's cooperative pool, while the async caller suspends (the way SmartCard's `CardConnection` runs pcsc-lite).
///
/// The connection is handed to `body` only on the queue, so it is never used by two threads at once.
final class StoreQueue<Connection: AnyObject>: @unchecked Sendable {
    private let queue: DispatchQueue
    private let connection: Connection

    /// `connection` must not be used anywhere else from now on.
    init(label: String, connection: Connection) {
        self.queue = DispatchQueue(label: label)
        self.connection = connection
    }

    /// Runs `body` with the connection on the queue and suspends the caller, without blocking a thread, until it
    /// returns.
    func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(self.connection) }) }
        }
    }

    /// Runs `body` with the connection on the queue and blocks the calling thread until it returns (start-up and
    /// shut-down only).
    func runBlocking<T>(_ body: (Connection) throws -> T) rethrows -> T {
        try queue.sync { try body(connection) }
    }
}

/// Runs one blocking call (opening a connection) on a global queue and suspends the caller until it returns.
func runOffPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
