//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Logging
import Synchronization

/// At most `maximumConnections` libpq connections, each with its own serial queue, opened when first needed and
/// reused; a caller finding them all busy waits (suspended, no thread held) for the next one to come back.
///
/// A new connection prepares every statement of ``PostgresStatement`` once; a connection that broke (the server
/// restarted) is closed when it comes back and replaced on the next demand.
final class PostgresConnectionPool: Sendable {
    /// One pooled connection and the queue it runs on.
    final class Member: Sendable {
        let queue: StoreQueue<PostgresConnection>
        init(queue: StoreQueue<PostgresConnection>) { self.queue = queue }
    }

    private struct State {
        var idle: [Member] = []
        var open = 0
        var waiters: [CheckedContinuation<Wake, Never>] = []
        var closed = false
    }

    let location: PostgresLocation
    let maximumConnections: Int
    /// The connect timeout, in seconds.
    let connectTimeout: Int
    private let state = Mutex(State())
    private let logger: Logger

    init(location: PostgresLocation, maximumConnections: Int, connectTimeout: Int, logger: Logger) {
        self.location = location
        self.maximumConnections = max(1, maximumConnections)
        self.connectTimeout = connectTimeout
        self.logger = logger
    }

    /// Runs `body` with a connection on that connection's queue.
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let member = try await lease()
        do {
            let value = try await member.queue.run(body)
            release(member, healthy: true)
            return value
        } catch {
            let healthy = (try? await member.queue.run { $0.isHealthy }) ?? false
            release(member, healthy: healthy)
            throw error
        }
    }

    /// Closes idle connections and refuses new leases; connections in use close when they come back.
    func close() {
        let waiters = state.withLock { state in
            state.closed = true
            state.open -= state.idle.count
            state.idle.removeAll()
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: .closed) }
    }

    /// What a waiting caller is woken with.
    private enum Wake {
        /// A connection handed over by the caller that released it.
        case member(Member)
        /// A connection broke and was closed: try again (there is room to open one now).
        case retry
        case closed
    }

    private enum Lease {
        case member(Member)
        case connect
        case wait
        case closed
    }

    private func lease() async throws -> Member {
        let decision: Lease = state.withLock { state in
            if state.closed { return .closed }
            if let member = state.idle.popLast() { return .member(member) }
            if state.open < maximumConnections {
                state.open += 1
                return .connect
            }
            return .wait
        }
        switch decision {
        case .member(let member):
            return member
        case .closed:
            throw PostgresError(message: "the store is closed")
        case .connect:
            do {
                return try await connect()
            } catch {
                state.withLock { $0.open -= 1 }
                throw error
            }
        case .wait:
            let wake: Wake = await withCheckedContinuation { continuation in
                let ready: Wake? = state.withLock { state in
                    if state.closed { return .closed }
                    if let member = state.idle.popLast() { return .member(member) }
                    state.waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
            switch wake {
            case .member(let member): return member
            case .retry: return try await lease()
            case .closed: throw PostgresError(message: "the store is closed")
            }
        }
    }

    /// Opens and prepares a connection on a queue of its own (libpq connects blocking).
    private func connect() async throws -> Member {
        let location = location
        let timeout = connectTimeout
        let opened = try await runOffPool {
            let connection = try PostgresConnection(location: location, timeout: timeout)
            for statement in PostgresStatement.allCases {
                try connection.prepare(
                    name: statement.name, sql: statement.sql, parameterCount: statement.parameterCount)
            }
            return UncheckedConnection(connection)
        }
        let connection = opened.connection
        logger.debug("PostgreSQL connection opened", metadata: ["store": "\(location)"])
        return Member(queue: StoreQueue(label: "mynakit-server.postgres", connection: connection))
    }

    private func release(_ member: Member, healthy: Bool) {
        let (waiter, wake): (CheckedContinuation<Wake, Never>?, Wake) = state.withLock { state in
            guard healthy, !state.closed else {
                state.open -= 1
                // A caller waiting for a connection may open the one this frees.
                return (state.waiters.isEmpty ? nil : state.waiters.removeFirst(), .retry)
            }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst(), .member(member)) }
            state.idle.append(member)
            return (nil, .retry)
        }
        if !healthy { logger.warning("PostgreSQL connection lost; it will be reopened on demand") }
        waiter?.resume(returning: wake)
    }
}

/// Carries a connection that was just made, and that nothing else references, to the queue that will own it.
private struct UncheckedConnection: @unchecked Sendable {
    let connection: PostgresConnection
    init(_ connection: PostgresConnection) { self.connection = connection }
}
