//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaServiceClient
import TestSupport
import XCTest

/// Both stores behind a running service, against one contract: single use (also with 50 answers at once), expiry,
/// ownership, keys; PostgreSQL in a throw-away cluster (TestSupport's `PostgresCluster`), several instances at once.
final class ServiceStoreTests: XCTestCase {
    func directory() throws -> URL { try makeTemporaryDirectory("mynaserver-store") }

    func startServer(_ store: String, in directory: URL, _ extra: [String] = []) throws -> ServerProcess {
        let pki = try ServerTestPKI.get()
        let server = try ServerProcess(["--store", store, "--roots", pki.authRoot.path] + extra, directory: directory)
        addTeardownBlock { server.stop() }
        return server
    }

    /// Issue, answer, replay, another key, expiry, and 50 concurrent answers to one challenge: exactly one verifies.
    func contract(_ store: String) async throws {
        let directory = try directory()
        let pki = try ServerTestPKI.get()
        let key = try ServerProcess.addKey("kiosk-1", store: store, in: directory)
        let otherKey = try ServerProcess.addKey("kiosk-2", store: store, in: directory)
        let duplicate = try ServerProcess.run(["key", "add", "kiosk-1", "--store", store], in: directory)
        XCTAssertEqual(duplicate.status, 64, duplicate.combinedOutput)
        let list = try ServerProcess.run(["key", "list", "--store", store], in: directory)
        XCTAssertEqual(list.standardOutput.split(separator: "\n").map { $0.split(separator: "\t")[0] }, ["kiosk-1", "kiosk-2"])
        XCTAssertFalse(list.standardOutput.contains(key))

        let server = try startServer(store, in: directory, ["--challenge-ttl", "2"])
        let client = try VerificationServiceClient(url: server.url, apiKey: key)
        let other = try VerificationServiceClient(url: server.url, apiKey: otherKey)
        func answer(_ challenge: IssuedChallenge) throws -> VerificationRequest {
            try ServiceAPITests.answer(challenge, certificate: pki.authLeaf, pki: pki)
        }

        let first = try answer(try await client.requestChallenge())
        await ServiceAPITests.assertRefused(try await other.submit(first), 410, "challenge-unknown")
        let verdict = try await client.submit(first)
        XCTAssertTrue(verdict.valid, "\(verdict.failures)")
        await ServiceAPITests.assertRefused(try await client.submit(first), 409, "challenge-used")

        let late = try answer(try await client.requestChallenge())
        try await Task.sleep(for: .milliseconds(2100))
        await ServiceAPITests.assertRefused(try await client.submit(late), 410, "challenge-expired")

        // Fifty clients, each on its own connection, answer one challenge at once.
        let contested = try answer(try await client.requestChallenge())
        let clients = try (0..<50).map { _ in try VerificationServiceClient(url: server.url, apiKey: key) }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for racer in clients {
                group.addTask {
                    do {
                        return try await racer.submit(contested).valid ? 200 : 422
                    } catch ServiceClientError.refused(let status, _, _) {
                        return status
                    }
                }
            }
            var all: [Int] = []
            for try await status in group { all.append(status) }
            return all
        }
        XCTAssertEqual(statuses.filter { $0 == 200 }.count, 1, "\(statuses)")
        XCTAssertEqual(statuses.filter { $0 == 409 }.count, 49, "\(statuses)")
    }

    func testSQLiteContract() async throws {
        try await contract("sqlite:" + (try directory()).appendingPathComponent("state.sqlite").path)
    }

    func testPostgresContract() async throws {
        try await contract(try PostgresCluster.require().makeDatabase())
    }

    func testPostgresInstancesStartingTogetherShareOneSchema() async throws {
        let store = try PostgresCluster.require().makeDatabase()
        let directory = try directory()
        // Six instances on a fresh database at once: the advisory lock keeps CREATE TABLE IF NOT EXISTS from racing.
        let servers = try await withThrowingTaskGroup(of: ServerProcess.self) { group in
            for _ in 0..<6 {
                group.addTask { try ServerProcess(["--store", store, "--roots", try ServerTestPKI.get().authRoot.path],
                    directory: directory) }
            }
            var all: [ServerProcess] = []
            for try await server in group { all.append(server) }
            return all
        }
        addTeardownBlock { servers.forEach { $0.stop() } }
        let key = try ServerProcess.addKey("kiosk-1", store: store, in: directory)
        for server in servers {
            let client = try VerificationServiceClient(url: server.url, apiKey: key)
            let health = try await client.health()
            XCTAssertEqual(health, HealthDocument(status: "ok", store: "postgres"))
            _ = try await client.requestChallenge()
        }
    }

    func testStoreOptions() throws {
        let directory = try directory()
        for bad in ["sqlite:", "mysql://x", "postgres://db/verify", "/tmp/x.db"] {
            let output = try ServerProcess.run(["key", "list", "--store", bad], in: directory)
            XCTAssertEqual(output.status, 64, "\(bad): \(output.combinedOutput)")
        }
        // A PostgreSQL server that is not there: exit 69, and the password never appears.
        let unreachable = try ServerProcess.run(
            ["key", "list", "--store", "postgres://rp:s3cret@127.0.0.1:9/verify", "--store-timeout", "2"], in: directory)
        XCTAssertEqual(unreachable.status, 69, unreachable.combinedOutput)
        XCTAssertFalse(unreachable.combinedOutput.contains("s3cret"), unreachable.combinedOutput)
        XCTAssertTrue(unreachable.standardError.contains("postgres://rp@127.0.0.1:9/verify"), unreachable.standardError)
    }
}
