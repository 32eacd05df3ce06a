//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation
public import Logging
public import PostgresNIO

/// The shared store: one PostgreSQL database behind any number of service instances.
///
/// Consuming a challenge is `UPDATE … WHERE id = $1 AND used_at IS NULL AND expires_at > $now RETURNING challenge`:
/// PostgreSQL locks the row for the first writer, and a concurrent writer re-checks the `WHERE` after the first
/// commits, finds `used_at` set and updates nothing. So among concurrent replays of one challenge, on any instances,
/// exactly one gets the bytes back.
///
/// The client's connection pool must run: ``run()`` belongs in the service group next to the HTTP server (or in a
/// task of its own for a one-off command such as `key add`).
public final class PostgresServiceStore: ServiceStore {
    public let kind = "postgres"
    /// The connection pool.
    public let client: PostgresClient
    private let logger: Logger

    /// Creates a store on `location`; nothing connects until ``run()`` runs and a statement is sent.
    ///
    /// - Parameters:
    ///   - maximumConnections: the pool's size per instance.
    public init(location: PostgresLocation, maximumConnections: Int = 20, logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: .disable)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 1
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs the connection pool until the task is cancelled.
    public func run() async {
        await client.run()
    }

    public func migrate() async throws {
        // Instances starting together must not race on CREATE TABLE IF NOT EXISTS (it can fail on pg_type's unique
        // index): one migration at a time, under a transaction-scoped advisory lock.
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7361726)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS mynakit_challenges (
                    id TEXT PRIMARY KEY, challenge TEXT NOT NULL, client TEXT NOT NULL,
                    expires_at BIGINT NOT NULL, used_at BIGINT)
                """, logger: logger)
            try await connection.query(
                "CREATE INDEX IF NOT EXISTS mynakit_challenges_expires_at ON mynakit_challenges (expires_at)",
                logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS mynakit_api_keys (
                    name TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL)
                """, logger: logger)
        }
    }

    public func insert(_ challenge: StoredChallenge) async throws {
        let text = StoreCoding.text(challenge.bytes)
        let expires = StoreCoding.milliseconds(challenge.expiresAt)
        try await client.query(
            """
            INSERT INTO mynakit_challenges (id, challenge, client, expires_at)
            VALUES (\(challenge.id), \(text), \(challenge.client), \(expires))
            """, logger: logger)
    }

    public func consume(id: String, client name: String, at now: Date) async throws -> ConsumeOutcome {
        let time = StoreCoding.milliseconds(now)
        let consumed = try await client.query(
            """
            UPDATE mynakit_challenges SET used_at = \(time)
            WHERE id = \(id) AND client = \(name) AND used_at IS NULL AND expires_at > \(time)
            RETURNING challenge
            """, logger: logger)
        for try await text in consumed.decode(String.self) {
            guard let bytes = StoreCoding.bytes(text: text) else {
                throw ServiceStoreError.corruptRow("challenge \(id) is not base64")
            }
            return .consumed(bytes)
        }
        let rows = try await client.query(
            "SELECT used_at FROM mynakit_challenges WHERE id = \(id) AND client = \(name)", logger: logger)
        for try await usedAt in rows.decode(Int64?.self) {
            return usedAt == nil ? .expired : .alreadyUsed
        }
        return .unknown
    }

    @discardableResult
    public func purgeExpired(before now: Date) async throws -> Int {
        let time = StoreCoding.milliseconds(now)
        let rows = try await client.query(
            """
            WITH purged AS (DELETE FROM mynakit_challenges WHERE expires_at <= \(time) RETURNING 1)
            SELECT count(*) FROM purged
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    public func addKey(name: String, hash: String, createdAt: Date) async throws {
        let created = StoreCoding.milliseconds(createdAt)
        let rows = try await client.query(
            """
            INSERT INTO mynakit_api_keys (name, key_hash, created_at) VALUES (\(name), \(hash), \(created))
            ON CONFLICT DO NOTHING RETURNING name
            """, logger: logger)
        for try await _ in rows.decode(String.self) { return }
        throw ServiceStoreError.duplicateKeyName(name)
    }

    public func keyName(forHash hash: String) async throws -> String? {
        let rows = try await client.query(
            "SELECT name FROM mynakit_api_keys WHERE key_hash = \(hash)", logger: logger)
        for try await name in rows.decode(String.self) { return name }
        return nil
    }

    public func listKeys() async throws -> [APIKeyRecord] {
        let rows = try await client.query(
            "SELECT name, created_at FROM mynakit_api_keys ORDER BY name", logger: logger)
        var keys: [APIKeyRecord] = []
        for try await (name, created) in rows.decode((String, Int64).self) {
            keys.append(APIKeyRecord(name: name, createdAt: StoreCoding.date(milliseconds: created)))
        }
        return keys
    }

    @discardableResult
    public func removeKey(name: String) async throws -> Bool {
        let rows = try await client.query(
            "DELETE FROM mynakit_api_keys WHERE name = \(name) RETURNING name", logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    public func ping() async throws {
        try await client.query("SELECT 1", logger: logger)
    }

    public func close() async throws {}
}
