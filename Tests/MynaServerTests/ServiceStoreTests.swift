//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import MynaServer
import TestSupport
import XCTest

/// The two stores against one contract: single use under concurrency, expiry, ownership, purge, keys. PostgreSQL
/// runs in a throw-away cluster (TestSupport's `PostgresCluster`).
final class ServiceStoreTests: XCTestCase {
    static let logger = Logger(label: "test")

    func sqlite() async throws -> any ServiceStore {
        let directory = try makeTemporaryDirectory("mynaserver-store")
        let store = try await SQLiteServiceStore.open(path: directory.appendingPathComponent("s.sqlite").path)
        addTeardownBlock { try? await store.close() }
        return store
    }

    /// Runs `body` with a PostgreSQL store on a fresh database, its pool running.
    func withPostgres(_ body: @Sendable (any ServiceStore) async throws -> Void) async throws {
        let url = try PostgresCluster.require().makeDatabase()
        try await ServiceApplication.withStore(try StoreLocation(parsing: url), logger: Self.logger) { store in
            try await body(store)
        }
    }

    func testSQLiteContract() async throws {
        try await Self.contract(try await sqlite())
    }

    func testPostgresContract() async throws {
        try await withPostgres { store in try await Self.contract(store) }
    }

    func testSQLiteFiftyConcurrentConsumersExactlyOneWins() async throws {
        try await Self.race(try await sqlite(), consumers: 50)
    }

    func testPostgresFiftyConcurrentConsumersExactlyOneWins() async throws {
        try await withPostgres { store in try await Self.race(store, consumers: 50) }
    }

    func testPostgresMigrationFromManyInstancesAtOnce() async throws {
        let url = try PostgresCluster.require().makeDatabase()
        let location = try StoreLocation(parsing: url)
        // Eight instances starting together: the advisory lock keeps CREATE TABLE IF NOT EXISTS from racing.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await ServiceApplication.withStore(location, logger: Self.logger) { store in
                        try await store.ping()
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    func testStoreLocations() throws {
        XCTAssertEqual(try StoreLocation(parsing: "sqlite:/var/lib/x.db"), .sqlite(path: "/var/lib/x.db"))
        XCTAssertEqual(try StoreLocation(parsing: "sqlite://rel.db"), .sqlite(path: "rel.db"))
        XCTAssertEqual(
            try StoreLocation(parsing: "postgres://rp:secret@db.internal:6543/verify", ),
            .postgres(PostgresLocation(host: "db.internal", port: 6543, username: "rp", password: "secret", database: "verify")))
        let fromEnvironment = try PostgresLocation(url: "postgresql://rp@db/verify", environment: ["PGPASSWORD": "pw"])
        XCTAssertEqual(fromEnvironment.password, "pw")
        XCTAssertEqual(fromEnvironment.port, 5432)
        // The password never appears in the description (logs).
        XCTAssertEqual(
            try StoreLocation(parsing: "postgres://rp:secret@db:5432/verify").description, "postgres://rp@db:5432/verify")
        for bad in ["", "sqlite:", "mysql://x", "postgres://db/verify", "/tmp/x.db"] {
            XCTAssertThrowsError(try StoreLocation(parsing: bad), bad)
        }
    }

    static func challenge(client: String = "kiosk", expiresIn seconds: TimeInterval = 60, now: Date) -> StoredChallenge {
        StoredChallenge(
            id: UUID().uuidString, bytes: (0..<32).map { _ in UInt8.random(in: 0...255) }, client: client,
            expiresAt: now.addingTimeInterval(seconds))
    }

    static func contract(_ store: any ServiceStore) async throws {
        let now = Date()
        let open = challenge(now: now)
        try await store.insert(open)
        // Another key cannot consume it, and trying does not spend it.
        let stranger = try await store.consume(id: open.id, client: "other", at: now)
        XCTAssertEqual(stranger, .unknown)
        let first = try await store.consume(id: open.id, client: "kiosk", at: now)
        XCTAssertEqual(first, .consumed(open.bytes))
        let second = try await store.consume(id: open.id, client: "kiosk", at: now)
        XCTAssertEqual(second, .alreadyUsed)

        let short = challenge(expiresIn: 1, now: now)
        try await store.insert(short)
        let late = try await store.consume(id: short.id, client: "kiosk", at: now.addingTimeInterval(1))
        XCTAssertEqual(late, .expired, "a challenge is closed at its expiry instant")
        let unknown = try await store.consume(id: "nope", client: "kiosk", at: now)
        XCTAssertEqual(unknown, .unknown)

        // Purge: what expired goes (used or not), what is open stays.
        let later = challenge(expiresIn: 600, now: now)
        try await store.insert(later)
        let purged = try await store.purgeExpired(before: now.addingTimeInterval(61))
        XCTAssertEqual(purged, 2)
        let gone = try await store.consume(id: open.id, client: "kiosk", at: now.addingTimeInterval(61))
        XCTAssertEqual(gone, .unknown)
        let kept = try await store.consume(id: later.id, client: "kiosk", at: now.addingTimeInterval(61))
        XCTAssertEqual(kept, .consumed(later.bytes))

        // Keys.
        try await store.addKey(name: "kiosk-1", hash: "aa", createdAt: now)
        try await store.addKey(name: "kiosk-0", hash: "bb", createdAt: now)
        do {
            try await store.addKey(name: "kiosk-1", hash: "cc", createdAt: now)
            XCTFail("a duplicate name was accepted")
        } catch let error as ServiceStoreError {
            XCTAssertEqual(error, .duplicateKeyName("kiosk-1"))
        }
        let found = try await store.keyName(forHash: "aa")
        XCTAssertEqual(found, "kiosk-1")
        let missing = try await store.keyName(forHash: "cc")
        XCTAssertNil(missing)
        let names = try await store.listKeys().map(\.name)
        XCTAssertEqual(names, ["kiosk-0", "kiosk-1"])
        let removed = try await store.removeKey(name: "kiosk-1")
        XCTAssertTrue(removed)
        let removedAgain = try await store.removeKey(name: "kiosk-1")
        XCTAssertFalse(removedAgain)
        let afterRemoval = try await store.keyName(forHash: "aa")
        XCTAssertNil(afterRemoval)
        try await store.ping()
    }

    /// `consumers` tasks consume one challenge at once: exactly one gets its bytes, every other is told it was used.
    static func race(_ store: any ServiceStore, consumers: Int) async throws {
        for _ in 0..<5 {
            let now = Date()
            let contested = challenge(now: now)
            try await store.insert(contested)
            let outcomes = try await withThrowingTaskGroup(of: ConsumeOutcome.self) { group in
                for _ in 0..<consumers {
                    group.addTask { try await store.consume(id: contested.id, client: "kiosk", at: now) }
                }
                var all: [ConsumeOutcome] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            XCTAssertEqual(outcomes.filter { $0 == .consumed(contested.bytes) }.count, 1)
            XCTAssertEqual(outcomes.filter { $0 == .alreadyUsed }.count, consumers - 1)
        }
    }
}
