//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation
public import Logging
import SQLiteNIO

/// The embedded store: one SQLite file, no set-up, for a single node.
///
/// Statements run on SQLiteNIO's thread pool, never on the cooperative pool. The file is opened in WAL mode with a
/// busy timeout, so a second process on the same file (`mynakit-server key add` while the service runs) waits for
/// the lock instead of failing; consuming a challenge is still one `UPDATE … RETURNING`, atomic in SQLite as it is
/// in PostgreSQL.
public final class SQLiteServiceStore: ServiceStore {
    public let kind = "sqlite"
    private let connection: SQLiteConnection

    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Opens (creating when missing) the database at `path` and creates the tables; `":memory:"` for a private,
    /// in-memory database.
    public static func open(path: String, logger: Logger = Logger(label: "mynakit-server.sqlite")) async throws
        -> SQLiteServiceStore
    {
        let storage: SQLiteConnection.Storage = path == ":memory:" ? .memory : .file(path: path)
        let connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        let store = SQLiteServiceStore(connection: connection)
        if path != ":memory:" {
            _ = try await connection.query("PRAGMA journal_mode = WAL")
            // In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the process crashing,
            // and only an operating-system crash or power loss can lose the last ones (a challenge issued or
            // consumed in the last moments; Docs/VerificationService.md).
            _ = try await connection.query("PRAGMA synchronous = NORMAL")
        }
        _ = try await connection.query("PRAGMA busy_timeout = 5000")
        try await store.migrate()
        return store
    }

    public func migrate() async throws {
        for statement in [
            """
            CREATE TABLE IF NOT EXISTS mynakit_challenges (
                id TEXT PRIMARY KEY, challenge TEXT NOT NULL, client TEXT NOT NULL,
                expires_at INTEGER NOT NULL, used_at INTEGER)
            """,
            "CREATE INDEX IF NOT EXISTS mynakit_challenges_expires_at ON mynakit_challenges (expires_at)",
            """
            CREATE TABLE IF NOT EXISTS mynakit_api_keys (
                name TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL)
            """,
        ] {
            _ = try await connection.query(statement)
        }
    }

    public func insert(_ challenge: StoredChallenge) async throws {
        _ = try await connection.query(
            "INSERT INTO mynakit_challenges (id, challenge, client, expires_at) VALUES (?, ?, ?, ?)",
            [
                .text(challenge.id), .text(StoreCoding.text(challenge.bytes)), .text(challenge.client),
                .integer(Int(StoreCoding.milliseconds(challenge.expiresAt))),
            ]
        )
    }

    public func consume(id: String, client: String, at now: Date) async throws -> ConsumeOutcome {
        let time = StoreCoding.milliseconds(now)
        let consumed = try await connection.query(
            """
            UPDATE mynakit_challenges SET used_at = ?1
            WHERE id = ?2 AND client = ?3 AND used_at IS NULL AND expires_at > ?1
            RETURNING challenge
            """,
            [.integer(Int(time)), .text(id), .text(client)]
        )
        if let row = consumed.first {
            guard let text = row.column("challenge")?.string, let bytes = StoreCoding.bytes(text: text) else {
                throw ServiceStoreError.corruptRow("challenge \(id) is not base64")
            }
            return .consumed(bytes)
        }
        let rows = try await connection.query(
            "SELECT used_at FROM mynakit_challenges WHERE id = ? AND client = ?", [.text(id), .text(client)])
        guard let row = rows.first else { return .unknown }
        return row.column("used_at")?.isNull == false ? .alreadyUsed : .expired
    }

    @discardableResult
    public func purgeExpired(before now: Date) async throws -> Int {
        let rows = try await connection.query(
            "DELETE FROM mynakit_challenges WHERE expires_at <= ? RETURNING id",
            [.integer(Int(StoreCoding.milliseconds(now)))]
        )
        return rows.count
    }

    public func addKey(name: String, hash: String, createdAt: Date) async throws {
        let rows = try await connection.query(
            """
            INSERT INTO mynakit_api_keys (name, key_hash, created_at) VALUES (?, ?, ?)
            ON CONFLICT DO NOTHING RETURNING name
            """,
            [.text(name), .text(hash), .integer(Int(StoreCoding.milliseconds(createdAt)))]
        )
        if rows.isEmpty { throw ServiceStoreError.duplicateKeyName(name) }
    }

    public func keyName(forHash hash: String) async throws -> String? {
        let rows = try await connection.query("SELECT name FROM mynakit_api_keys WHERE key_hash = ?", [.text(hash)])
        return rows.first?.column("name")?.string
    }

    public func listKeys() async throws -> [APIKeyRecord] {
        let rows = try await connection.query("SELECT name, created_at FROM mynakit_api_keys ORDER BY name")
        return try rows.map { row in
            guard let name = row.column("name")?.string, let created = row.column("created_at")?.integer else {
                throw ServiceStoreError.corruptRow("an API key without name or creation time")
            }
            return APIKeyRecord(name: name, createdAt: StoreCoding.date(milliseconds: Int64(created)))
        }
    }

    @discardableResult
    public func removeKey(name: String) async throws -> Bool {
        let rows = try await connection.query(
            "DELETE FROM mynakit_api_keys WHERE name = ? RETURNING name", [.text(name)])
        return !rows.isEmpty
    }

    public func ping() async throws {
        _ = try await connection.query("SELECT 1")
    }

    public func close() async throws {
        try await connection.close()
    }
}

/// How both stores write values: times as milliseconds since 1970 (UTC), challenge bytes as base64.
enum StoreCoding {
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    static func text(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    static func bytes(text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { [UInt8]($0) }
    }
}
