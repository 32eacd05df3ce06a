//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
@testable import MynaVerify
import TestSupport
import XCTest

/// Checks that the revocation code frees every OpenSSL object it creates, the way `LeakCheckTests` does for chain
/// verification: `testRevocationNoLeaksUnderValgrind` runs `testRevocationLeakWorkload` under valgrind with few and
/// with many iterations and compares the lost totals.
///
/// The workload covers CRL issuing, parsing, sorting and lookups, the cache, the complete-CRL check, OCSP requests,
/// a live exchange with an `openssl ocsp` responder started by the parent, an HTTP error, a refused connection (with
/// its probe), and the evaluation of saved, doctored and garbage responses.
final class RevocationLeakCheckTests: XCTestCase {
    static let workloadVariable = "MYNAVERIFY_REVOCATION_LEAK_WORKLOAD"
    static let directoryVariable = "MYNAVERIFY_REVOCATION_LEAK_DIRECTORY"
    static let urlsVariable = "MYNAVERIFY_REVOCATION_LEAK_URLS"

    func testRevocationLeakWorkload() async throws {
        let (iterations, directory) = try Valgrind.workloadParameters(
            iterations: Self.workloadVariable, directory: Self.directoryVariable,
            startedBy: "testRevocationNoLeaksUnderValgrind")
        let urls = try XCTUnwrap(ProcessInfo.processInfo.environment[Self.urlsVariable]).split(separator: " ").map(String.init)
        let (live, serverError, down) = (urls[0], urls[1], urls[2])
        func file(_ name: String) -> String { URL(fileURLWithPath: directory).appendingPathComponent(name).path }
        func certificate(_ name: String) throws -> Certificate {
            try Certificate(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: file(name)))))
        }
        let (good, revoked, ca) = (try certificate("good.pem"), try certificate("revoked.pem"), try certificate("ca.pem"))
        let saved = Array(try Data(contentsOf: URL(fileURLWithPath: file("saved.ocsp"))))
        let (partitionCA, partitionLeaf) = (try certificate("scope/ca.pem"), try certificate("scope/leaf.pem"))
        let partitionCRL = Array(try Data(contentsOf: URL(fileURLWithPath: file("scope/partition.crl"))))
        let issuer = try RevocationListIssuer(commonName: "Leak test CA")
        let cache = RevocationListCache()
        let client = OCSPClient(options: .init(timeout: .seconds(1)))

        for iteration in 0..<iterations {
            let der = try issuer.issue(
                count: 200,
                entry: { RevocationListIssuer.Entry(
                    serialNumber: SerialNumber(magnitude: [0x40, UInt8($0 % 256), UInt8($0 / 256)]),
                    revocationDate: Date(), reason: $0 % 2 == 0 ? .keyCompromise : nil) },
                thisUpdate: Date(), nextUpdate: Date().addingTimeInterval(3600), sorted: iteration % 2 == 0)
            let path = file("list-\(iteration % 2).crl")
            try Data(der).write(to: URL(fileURLWithPath: path))
            let list = try cache.revocationList(atPath: path)
            XCTAssertTrue(list.contains(SerialNumber(magnitude: [0x40, 7, 0])))
            _ = list.revocation(ofSerialNumber: SerialNumber(magnitude: [0x40, 8, 0]))
            _ = list.revocation(of: good)
            _ = list.revocationFailures(of: good, issuer: ca, at: Date())
            _ = list.revokedCertificates
            _ = try? RevocationList(bytes: Array(der.prefix(100)))
            _ = try? RevocationList(bytes: Array(list.pem.utf8))
            let partition = try RevocationList(bytes: partitionCRL)
            _ = partition.revocationFailures(of: partitionLeaf, issuer: partitionCA, at: Date())
            _ = partition.revocationFailures(of: good, issuer: partitionCA, at: Date())

            let request = try OCSPRequest(certificate: revoked, issuer: ca, hashAlgorithm: .sha256)
            let answer = await client.check(good, issuer: ca, responderURL: live)
            XCTAssertTrue(answer.isGood, "\(answer.failures)")
            _ = await client.check(good, issuer: ca, responderURL: serverError)
            _ = client.checkBlocking(good, issuer: ca, responderURL: down)
            _ = client.evaluate(response: saved, for: good, issuer: ca, source: .response(name: "saved"))
            _ = client.evaluate(response: saved, to: request, source: .response(name: "saved"))
            var doctored = saved
            doctored[doctored.count - 300] ^= 0xFF
            _ = client.evaluate(response: doctored, for: good, issuer: ca, source: .response(name: "doctored"))
            _ = client.evaluate(response: [0x30, 0x03, 0x0A, 0x01, 0x03], for: good, issuer: ca, source: .response(name: "x"))
            _ = client.evaluate(response: Array("garbage".utf8), for: good, issuer: ca, source: .response(name: "x"))
            _ = client.checkBlocking(good, issuer: good, responderURL: live)
        }
    }

    func testRevocationNoLeaksUnderValgrind() throws {
        _ = try Valgrind.executable()  // skips (fails under CI=true) before any fixture is made
        let directory = try makeTemporaryDirectory("mynaverify-revocation-leaks")
        let pki = try OCSPTestPKI(in: directory)
        for name in ["good.pem", "revoked.pem", "ca.pem"] {
            try FileManager.default.copyItem(
                at: pki.directory.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let responder = try OpenSSLOCSPResponder(
            index: pki.index, ca: pki.ca, signer: pki.responder, key: pki.responderKey, extra: ["-nmin", "60"])
        defer { responder.stop() }
        let saved = directory.appendingPathComponent("saved.ocsp")
        try OpenSSLTool.run(["ocsp", "-issuer", pki.ca.path, "-cert", pki.good.path, "-url", responder.url,
            "-no_nonce", "-respout", saved.path, "-noverify"])
        // A partitioned CRL (issuingDistributionPoint) and a leaf that names its partition.
        let scope = directory.appendingPathComponent("scope")
        try FileManager.default.createDirectory(at: scope, withIntermediateDirectories: true)
        try RevocationListScopeTests.makeCA(in: scope)
        for arguments in [
            ["req", "-new", "-config", "ca.cnf", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-subj",
             "/C=JP/CN=leaf", "-out", "leaf.csr"],
            ["ca", "-batch", "-config", "ca.cnf", "-in", "leaf.csr", "-out", "leaf.pem", "-extensions", "leaf_dp1",
             "-days", "365", "-notext"],
            ["ca", "-gencrl", "-config", "ca.cnf", "-crlexts", "idp_dp1", "-crldays", "7", "-out", "partition.crl"],
        ] {
            try OpenSSLTool.run(arguments, in: scope)
        }
        let serverError = try CannedHTTPResponder(.status(500))
        defer { serverError.stop() }
        let urls = [responder.url, serverError.url, "http://127.0.0.1:\(try freePort())/"].joined(separator: " ")

        try Valgrind.assertLossDoesNotGrow(
            test: "MynaVerifyTests.RevocationLeakCheckTests/testRevocationLeakWorkload",
            iterationsVariable: Self.workloadVariable,
            environment: [Self.directoryVariable: directory.path, Self.urlsVariable: urls], iterations: (2, 8),
            label: "revocation")
    }
}
