//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaServiceClient
import MynaSimulator
import MynaVerify
import SmartCard
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `mynakit-server` as deployed: real processes on loopback, SQLite or a real PostgreSQL shared by two instances,
/// answers signed by the virtual card, the terminal flow through pcscd, and the OpenAPI document checked against the
/// running service by schemathesis.
final class VerificationServiceTests: XCTestCase {
    static let pki: Result<TestPKI, any Error> = Result { try TestPKI.cached() }

    /// The card's PKI written to `directory` (roots and leaves, PEM).
    func writePKI(_ directory: URL) throws -> TestPKI {
        let pki = try Self.pki.get()
        try pki.write(to: directory)
        return pki
    }

    /// Starts a server; it stops when the test ends.
    func startServer(_ arguments: [String], in directory: URL) throws -> ServerProcess {
        let server = try ServerProcess(arguments, directory: directory)
        addTeardownBlock { server.stop() }
        return server
    }

    /// The virtual card's answer to `challenge` (the card signs over an in-memory channel, as `mynakit sign` would
    /// through a reader).
    static func answer(_ challenge: IssuedChallenge, pki: TestPKI) throws -> VerificationRequest {
        let configuration = SimulatorConfiguration()
        let card = try VirtualMyNumberCard(configuration: configuration, pki: pki)
        let session = MyNumberCard(channel: CardChannel(transport: InMemoryTransport(card: card)))
        let pin = try PIN(kind: .authentication, configuration.authPIN)
        return try CardAnswer(challenge: challenge, card: session, pin: pin).request
    }

    func testTwoInstancesOnOnePostgresShareChallengesAndKeys() async throws {
        let directory = try makeTemporaryDirectory("mynaserver-it")
        let pki = try writePKI(directory)
        let store = try PostgresCluster.require().makeDatabase()
        let key = try ServerProcess.addKey("kiosk-1", store: store, in: directory)
        let roots = ["--roots", directory.appendingPathComponent(TestPKI.FileName.authRoot).path]
        let a = try startServer(["--store", store] + roots, in: directory)
        let b = try startServer(["--store", store] + roots, in: directory)
        let clientA = try VerificationServiceClient(url: a.url, apiKey: key)
        let clientB = try VerificationServiceClient(url: b.url, apiKey: key)

        for (issuer, verifier) in [(clientA, clientB), (clientB, clientA)] {
            let challenge = try await issuer.requestChallenge()
            let request = try Self.answer(challenge, pki: pki)
            let verdict = try await verifier.submit(request)
            XCTAssertTrue(verdict.valid, "\(verdict.failures)")
            XCTAssertEqual(verdict.certificate?.serialNumber, try Certificate(derEncoded: pki.authCertificate).serialNumber)
            // A replay at the issuing instance finds it used.
            do {
                _ = try await issuer.submit(request)
                XCTFail("a replay verified")
            } catch ServiceClientError.refused(let status, let code, _) {
                XCTAssertEqual(status, 409)
                XCTAssertEqual(code, "challenge-used")
            }
        }
        let healthA = try await clientA.health()
        XCTAssertEqual(healthA, HealthDocument(status: "ok", store: "postgres"))
    }

