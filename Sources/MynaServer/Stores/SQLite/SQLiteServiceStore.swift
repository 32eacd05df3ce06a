//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation
public import Logging

/// The embedded store: one SQLite file (the system's libsqlite3), no set-up, for a single node.
///
/// One connection, used on one serial queue (``StoreQueue``): statements never run on the cooperative pool, and each
/// is prepared once at start-up. The file is in WAL mode with a busy timeout, so a second process on the same file
/// (`mynakit-server key add` while the service runs) waits for the lock instead of failing. Consuming a challenge is
/// one `UPDATE … RETURNING`, atomic in SQLite as it is in PostgreSQL, and the one commit made with
/// `synchronous = FULL`; everything else commits with `NORMAL` (Docs/VerificationService.md, "Durability").
public final class SQLiteServiceStore: ServiceStore {
    public let kind = "sqlite"
    private let queue: StoreQueue<Session>

    /// The connection and its prepared statements.
    final class Session {
        let database: SQLiteDatabase
        let insert: SQLiteStatement
        let consume: SQLiteStatement
        let lookup: SQLiteStatement
        let purge: SQLiteStatement
        let addKey: SQLiteStatement
        let keyName: SQLiteStatement
        let listKeys: SQLiteStatement
        let removeKey: SQLiteStatement
        let ping: SQLiteStatement
        /// `synchronous` around a consumption: FULL so that its commit is on disk before the verdict goes out, then
        /// back to NORMAL for everything else.
        let durable: SQLiteStatement
        let normal: SQLiteStatement

        init(database: SQLiteDatabase) throws {
            self.database = database
            durable = try database.prepare("PRAGMA synchronous = FULL")
            normal = try database.prepare("PRAGMA synchronous = NORMAL")
            insert = try database.prepare(
                "INSERT INTO mynakit_challenges (id, challenge, client, expires_at) VALUES (?1, ?2, ?3, ?4)")
            consume = try database.prepare(StoreSQL.consume(prefix: "?"))
            lookup = try database.prepare("SELECT used_at FROM mynakit_challenges WHERE id = ?1 AND client = ?2")
            purge = try database.prepare("DELETE FROM mynakit_challenges WHERE expires_at <= ?1")
            addKey = try database.prepare(
                """
                INSERT INTO mynakit_api_keys (name, key_hash, created_at) VALUES (?1, ?2, ?3)
                ON CONFLICT DO NOTHING RETURNING name
                """)
            keyName = try database.prepare("SELECT name FROM mynakit_api_keys WHERE key_hash = ?1")
            listKeys = try database.prepare("SELECT name, created_at FROM mynakit_api_keys ORDER BY name")
            removeKey = try database.prepare("DELETE FROM mynakit_api_keys WHERE name = ?1 RETURNING name")
            ping = try database.prepare("SELECT 1")
        }
    }

    private init(queue: StoreQueue<Session>) {
        self.queue = queue
    }

    /// Opens (creating when missing) the database at `path`, creates the tables and prepares the statements;
    /// `":memory:"` for a private, in-memory database.
    public static func open(path: String, logger: Logger = Logger(label: "mynakit-server.sqlite")) async throws
        -> SQLiteServiceStore
    {
        let database = try SQLiteDatabase(path: path)
        database.setBusyTimeout(milliseconds: 5000)
        if path != ":memory:" {
            // In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the process crashing,
            // and only an operating-system crash or power loss can lose the last ones. For an issued challenge that
            // is safe (the terminal asks again); consume() makes its own commit durable.
            try database.execute("PRAGMA journal_mode = WAL")
            try database.execute("PRAGMA synchronous = NORMAL")
        }
        for statement in StoreSQL.schema(integer: "INTEGER") { try database.execute(statement) }
        let session = try Session(database: database)
        logger.debug("SQLite store open", metadata: ["path": "\(path)"])
        return SQLiteServiceStore(queue: StoreQueue(label: "mynakit-server.sqlite", connection: session))
    }

    public func migrate() async throws {
        try await queue.run { session in
            for statement in StoreSQL.schema(integer: "INTEGER") { try session.database.execute(statement) }
        }
    }

    public func insert(_ challenge: StoredChallenge) async throws {
        let parameters: [SQLiteStatement.Value] = [
            .text(challenge.id), .text(StoreCoding.text(challenge.bytes)), .text(challenge.client),
            .integer(StoreCoding.milliseconds(challenge.expiresAt)),
        ]
        try await queue.run { session in try session.insert.run(parameters) }
    }

    public func consume(id: String, client: String, at now: Date) async throws -> ConsumeOutcome {
        let time = StoreCoding.milliseconds(now)
        return try await queue.run { session in
            var text: String?
            // The one durable commit: once a verdict was sent, its challenge stays used through a power loss (an
            // fsync of the WAL, which also makes every commit before it durable).
            try session.durable.run([])
            defer { try? session.normal.run([]) }
            try session.consume.run([.integer(time), .text(id), .text(client)]) { row in text = row.text(0) }
            if let text {
                guard let bytes = StoreCoding.bytes(text: text) else {
                    throw ServiceStoreError.corruptRow("challenge \(id) is not base64")
                }
                return .consumed(bytes)
            }
            var outcome = ConsumeOutcome.unknown
            try session.lookup.run([.text(id), .text(client)]) { row in
                outcome = row.isNull(0) ? .expired : .alreadyUsed
            }
            return outcome
        }
    }

    @discardableResult
    public func purgeExpired(before now: Date) async throws -> Int {
        let time = StoreCoding.milliseconds(now)
        return try await queue.run { session in
            try session.purge.run([.integer(time)])
            return Int(session.database.changes)
        }
    }

    public func addKey(name: String, hash: String, createdAt: Date) async throws {
        let created = StoreCoding.milliseconds(createdAt)
        let added = try await queue.run { session in
            var added = false
            try session.addKey.run([.text(name), .text(hash), .integer(created)]) { _ in added = true }
            return added
        }
        if !added { throw ServiceStoreError.duplicateKeyName(name) }
    }

    public func keyName(forHash hash: String) async throws -> String? {
        try await queue.run { session in
            var name: String?
            try session.keyName.run([.text(hash)]) { row in name = row.text(0) }
            return name
        }
    }

    public func listKeys() async throws -> [APIKeyRecord] {
        try await queue.run { session in
            var keys: [APIKeyRecord] = []
            try session.listKeys.run([]) { row in
                guard let name = row.text(0) else {
                    throw ServiceStoreError.corruptRow("an API key without a name")
                }
                keys.append(APIKeyRecord(name: name, createdAt: StoreCoding.date(milliseconds: row.integer(1))))
            }
            return keys
        }
    }

    @discardableResult
    public func removeKey(name: String) async throws -> Bool {
        try await queue.run { session in
            var removed = false
            try session.removeKey.run([.text(name)]) { _ in removed = true }
            return removed
        }
    }

    public func ping() async throws {
        try await queue.run { session in try session.ping.run([]) }
    }

    /// Nothing to do: the connection closes when the store is released.
    public func close() async throws {}
}
