//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation
public import Logging

/// The shared store: one PostgreSQL database (through the system's libpq) behind any number of service instances.
///
/// Consuming a challenge is `UPDATE … WHERE id = $2 AND used_at IS NULL AND expires_at > $1 RETURNING challenge`
/// (``StoreSQL/consume(prefix:)``): PostgreSQL locks the row for the first writer, and a concurrent writer re-checks
/// the `WHERE` after the first commits, finds `used_at` set and updates nothing. So among concurrent replays of one
/// challenge, on any instances, exactly one gets the bytes back.
///
/// Statements are prepared once per connection; connections come from a bounded pool
/// (``PostgresConnectionPool``), each used on a serial queue of its own.
public final class PostgresServiceStore: ServiceStore {
    public let kind = "postgres"
    private let pool: PostgresConnectionPool
    private let location: PostgresLocation

    /// Creates a store on `location`; nothing connects until a statement is sent.
    ///
    /// - Parameters:
    ///   - maximumConnections: the pool's size per instance.
    ///   - connectTimeout: how long one connection attempt may take, in seconds (libpq counts at least 2).
    public init(
        location: PostgresLocation, maximumConnections: Int = 8, connectTimeout: Int = 10, logger: Logger
    ) {
        self.location = location
        self.pool = PostgresConnectionPool(
            location: location, maximumConnections: maximumConnections, connectTimeout: connectTimeout,
            logger: logger)
    }

    /// Creates the tables. Instances starting together must not race on `CREATE TABLE IF NOT EXISTS` (it can fail
    /// on pg_type's unique index): one migration at a time, under a transaction-scoped advisory lock. Runs on a
    /// connection of its own, before the pool's connections prepare statements against the tables.
    public func migrate() async throws {
        let location = location
        let timeout = pool.connectTimeout
        try await runOffPool {
            let connection = try PostgresConnection(location: location, timeout: timeout)
            let statements = ["SELECT pg_advisory_xact_lock(7361726)"] + StoreSQL.schema(integer: "BIGINT")
            try connection.execute(statements.joined(separator: ";\n"))
        }
    }

    public func insert(_ challenge: StoredChallenge) async throws {
        let parameters = [
            challenge.id, StoreCoding.text(challenge.bytes), challenge.client,
            String(StoreCoding.milliseconds(challenge.expiresAt)),
        ]
        try await run(.insert, parameters)
    }

    public func consume(id: String, client: String, at now: Date) async throws -> ConsumeOutcome {
        let time = String(StoreCoding.milliseconds(now))
        return try await pool.run { connection in
            let consumed = try connection.executePrepared(
                name: PostgresStatement.consume.name, parameters: [time, id, client])
            if consumed.rowCount > 0 {
                guard let text = consumed.text(row: 0, column: 0), let bytes = StoreCoding.bytes(text: text) else {
                    throw ServiceStoreError.corruptRow("challenge \(id) is not base64")
                }
                return .consumed(bytes)
            }
            let found = try connection.executePrepared(name: PostgresStatement.lookup.name, parameters: [id, client])
            guard found.rowCount > 0 else { return .unknown }
            return found.text(row: 0, column: 0) == nil ? .expired : .alreadyUsed
        }
    }

    @discardableResult
    public func purgeExpired(before now: Date) async throws -> Int {
        try await pool.run { connection in
            try connection.executePrepared(
                name: PostgresStatement.purge.name, parameters: [String(StoreCoding.milliseconds(now))]
            ).affectedRows
        }
    }

    public func addKey(name: String, hash: String, createdAt: Date) async throws {
        let rows = try await run(.addKey, [name, hash, String(StoreCoding.milliseconds(createdAt))])
        if rows.isEmpty { throw ServiceStoreError.duplicateKeyName(name) }
    }

    public func keyName(forHash hash: String) async throws -> String? {
        try await run(.keyName, [hash]).first?.first ?? nil
    }

    public func listKeys() async throws -> [APIKeyRecord] {
        try await run(.listKeys, []).map { row in
            guard let name = row[0], let created = row[1].flatMap({ Int64($0) }) else {
                throw ServiceStoreError.corruptRow("an API key without name or creation time")
            }
            return APIKeyRecord(name: name, createdAt: StoreCoding.date(milliseconds: created))
        }
    }

    @discardableResult
    public func removeKey(name: String) async throws -> Bool {
        try await !run(.removeKey, [name]).isEmpty
    }

    public func ping() async throws {
        try await run(.ping, [])
    }

    public func close() async throws {
        pool.close()
    }

    /// Runs `statement` and returns its rows as text.
    @discardableResult
    private func run(_ statement: PostgresStatement, _ parameters: [String]) async throws -> [[String?]] {
        try await pool.run { connection in
            let result = try connection.executePrepared(name: statement.name, parameters: parameters)
            return (0..<result.rowCount).map { row in
                (0..<statement.columnCount).map { result.text(row: row, column: $0) }
            }
        }
    }
}

/// Every statement the store runs, prepared once on each pooled connection.
enum PostgresStatement: String, CaseIterable {
    case insert, consume, lookup, purge, addKey, keyName, listKeys, removeKey, ping

    var name: String { "mynakit_\(rawValue)" }

    var sql: String {
        switch self {
        case .insert:
            return "INSERT INTO mynakit_challenges (id, challenge, client, expires_at) VALUES ($1, $2, $3, $4)"
        case .consume:
            return StoreSQL.consume(prefix: "$")
        case .lookup:
            return "SELECT used_at FROM mynakit_challenges WHERE id = $1 AND client = $2"
        case .purge:
            return "DELETE FROM mynakit_challenges WHERE expires_at <= $1"
        case .addKey:
            return """
                INSERT INTO mynakit_api_keys (name, key_hash, created_at) VALUES ($1, $2, $3)
                ON CONFLICT DO NOTHING RETURNING name
                """
        case .keyName:
            return "SELECT name FROM mynakit_api_keys WHERE key_hash = $1"
        case .listKeys:
            return "SELECT name, created_at FROM mynakit_api_keys ORDER BY name"
        case .removeKey:
            return "DELETE FROM mynakit_api_keys WHERE name = $1 RETURNING name"
        case .ping:
            return "SELECT 1"
        }
    }

    var parameterCount: Int32 {
        switch self {
        case .insert: return 4
        case .consume, .addKey: return 3
        case .lookup: return 2
        case .purge, .keyName, .removeKey: return 1
        case .listKeys, .ping: return 0
        }
    }

    var columnCount: Int {
        switch self {
        case .listKeys: return 2
        case .consume, .lookup, .addKey, .keyName, .removeKey, .ping: return 1
        case .insert, .purge: return 0
        }
    }
}