    func testFiftyConcurrentReplaysAcrossTwoInstancesVerifyExactlyOnce() async throws {
        let directory = try makeTemporaryDirectory("mynaserver-it")
        let pki = try writePKI(directory)
        let store = try PostgresCluster.require().makeDatabase()
        let key = try ServerProcess.addKey("kiosk-1", store: store, in: directory)
        let roots = ["--roots", directory.appendingPathComponent(TestPKI.FileName.authRoot).path]
        let servers = [try startServer(["--store", store] + roots, in: directory),
                       try startServer(["--store", store] + roots, in: directory)]
        // Fifty clients, each with its own connection, alternating between the two instances.
        let clients = try (0..<50).map { try VerificationServiceClient(url: servers[$0 % 2].url, apiKey: key) }

        for round in 0..<3 {
            let challenge = try await clients[round].requestChallenge()
            let request = try Self.answer(challenge, pki: pki)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for client in clients {
                    group.addTask {
                        do {
                            let verdict = try await client.submit(request)
                            return verdict.valid ? 200 : 422
                        } catch ServiceClientError.refused(let status, _, _) {
                            return status
                        }
                    }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            XCTAssertEqual(statuses.filter { $0 == 200 }.count, 1, "round \(round): \(statuses)")
            XCTAssertEqual(statuses.filter { $0 == 409 }.count, 49, "round \(round): \(statuses)")
        }
        // Both instances served some of the answers: their counters add up to 3 valid and 147 refused.
        var valid = 0
        var refused = 0
        for server in servers {
            let metrics = try Self.metrics(server)
            valid += Self.counter(#"mynakit_verifications_total{verdict="valid"}"#, in: metrics)
            refused += Self.counter(#"mynakit_challenge_refusals_total{reason="used"}"#, in: metrics)
        }
        XCTAssertEqual(valid, 3)
        XCTAssertEqual(refused, 147)
    }

    func testExpiredChallengesAndKeysAtARealProcess() async throws {
        let directory = try makeTemporaryDirectory("mynaserver-it")
        let pki = try writePKI(directory)
        let store = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
        let key = try ServerProcess.addKey("kiosk-1", store: store, in: directory)
        XCTAssertTrue(key.hasPrefix("mk_") && key.count == 46, key)
        // The key is printed once and never stored: only its name shows.
        let list = try ServerProcess.run(["key", "list", "--store", store], in: directory)
        XCTAssertTrue(list.standardOutput.hasPrefix("kiosk-1\t"), list.standardOutput)
        XCTAssertFalse(list.standardOutput.contains(key))
        let database = try Data(contentsOf: directory.appendingPathComponent("state.sqlite"))
        XCTAssertNil(database.range(of: Data(key.utf8)), "the key itself is in the database")
        let duplicate = try ServerProcess.run(["key", "add", "kiosk-1", "--store", store], in: directory)
        XCTAssertEqual(duplicate.status, 64, duplicate.combinedOutput)
        XCTAssertTrue(duplicate.standardError.contains("exists already"), duplicate.standardError)

        let server = try startServer(
            ["--store", store, "--challenge-ttl", "1", "--key-cache-ttl", "0", "--roots",
             directory.appendingPathComponent(TestPKI.FileName.authRoot).path], in: directory)
        let client = try VerificationServiceClient(url: server.url, apiKey: key)
        let challenge = try await client.requestChallenge()
        let request = try Self.answer(challenge, pki: pki)
        try await Task.sleep(for: .milliseconds(1200))
        await Self.assertRefused(try await client.submit(request), status: 410, code: "challenge-expired")

        for bad in ["mk_" + String(repeating: "A", count: 43), "not-a-key"] {
            let stranger = try VerificationServiceClient(url: server.url, apiKey: bad)
            await Self.assertRefused(try await stranger.requestChallenge(), status: 401, code: "unauthorized")
        }
        let removal = try ServerProcess.run(["key", "remove", "kiosk-1", "--store", store], in: directory)
        XCTAssertEqual(removal.status, 0, removal.combinedOutput)
        await Self.assertRefused(try await client.requestChallenge(), status: 401, code: "unauthorized")
        XCTAssertFalse(server.logText.contains(key), "the key is in the service's log")
    }

    func testTheTerminalFlowThroughPCSCDAndTheVirtualCard() async throws {
        try await VPCDRig.requirePCSCD()
        let directory = try makeTemporaryDirectory("mynaserver-it")
        let pki = try writePKI(directory)
        let authRoot = directory.appendingPathComponent(TestPKI.FileName.authRoot).path
        let store = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
        let key = try ServerProcess.addKey("kiosk-1", store: store, in: directory)
        let server = try startServer(["--store", store, "--roots", authRoot], in: directory)
        // A second service that trusts another hierarchy (same DN, other key): it must reject this card.
        let otherDirectory = try makeTemporaryDirectory("mynaserver-it-other")
        try TestPKI.generate().write(to: otherDirectory)
        let stranger = try startServer(
            ["--store", store, "--roots", otherDirectory.appendingPathComponent(TestPKI.FileName.authRoot).path],
            in: directory)

        let configuration = SimulatorConfiguration()
        let link = try await VPCDRig.insert(
            VirtualMyNumberCard(configuration: configuration, pki: pki), port: VPCDRig.port1, reader: VPCDRig.reader1)
        defer { link.stop() }
        let environment = ["MYNAKIT_TEST_KEY": key, "MYNAKIT_TEST_PIN": configuration.authPIN]
        func auth(_ url: String, _ extra: [String] = []) throws -> CLI.Result {
            try CLI.run(
                ["auth", "--server", url, "--api-key-env", "MYNAKIT_TEST_KEY", "--roots", authRoot, "--reader",
                 VPCDRig.reader1, "--pin-env", "MYNAKIT_TEST_PIN", "--json"] + extra,
                environment: environment)
        }

        let accepted = try auth(server.url)
        XCTAssertEqual(accepted.status, 0, accepted.stdout + accepted.stderr)
        let report = try accepted.json()
        XCTAssertEqual(report["verdict"] as? String, "authenticated")
        XCTAssertEqual(report["valid"] as? Bool, true)
        XCTAssertEqual(report["serialNumber"] as? String, try Certificate(derEncoded: pki.authCertificate).serialNumber)
        XCTAssertEqual((report["revocation"] as? [String: Any])?["source"] as? String, "not-checked")
        // The anchor as `mynakit auth` reports its own: the simulator's root has J-LIS's DN, not pinned.
        let anchor = try XCTUnwrap(report["trustAnchor"] as? [String: Any], "\(report)")
        XCTAssertEqual(anchor["classification"] as? String, "jlis-unpinned")
        let fingerprint = try OpenSSLTool.run(["x509", "-in", authRoot, "-noout", "-fingerprint", "-sha256"])
            .standardOutput.split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "") }?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(anchor["sha256Fingerprint"] as? String, fingerprint)
        XCTAssertEqual(report["testHierarchy"] as? Bool, false)
        XCTAssertEqual(report["server"] as? String, server.url)
        let metrics = try Self.metrics(server)
        XCTAssertEqual(Self.counter(#"mynakit_verifications_total{verdict="valid"}"#, in: metrics), 1)

        let rejected = try auth(stranger.url)
        XCTAssertEqual(rejected.status, 5, rejected.stdout + rejected.stderr)
        let rejection = try rejected.json()
        XCTAssertEqual(rejection["verdict"] as? String, "rejected")
        XCTAssertEqual((rejection["failureCodes"] as? [String])?.contains("unknown-issuer"), true, "\(rejection)")

        // Without the key variable: a usage error before the card is touched; an unreachable service: exit 69.
        let noKey = try CLI.run(
            ["auth", "--server", server.url, "--api-key-env", "MYNAKIT_NO_SUCH_VARIABLE", "--roots", authRoot,
             "--reader", VPCDRig.reader1, "--pin-env", "MYNAKIT_TEST_PIN", "--json"], environment: environment)
        XCTAssertEqual(noKey.status, 64, noKey.stdout)
        XCTAssertEqual(((try noKey.json())["error"] as? [String: Any])?["code"] as? String, "api-key-missing")
        let unreachable = try auth("http://127.0.0.1:9")
        XCTAssertEqual(unreachable.status, 69, unreachable.stdout)
        let onlyKey = try CLI.run(["auth", "--api-key-env", "X", "--roots", authRoot, "--json"])
        XCTAssertEqual(onlyKey.status, 64)
    }

    func testSIGHUPReloadsTheTrustAndAFailedReloadKeepsIt() async throws {
        let directory = try makeTemporaryDirectory("mynaserver-it")
        let pki = try writePKI(directory)
        let roots = directory.appendingPathComponent("roots.pem")
        try FileManager.default.copyItem(at: directory.appendingPathComponent(TestPKI.FileName.authRoot), to: roots)
        let store = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
        let key = try ServerProcess.addKey("kiosk-1", store: store, in: directory)
        let server = try startServer(["--store", store, "--roots", roots.path], in: directory)
        let client = try VerificationServiceClient(url: server.url, apiKey: key)
        func verdict() async throws -> Verdict {
            try await client.submit(try Self.answer(try await client.requestChallenge(), pki: pki))
        }
        func hangUp(until text: String, occurrences: Int) async throws {
            kill(server.process.processIdentifier, SIGHUP)
            let deadline = ContinuousClock.now + .seconds(10)
            while server.logText.components(separatedBy: text).count - 1 < occurrences {
                guard ContinuousClock.now < deadline else { throw TestSupportError("no '\(text)' in \(server.logText)") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let before = try await verdict()
        XCTAssertTrue(before.valid, "\(before.failures)")

        // Another hierarchy's root (same DN, another key) in the file, then SIGHUP: the card no longer verifies.
        let other = try makeTemporaryDirectory("mynaserver-it-other")
        try TestPKI.generate().write(to: other)
        try FileManager.default.removeItem(at: roots)
        try FileManager.default.copyItem(at: other.appendingPathComponent(TestPKI.FileName.authRoot), to: roots)
        try await hangUp(until: "trust reloaded", occurrences: 1)
        let after = try await verdict()
        XCTAssertFalse(after.valid)
        XCTAssertTrue(after.failures.map(\.code).contains("unknown-issuer"), "\(after.failures)")

        // A file that does not parse: the reload fails and the trust in force stays.
        try Data("not a certificate".utf8).write(to: roots)
        try await hangUp(until: "trust reload failed", occurrences: 1)
        let kept = try await verdict()
        XCTAssertTrue(kept.failures.map(\.code).contains("unknown-issuer"), "\(kept.failures)")
        XCTAssertTrue(server.process.isRunning)
    }

    func testTheOpenAPIDocumentAgainstTheRunningService() async throws {
        guard let schemathesis = TestProcess.locate("schemathesis") else {
            let problem = "schemathesis is not installed (scripts/install-deps.sh installs the pinned version)"
            // Under CI a missing schemathesis is a failure, never a skip.
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestSupportError(problem) }
            throw XCTSkip(problem)
        }
        let directory = try makeTemporaryDirectory("mynaserver-it")
        _ = try writePKI(directory)
        let store = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
        let key = try ServerProcess.addKey("schemathesis", store: store, in: directory)
        let server = try startServer(
            ["--store", store, "--roots", directory.appendingPathComponent(TestPKI.FileName.authRoot).path],
            in: directory)
        let document = CLI.repositoryRoot.appendingPathComponent("Docs/openapi.yaml").path
        // Every check but positive_data_acceptance: a schema-valid answer to a random or spent challenge is rightly
        // refused (409, 410, 422), not accepted. Bounded: 25 examples per operation, a fixed seed, no retries.
        let output = try TestProcess.run(
            schemathesis,
            ["run", document, "--url", server.url, "-H", "Authorization: Bearer \(key)", "--checks", "all",
             "--exclude-checks", "positive_data_acceptance", "--max-examples", "25", "--seed", "1",
             "--request-timeout", "10", "--no-color"],
            in: directory, environment: ["SCHEMATHESIS_HOOKS": ""], timeout: 300)
        XCTAssertEqual(output.status, 0, String(output.combinedOutput.suffix(6000)))
        XCTAssertTrue(output.standardOutput.contains("passed"), String(output.standardOutput.suffix(2000)))
        XCTAssertFalse(server.logText.contains(key))
    }

    // MARK: - Helpers

    static func metrics(_ server: ServerProcess) throws -> String {
        let output = try TestProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-sf", server.url + "/metrics"], timeout: 30)
        guard output.status == 0 else { throw TestSupportError("GET /metrics failed: \(output.combinedOutput)") }
        return output.standardOutput
    }

    static func counter(_ series: String, in metrics: String) -> Int {
        for line in metrics.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Int(Double(line.split(separator: " ").last ?? "") ?? -1)
        }
        return 0
    }

    static func assertRefused<T>(
        _ call: @autoclosure () async throws -> T, status: Int, code: String,
        file: StaticString = #filePath, line: UInt = #line
    ) async {
        do {
            _ = try await call()
            XCTFail("accepted; expected \(status) \(code)", file: file, line: line)
        } catch ServiceClientError.refused(let actual, let actualCode, _) {
            XCTAssertEqual(actual, status, file: file, line: line)
            XCTAssertEqual(actualCode, code, file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }
}
