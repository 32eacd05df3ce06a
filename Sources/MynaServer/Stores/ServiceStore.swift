//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation

/// A challenge as the store keeps it.
public struct StoredChallenge: Sendable, Hashable {
    /// The identifier given to the terminal.
    public var id: String
    /// The random bytes the card must sign.
    public var bytes: [UInt8]
    /// The API key (by name) the challenge was issued to: only that key can consume it.
    public var client: String
    /// When it stops being accepted.
    public var expiresAt: Date

    public init(id: String, bytes: [UInt8], client: String, expiresAt: Date) {
        self.id = id
        self.bytes = bytes
        self.client = client
        self.expiresAt = expiresAt
    }
}

/// What consuming a challenge found.
public enum ConsumeOutcome: Sendable, Hashable {
    /// The challenge was open and is now used: its bytes, for verification. Exactly one consumer ever gets this.
    case consumed([UInt8])
    /// No such challenge for this client (never issued, issued to another key, or purged after it expired).
    case unknown
    /// The challenge was consumed before.
    case alreadyUsed
    /// The challenge expired unused.
    case expired
}

/// The state the service shares between its instances: challenges (single-use, expiring) and the hashes of the
/// terminals' API keys.
///
/// Every method is one statement against the store, or a read after one: instances keep nothing in memory that
/// another instance would need, so any number of them can run behind a load balancer on one PostgreSQL database.
public protocol ServiceStore: Sendable {
    /// `sqlite` or `postgres`, for `/healthz` and the logs.
    var kind: String { get }

    /// Creates the tables and indexes when they are missing. Safe to call from several instances at once.
    func migrate() async throws

    /// Stores a new challenge.
    func insert(_ challenge: StoredChallenge) async throws

    /// Marks the challenge `id` of `client` used, if it is open at `now`, in one atomic statement: of any number of
    /// concurrent calls for one challenge, on any number of instances, at most one returns
    /// ``ConsumeOutcome/consumed(_:)``.
    func consume(id: String, client: String, at now: Date) async throws -> ConsumeOutcome

    /// Deletes the challenges that expired before `now`, used or not; returns how many.
    @discardableResult
    func purgeExpired(before now: Date) async throws -> Int

    /// Stores an API key's hash under `name`.
    ///
    /// - Throws: ``ServiceStoreError/duplicateKeyName(_:)`` when `name` exists.
    func addKey(name: String, hash: String, createdAt: Date) async throws

    /// The name of the key with hash `hash`, or `nil`.
    func keyName(forHash hash: String) async throws -> String?

    /// Every key's name and creation time, by name.
    func listKeys() async throws -> [APIKeyRecord]

    /// Deletes the key `name`; returns whether it existed.
    @discardableResult
    func removeKey(name: String) async throws -> Bool

    /// A cheap round trip, for `/healthz`.
    func ping() async throws

    /// Closes connections. The store is unusable afterwards.
    func close() async throws
}

/// An API key as listed (the key itself is never stored: only its SHA-256).
public struct APIKeyRecord: Sendable, Hashable, Codable {
    public var name: String
    public var createdAt: Date

    public init(name: String, createdAt: Date) {
        self.name = name
        self.createdAt = createdAt
    }
}

/// Errors of the stores.
public enum ServiceStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `--store` is neither `sqlite:PATH` nor `postgres://…`.
    case invalidLocation(String)
    /// A key of that name exists already.
    case duplicateKeyName(String)
    /// The store answered with something the schema does not allow.
    case corruptRow(String)
    /// The store did not answer in time (PostgreSQL not reachable, or refusing the connection).
    case unreachable(String)

    public var description: String {
        switch self {
        case .invalidLocation(let text):
            return "--store must be sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, not \(text)"
        case .duplicateKeyName(let name):
            return "an API key named \(name) exists already"
        case .corruptRow(let reason):
            return "the store holds an unexpected row: \(reason)"
        case .unreachable(let reason):
            return "the store does not answer: \(reason)"
        }
    }
}

/// Where the state lives: `--store sqlite:PATH` (the default, one node) or `--store postgres://…` (shared by
/// several instances).
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// The default store: `sqlite:mynakit-server.sqlite` in the working directory.
    public static let `default` = StoreLocation.sqlite(path: "mynakit-server.sqlite")

    /// Parses `sqlite:PATH`, `sqlite://PATH`, `postgres://…` or `postgresql://…`.
    public init(parsing text: String) throws {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: text))
        } else if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw ServiceStoreError.invalidLocation(text) }
            self = .sqlite(path: path)
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ServiceStoreError.invalidLocation(text) }
            self = .sqlite(path: path)
        } else {
            throw ServiceStoreError.invalidLocation(text)
        }
    }

    /// The location without a password, for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let location): return location.description
        }
    }
}

/// A PostgreSQL server and database, from a `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` URL.
///
/// The password may instead come from the `PGPASSWORD` environment variable, which keeps it off the command line.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses a `postgres://` URL.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty,
            let username = components.user, !username.isEmpty
        else { throw ServiceStoreError.invalidLocation(Self.redacted(text)) }
        let database = String(components.path.drop(while: { $0 == "/" }))
        self.init(
            host: host,
            port: components.port ?? 5432,
            username: username,
            password: components.password ?? environment["PGPASSWORD"],
            database: database.isEmpty ? username : database
        )
    }

    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    private static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "postgres://…" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "postgres://…"
    }
}
