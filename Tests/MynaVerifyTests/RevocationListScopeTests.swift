//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
@testable import MynaVerify
import TestSupport
import XCTest

/// `RevocationList.revocationFailures(of:issuer:at:)` on partitioned and unusual CRLs made by `openssl ca`, judged
/// against `openssl verify -crl_check` and against `CertificateVerifier` with the same list.
final class RevocationListScopeTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("mynaverify-crl-scope")
        try Self.makeCA(in: directory)
    }

    /// An `openssl ca` directory with this test's configuration and a CA (`ca.pem`, `ca.key`).
    static func makeCA(in directory: URL) throws {
        try configuration.write(to: directory.appendingPathComponent("ca.cnf"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("newcerts"), withIntermediateDirectories: true)
        try "".write(to: directory.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
        try "2000\n".write(to: directory.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
        try "01\n".write(to: directory.appendingPathComponent("crlnumber"), atomically: true, encoding: .utf8)
        try OpenSSLTool.run(
            ["req", "-new", "-x509", "-config", "ca.cnf", "-extensions", "root", "-newkey", "rsa:2048", "-nodes",
             "-keyout", "ca.key", "-subj", "/C=JP/O=Scope test/CN=Scope CA", "-days", "3650", "-out", "ca.pem"],
            in: directory)
    }

    private func path(_ name: String) -> URL { directory.appendingPathComponent(name) }

    private func run(_ arguments: [String]) throws { try OpenSSLTool.run(arguments, in: directory) }

    private func leaf(_ name: String, extensions: String) throws -> Certificate {
        try run(["req", "-new", "-config", "ca.cnf", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key",
            "-subj", "/C=JP/CN=\(name)", "-out", "\(name).csr"])
        try run(["ca", "-batch", "-config", "ca.cnf", "-in", "\(name).csr", "-out", "\(name).pem", "-extensions",
            extensions, "-days", "365", "-notext"])
        return try Certificate(bytes: Array(try Data(contentsOf: path("\(name).pem"))))
    }

    private func crl(_ name: String, extensions: String) throws -> RevocationList {
        try run(["ca", "-gencrl", "-config", "ca.cnf", "-crlexts", extensions, "-crldays", "7", "-out", "\(name).crl"])
        return try RevocationList(contentsOfFile: path("\(name).crl").path)
    }

    /// Whether `openssl verify -crl_check` accepts the leaf with this one CRL.
    private func opensslAccepts(_ leaf: String, crl: String) throws -> Bool {
        try OpenSSLTool.run(
            ["verify", "-CAfile", "ca.pem", "-crl_check", "-CRLfile", crl, "\(leaf).pem"], in: directory,
            allowFailure: true
        ).status == 0
    }

    func testAPartitionCoversOnlyTheCertificatesThatNameIt() throws {
        let inPartition = try leaf("partition-one", extensions: "leaf_dp1")
        let goodInPartition = try leaf("partition-one-good", extensions: "leaf_dp1")
        let otherPartition = try leaf("partition-two", extensions: "leaf_dp2")
        let noPoint = try leaf("no-point", extensions: "leaf")
        try run(["ca", "-config", "ca.cnf", "-revoke", "partition-one.pem", "-crl_reason", "keyCompromise"])
        let list = try crl("partition-one", extensions: "idp_dp1")
        let ca = try Certificate(bytes: Array(try Data(contentsOf: path("ca.pem"))))
        let verifier = CertificateVerifier(
            trustStore: try TrustStore(anchors: [ca]), profile: .authentication, revocationPolicy: .require)
        let now = Date().addingTimeInterval(60)

        let revoked = list.revocationFailures(of: inPartition, issuer: ca, at: now)
        XCTAssertEqual(revoked.map(\.code), ["revoked"])
        XCTAssertFalse(try opensslAccepts("partition-one", crl: "partition-one.crl"))
        XCTAssertEqual(
            verifier.verify(leaf: inPartition, crls: [list]).chainFailures.map(\.code), revoked.map(\.code))

        for (certificate, name) in [(otherPartition, "partition-two"), (noPoint, "no-point")] {
            let failures = list.revocationFailures(of: certificate, issuer: ca, at: now)
            XCTAssertEqual(failures, [.crlMissing(issuer: ca.subject.description)], name)
            XCTAssertFalse(try opensslAccepts(name, crl: "partition-one.crl"), "openssl: no CRL for \(name)")
            let verdict = verifier.verify(leaf: certificate, crls: [list]).chainFailures.map(\.code)
            XCTAssertTrue(verdict.contains("crl-missing"), "\(name): \(verdict)")
        }

        // The same partition named relative to the issuer (nameRelativeToCRLIssuer on the list, a full directory name
        // on the certificate) is the same point.
        let relative = try crl("relative", extensions: "idp_dp1_relative")
        XCTAssertEqual(relative.revocationFailures(of: inPartition, issuer: ca, at: now).map(\.code), ["revoked"])
        XCTAssertEqual(relative.revocationFailures(of: otherPartition, issuer: ca, at: now).map(\.code), ["crl-missing"])
        // A certificate of the partition that is not revoked: covered by both lists, for openssl too.
        for name in ["partition-one", "relative"] {
            let list = name == "relative" ? relative : list
            XCTAssertEqual(list.revocationFailures(of: goodInPartition, issuer: ca, at: now), [], name)
            XCTAssertTrue(try opensslAccepts("partition-one-good", crl: "\(name).crl"), name)
        }
    }

    func testListsItDoesNotJudgeAreRefused() throws {
        let certificate = try leaf("plain", extensions: "leaf_dp1")
        let ca = try Certificate(bytes: Array(try Data(contentsOf: path("ca.pem"))))
        let now = Date().addingTimeInterval(60)
        XCTAssertEqual(try crl("plain", extensions: "crl_plain").revocationFailures(of: certificate, issuer: ca, at: now), [])
        let verifier = CertificateVerifier(trustStore: try TrustStore(anchors: [ca]), profile: .authentication)
        for extensions in ["idp_some_reasons", "idp_indirect", "crl_unknown_critical"] {
            let list = try crl(extensions, extensions: extensions)
            let failures = list.revocationFailures(of: certificate, issuer: ca, at: now)
            XCTAssertEqual(failures.map(\.code), ["crl-invalid"], extensions)
            // The verifier hands such a list to OpenSSL's own check, whose verdict stands.
            XCTAssertNil(
                verifier.directRevocationCheck(leaf: certificate, intermediates: [], at: now, crls: [list]), extensions)
            let viaOpenSSL = verifier.openSSLCheck(
                leaf: certificate, intermediates: [], at: now, crls: [list], checkRevocation: true)
            XCTAssertEqual(
                verifier.verify(leaf: certificate, at: now, crls: [list]).chainFailures, viaOpenSSL.failures, extensions)
        }
        // A list for CA certificates only does not cover a leaf.
        XCTAssertEqual(
            try crl("only-ca", extensions: "idp_only_ca").revocationFailures(of: certificate, issuer: ca, at: now),
            [.crlMissing(issuer: ca.subject.description)])
        XCTAssertEqual(
            try crl("only-users", extensions: "idp_only_users").revocationFailures(of: certificate, issuer: ca, at: now),
            [])
    }

    /// The `openssl ca` configuration of these tests (also used by `RevocationLeakCheckTests`).
    static let configuration = OpenSSLConfiguration.file(
        cas: [
            OpenSSLConfiguration.CA(
                name: "scope_ca", directory: ".", certificate: "ca.pem", privateKey: "ca.key", isDefault: true,
                policy: .commonNameFirst)
        ],
        extensions: [
            OpenSSLConfiguration.root("root"),
            OpenSSLConfiguration.authenticationLeaf("leaf", subjectKeyIdentifier: nil),
            OpenSSLConfiguration.authenticationLeaf(
                "leaf_dp1", subjectKeyIdentifier: nil, extra: ["crlDistributionPoints = dp1"]),
            OpenSSLConfiguration.authenticationLeaf(
                "leaf_dp2", subjectKeyIdentifier: nil, extra: ["crlDistributionPoints = dp2"]),
            // The distribution points and the CRL extensions of these tests.
            """
            [ dp1 ]
            fullname = dirName:dp1_name
            [ dp2 ]
            fullname = dirName:dp2_name
            [ dp1_name ]
            C = JP
            O = Scope test
            CN = Scope CA
            OU = CRL partition 1
            [ dp2_name ]
            C = JP
            O = Scope test
            CN = Scope CA
            OU = CRL partition 2
            [ idp_dp1 ]
            authorityKeyIdentifier = keyid
            issuingDistributionPoint = critical, @idp1
            [ idp1 ]
            fullname = dirName:dp1_name
            onlyuser = TRUE
            [ idp_dp1_relative ]
            authorityKeyIdentifier = keyid
            issuingDistributionPoint = critical, @idp1_relative
            [ idp1_relative ]
            relativename = relative_rdn
            [ relative_rdn ]
            OU = CRL partition 1
            [ crl_plain ]
            authorityKeyIdentifier = keyid
            [ idp_some_reasons ]
            issuingDistributionPoint = critical, @idp_reasons
            [ idp_reasons ]
            onlysomereasons = keyCompromise
            [ idp_indirect ]
            issuingDistributionPoint = critical, @idp_indirect_section
            [ idp_indirect_section ]
            indirectCRL = TRUE
            [ idp_only_ca ]
            issuingDistributionPoint = critical, @idp_ca
            [ idp_ca ]
            onlyCA = TRUE
            [ idp_only_users ]
            issuingDistributionPoint = critical, @idp_users
            [ idp_users ]
            onlyuser = TRUE
            [ crl_unknown_critical ]
            1.2.3.4.5 = critical, DER:05:00
            """,
        ])
}
