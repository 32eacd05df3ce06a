//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaServiceClient
import TestSupport
import XCTest

/// The service's trust is main's trust store: the trust directory (`--trust-dir`, `MYNAKIT_TRUST_DIR`), `--roots`,
/// and CRLs through MynaVerify's RevocationListCache (parsed once, re-read after the file changes).
final class ServiceTrustTests: XCTestCase {
    struct Running {
        let server: ServerProcess
        let client: VerificationServiceClient
        let pki: ServerTestPKI
        let directory: URL
    }

    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let pki = try ServerTestPKI.get()
        let directory = try makeTemporaryDirectory("mynaserver-trust")
        let store = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
        let key = try ServerProcess.addKey("kiosk-1", store: store, in: directory)
        let server = try ServerProcess(["--store", store] + arguments, directory: directory, environment: environment)
        addTeardownBlock { server.stop() }
        return Running(
            server: server, client: try VerificationServiceClient(url: server.url, apiKey: key), pki: pki,
            directory: directory)
    }

    /// A trust directory as `mynakit trust add` leaves it: one PEM per root, not writable by others.
    func trustDirectory(with roots: [URL]) throws -> URL {
        let directory = try makeTemporaryDirectory("mynaserver-trustdir")
        for root in roots {
            try FileManager.default.copyItem(at: root, to: directory.appendingPathComponent(root.lastPathComponent))
        }
        return directory
    }

    func testTheTrustDirectoryFromTheOptionOrTheEnvironmentAndWhatTheVerdictSaysOfTheAnchor() async throws {
        let pki = try ServerTestPKI.get()
        let trust = try trustDirectory(with: [pki.authRoot])
        for (arguments, environment) in [(["--trust-dir", trust.path], [:]), ([], ["MYNAKIT_TRUST_DIR": trust.path])] {
            let s = try start(arguments, environment: environment)
            let challenge = try await s.client.requestChallenge()
            let verdict = try await s.client.submit(
                try ServiceAPITests.answer(challenge, certificate: s.pki.authLeaf, pki: s.pki))
            XCTAssertTrue(verdict.valid, "\(arguments) \(environment): \(verdict.failures)")
            let anchor = try XCTUnwrap(verdict.trustAnchor)
            // The test root carries J-LIS's authentication DN with a fingerprint that is not pinned.
            XCTAssertEqual(anchor.classification, "jlis-unpinned")
            XCTAssertEqual(anchor.hierarchy, "authentication")
            XCTAssertNil(anchor.generation)
            XCTAssertTrue(anchor.description.contains("NOT pinned"), anchor.description)
            XCTAssertFalse(anchor.expired)
            XCTAssertFalse(verdict.testHierarchy)
            XCTAssertEqual(verdict.revocation.source, "not-checked")
            XCTAssertEqual(verdict.revocation.description, "not checked")
        }
    }

    func testATrustDirectoryWithoutRootsOrWritableByAllStopsTheService() throws {
        let empty = try trustDirectory(with: [])
        let directory = try makeTemporaryDirectory("mynaserver-trust")
        let store = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
        let none = try ServerProcess.run(["--store", store, "--trust-dir", empty.path], in: directory)
        XCTAssertEqual(none.status, 64, none.combinedOutput)
        XCTAssertTrue(none.combinedOutput.contains("mynakit trust add"), none.combinedOutput)

        let open = try trustDirectory(with: [try ServerTestPKI.get().authRoot])
        XCTAssertEqual(chmod(open.path, 0o777), 0)
        let insecure = try ServerProcess.run(["--store", store, "--trust-dir", open.path], in: directory)
        XCTAssertEqual(insecure.status, 64, insecure.combinedOutput)
        XCTAssertTrue(insecure.combinedOutput.contains("writable by every user"), insecure.combinedOutput)
    }

    /// The CRL is parsed once; a changed file is read again at the next request without a reload; a file that
    /// cannot be parsed any more refuses to verify (503) and leaves the challenge open.
    func testTheCRLIsReReadWhenTheFileChangesAndAnUnreadableOneConsumesNothing() async throws {
        let pki = try ServerTestPKI.get()
        let crlDirectory = try makeTemporaryDirectory("mynaserver-crl")
        let crl = crlDirectory.appendingPathComponent("auth.crl")
        try FileManager.default.copyItem(at: pki.authCRL, to: crl)
        let s = try start(["--roots", pki.authRoot.path, "--crl", crl.path])

        let first = try await s.client.submit(
            try ServiceAPITests.answer(try await s.client.requestChallenge(), certificate: pki.revokedLeaf, pki: pki))
        XCTAssertEqual(first.failures.map(\.code), ["revoked"])
        XCTAssertEqual(first.revocation.source, "crl")
        XCTAssertEqual(first.revocation.crl?.file, crl.path)
        XCTAssertTrue(first.revocation.description.hasPrefix("crl \(crl.path) (this update "), first.revocation.description)

        // Not a CRL any more (renamed over the old file, as an administrator installs one).
        let broken = crlDirectory.appendingPathComponent("auth.crl.new")
        try Data("not a CRL\n".utf8).write(to: broken)
        XCTAssertEqual(rename(broken.path, crl.path), 0)
        let request = try ServiceAPITests.answer(
            try await s.client.requestChallenge(), certificate: pki.authLeaf, pki: pki)
        await ServiceAPITests.assertRefused(try await s.client.submit(request), 503, "crl-unavailable")

        // The CRL back: the same challenge was not spent, and now verifies.
        try FileManager.default.copyItem(at: pki.authCRL, to: broken)
        XCTAssertEqual(rename(broken.path, crl.path), 0)
        let verdict = try await s.client.submit(request)
        XCTAssertTrue(verdict.valid, "\(verdict.failures)")
        XCTAssertEqual(verdict.revocation.source, "crl")
    }
}
