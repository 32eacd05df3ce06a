//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import TestSupport
import XCTest

/// `mynakit trust add|list|show|remove` and the trust directory behind `cert verify` (no reader needed), each run
/// with `MYNAKIT_TRUST_DIR` pointing at a fresh directory; files are checked with `openssl`.
final class TrustCLITests: XCTestCase {
    var directory: URL!
    var trustDirectory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("mynakit-trust")
        trustDirectory = directory.appendingPathComponent("trust")
        try TestPKI.cached().write(to: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    var environment: [String: String] { [TrustTestCA.environmentVariable: trustDirectory.path] }

    func run(_ arguments: [String], stdin: String? = nil) throws -> CLI.Result {
        try CLI.run(arguments, stdin: stdin, environment: environment)
    }

    func errorDocument(_ result: CLI.Result) throws -> [String: Any] {
        try XCTUnwrap(try result.json()["error"] as? [String: Any], result.stdout)
    }

    // MARK: trust add, list, show, remove

    func testTheRealJLISRootsGoInAtOnceAndCanBeListedShownAndRemoved() throws {
        let files = try ["auth_ca_2015.pem", "auth_ca_2023.pem", "sign_ca_2015.pem", "sign_ca_2023.pem"]
            .map { try TrustTestCA.referenceRoot($0).path }
        let empty = try run(["trust", "list"])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertTrue(empty.stdout.contains("mynakit trust add auth_ca_2023.pem sign_ca_2023.pem"), empty.stdout)

        let added = try run(["trust", "add", "--json"] + files)
        XCTAssertEqual(added.status, 0, added.stderr)
        let roots = try XCTUnwrap(try added.json()["added"] as? [[String: Any]])
        XCTAssertEqual(roots.compactMap { $0["description"] as? String }, [
            "J-LIS production root, authentication hierarchy, generation 1",
            "J-LIS production root, authentication hierarchy, generation 3",
            "J-LIS production root, signature hierarchy, generation 1",
            "J-LIS production root, signature hierarchy, generation 3",
        ])
        XCTAssertEqual(roots.compactMap { $0["expired"] as? Bool }, [true, false, true, false])
        for (root, file) in zip(roots, files) {
            // The stored file is the same certificate, named by the fingerprint openssl computes.
            let stored = try XCTUnwrap(root["file"] as? String)
            let fingerprint = try TrustTestCA.opensslFingerprint(file)
            XCTAssertEqual(root["sha256Fingerprint"] as? String, fingerprint)
            XCTAssertEqual(URL(fileURLWithPath: stored).lastPathComponent, fingerprint.lowercased() + ".pem")
            XCTAssertEqual(try TrustTestCA.opensslFingerprint(stored), fingerprint)
        }

        let list = try run(["trust", "list", "--json"])
        XCTAssertEqual((try list.json()["roots"] as? [[String: Any]])?.count, 4)
        let again = try run(["trust", "add"] + files.prefix(1))
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.hasPrefix("already present: J-LIS production root"), again.stdout)

        let show = try run(["trust", "show", "d227f6cd"])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("J-LIS production root, signature hierarchy, generation 3"), show.stdout)
        XCTAssertTrue(show.stdout.contains("serial: 067C6A21"), show.stdout)
        XCTAssertTrue(show.stdout.contains("key: RSA 2048 bits"), show.stdout)
        let unknown = try run(["trust", "show", "00000000", "--json"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertEqual(try errorDocument(unknown)["code"] as? String, "unknown-root")

        let removed = try run(["trust", "remove", "D2:27:F6:CD:E1:1D:35:C5:25:21:78:F1:06:F8:43:D2:46:51:94:49:75:41:3B:53:9F:A2:FB:68:DB:FA:36:5F"])
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: trustDirectory.path).count, 3)
        XCTAssertEqual(try run(["trust", "remove", "d227f6cd"]).status, 64)
    }

    /// The simulator's roots carry J-LIS's name with keys of their own: shown, refused, then accepted with the flag.
    func testAnUnpinnedJLISNameNeedsAcceptUnpinnedAfterBeingShown() throws {
        let refused = try run(["trust", "add", path("auth-root.pem")])
        XCTAssertEqual(refused.status, 64)
        let fingerprint = try TrustTestCA.opensslFingerprint(path("auth-root.pem"))
        let serial = try OpenSSLTool.run(["x509", "-in", path("auth-root.pem"), "-noout", "-serial"]).standardOutput
            .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
        for shown in ["fingerprint NOT pinned", "sha256: \(fingerprint)", "serial: \(serial)", "validity: ",
                      "subject: C=JP, O=JPKI, OU=JPKI for user authentication", "--accept-unpinned"] {
            XCTAssertTrue(refused.stderr.contains(shown), "\(shown) missing from: \(refused.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: trustDirectory.path), "nothing written")
        // --force and --test are not --accept-unpinned.
        XCTAssertEqual(try run(["trust", "add", "--force", "--test", path("auth-root.pem")]).status, 64)
        let json = try run(["trust", "add", "--json", path("auth-root.pem")])
        XCTAssertEqual(try errorDocument(json)["code"] as? String, "root-not-admitted")

        let accepted = try run(["trust", "add", "--accept-unpinned", path("auth-root.pem"), path("sign-root.pem")])
        XCTAssertEqual(accepted.status, 0, accepted.stderr)
        XCTAssertTrue(accepted.stdout.contains("note: fingerprint NOT pinned"), accepted.stdout)
        XCTAssertTrue(accepted.stdout.contains("sha256: \(fingerprint)"), accepted.stdout)
    }

    func testTestRootsNeedTestAndAnythingElseForce() throws {
        let ca = try TrustTestCA(in: directory.appendingPathComponent("ca"))
        let testRoot = try ca.root("test", dn: TrustTestCA.testDN, from: "20240101000000Z", to: "20340101000000Z")
        XCTAssertEqual(try run(["trust", "add", "--force", "--accept-unpinned", testRoot.path]).status, 64)
        let test = try run(["trust", "add", "--test", "--json", testRoot.path])
        XCTAssertEqual(test.status, 0, test.stderr)
        XCTAssertEqual((try test.json()["added"] as? [[String: Any]])?.first?["classification"] as? String, "jpki-test")

        // A leaf is not a root: only --force lets it in, and list shows why it is no good.
        let refused = try run(["trust", "add", "--accept-unpinned", "--test", path("auth.pem")])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("problem: not a CA certificate"), refused.stderr)
        XCTAssertEqual(try run(["trust", "add", "--force", path("auth.pem")]).status, 0)
        let list = try run(["trust", "list", "--json"])
        let classifications = try XCTUnwrap(try list.json()["roots"] as? [[String: Any]]).compactMap { $0["classification"] as? String }
        XCTAssertEqual(classifications.sorted(), ["jpki-test", "unknown"])
    }

    func testADirectoryOthersMayWriteIsRefused() throws {
        let root = try TrustTestCA.referenceRoot("auth_ca_2023.pem").path
        XCTAssertEqual(try run(["trust", "add", root]).status, 0)
        XCTAssertEqual(chmod(trustDirectory.path, 0o777), 0)
        defer { chmod(trustDirectory.path, 0o755) }
        for arguments in [["trust", "list", "--json"], ["cert", "verify", path("auth.pem"), "--kind", "auth", "--json"]] {
            let result = try run(arguments)
            XCTAssertEqual(result.status, 64, arguments.joined(separator: " "))
            XCTAssertEqual(try errorDocument(result)["code"] as? String, "insecure-trust-directory")
        }
        XCTAssertEqual(chmod(trustDirectory.path, 0o555), 0)
        if geteuid() != 0 {  // root writes anyway
            let unwritable = try run(["trust", "add", path("auth-root.pem"), "--accept-unpinned", "--json"])
            XCTAssertEqual(unwritable.status, 74, unwritable.stdout)
            XCTAssertEqual(try errorDocument(unwritable)["code"] as? String, "unwritable-file")
        }
        // A directory that cannot be made, even by root: its parent is a file.
        let blocked = try CLI.run(
            ["trust", "add", path("auth-root.pem"), "--accept-unpinned", "--json"],
            environment: [TrustTestCA.environmentVariable: path("auth.pem") + "/trust"])
        XCTAssertEqual(blocked.status, 74, blocked.stdout)
        XCTAssertEqual(try errorDocument(blocked)["code"] as? String, "unwritable-file")
        XCTAssertTrue((try errorDocument(blocked)["message"] as? String)?.contains("Not a directory") == true)
    }

    // MARK: cert verify with the trust directory

    func testCertVerifyWithoutRootsUsesTheDirectoryOrSaysHowToFillIt() throws {
        let none = try run(["cert", "verify", path("auth.pem"), "--kind", "auth"])
        XCTAssertEqual(none.status, 64)
        XCTAssertTrue(none.stderr.contains("no trust anchors: --roots was not given"), none.stderr)
        XCTAssertTrue(none.stderr.contains("mynakit trust add auth_ca_2023.pem sign_ca_2023.pem"), none.stderr)
        XCTAssertTrue(none.stderr.contains(trustDirectory.path), none.stderr)
        let noneJSON = try run(["cert", "verify", path("auth.pem"), "--kind", "auth", "--json"])
        XCTAssertEqual(try errorDocument(noneJSON)["code"] as? String, "no-trust-anchors")

        XCTAssertEqual(try run(["trust", "add", "--accept-unpinned", path("auth-root.pem")]).status, 0)
        let valid = try run(["cert", "verify", path("auth.pem"), "--kind", "auth"])
        XCTAssertEqual(valid.status, 0, valid.stdout + valid.stderr)
        XCTAssertTrue(valid.stdout.contains("anchor: J-LIS name, authentication hierarchy, fingerprint NOT pinned"), valid.stdout)
        XCTAssertTrue(valid.stdout.contains("revocation: not checked"), valid.stdout)
        XCTAssertFalse(valid.stdout.contains("TEST HIERARCHY"))

        // --require-revocation turns "not checked" into a failure.
        let required = try run(["cert", "verify", path("auth.pem"), "--kind", "auth", "--require-revocation", "--json"])
        XCTAssertEqual(required.status, 5)
        let json = try required.json()
        XCTAssertEqual((json["revocation"] as? [String: Any])?["source"] as? String, "not-checked")
        XCTAssertEqual((json["failures"] as? [[String: Any]])?.compactMap { $0["code"] as? String }, ["crl-missing"])

        // With the issuer's CRL: checked, and the verdict names the file and its update times.
        let ca = try TrustTestCA(in: directory.appendingPathComponent("ca"))
        let crl = try ca.crl(issuer: path("auth-root.pem"), key: path("auth-root.key.pem"))
        let checked = try run(
            ["cert", "verify", path("auth.pem"), "--kind", "auth", "--crl", crl.path, "--require-revocation", "--json"])
        XCTAssertEqual(checked.status, 0, checked.stdout + checked.stderr)
        let revocation = try XCTUnwrap(try checked.json()["revocation"] as? [String: Any])
        XCTAssertEqual(revocation["source"] as? String, "crl")
        XCTAssertEqual(revocation["file"] as? String, crl.path)
        let (lastUpdate, nextUpdate) = try TrustTestCA.opensslUpdateTimes(crl.path)
        XCTAssertEqual(revocation["thisUpdate"] as? String, lastUpdate)
        XCTAssertEqual(revocation["nextUpdate"] as? String, nextUpdate)
        let text = try run(["cert", "verify", path("auth.pem"), "--kind", "auth", "--crl", crl.path])
        XCTAssertTrue(
            text.stdout.contains("revocation: crl \(crl.path) (this update \(lastUpdate), next update \(nextUpdate))"),
            text.stdout)
    }

    /// Two generations under one name in the directory: the old one's leaf is valid at a time inside its root's
    /// validity, and EXPIRED now because of the root.
    func testTheExpiredGenerationThroughTheCLI() throws {
        let ca = try TrustTestCA(in: directory.appendingPathComponent("ca"))
        let old = try ca.root("gen1", dn: TrustTestCA.jlisDN, from: "20151020030813Z", to: "20251019145959Z")
        let new = try ca.root("gen3", dn: TrustTestCA.jlisDN, from: "20230716010104Z", to: "20330715145959Z")
        let leaf = try ca.leaf("gen1-leaf", issuer: "gen1", from: "20240101000000Z", to: "20281231235959Z")
        XCTAssertEqual(try run(["trust", "add", "--accept-unpinned", new.path, old.path]).status, 0)

        let past = try run(["cert", "verify", leaf.path, "--kind", "auth", "--at", "2025-01-01T09:00:00+09:00"])
        XCTAssertEqual(past.status, 0, past.stdout + past.stderr)
        let now = try run(["cert", "verify", leaf.path, "--kind", "auth", "--json"])
        XCTAssertEqual(now.status, 5, now.stdout + now.stderr)
        let json = try now.json()
        let failures = try XCTUnwrap(json["failures"] as? [[String: Any]])
        XCTAssertEqual(failures.compactMap { $0["code"] as? String }, ["expired"])
        XCTAssertTrue((failures.first?["message"] as? String)?.contains("certificate at depth 1") == true, "\(failures)")
        let anchor = try XCTUnwrap(json["trustAnchor"] as? [String: Any])
        XCTAssertEqual(anchor["expired"] as? Bool, true)
        XCTAssertEqual(anchor["sha256Fingerprint"] as? String, try TrustTestCA.opensslFingerprint(old.path))
        let text = try run(["cert", "verify", leaf.path, "--kind", "auth"])
        XCTAssertTrue(text.stdout.contains(", EXPIRED at 2025-10-19T14:59:59Z"), text.stdout)
    }

    func testVerdictsUnderATestRootSaySo() throws {
        let ca = try TrustTestCA(in: directory.appendingPathComponent("ca"))
        let root = try ca.root("test", dn: TrustTestCA.testDN, from: "20240101000000Z", to: "20340101000000Z")
        let leaf = try ca.leaf("test-leaf", issuer: "test", from: "20240101000000Z", to: "20281231235959Z")
        XCTAssertEqual(try run(["trust", "add", "--test", root.path]).status, 0)
        let text = try run(["cert", "verify", leaf.path, "--kind", "auth"])
        XCTAssertEqual(text.status, 0, text.stdout + text.stderr)
        XCTAssertTrue(text.stdout.contains("TEST HIERARCHY: the chain ends at a JPKI test root"), text.stdout)
        let json = try run(["cert", "verify", leaf.path, "--kind", "auth", "--json"]).json()
        XCTAssertEqual(json["testHierarchy"] as? Bool, true)
        XCTAssertEqual((json["trustAnchor"] as? [String: Any])?["classification"] as? String, "jpki-test")
    }
}
