//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport
import XCTest

/// A J-LIS-shaped test PKI made with the `openssl` CLI: an authentication root and a signing root (RSA-2048,
/// sha256WithRSAEncryption, CA:TRUE, critical keyUsage), a foreign root with the same DN as the authentication root,
/// leaves for every verdict, CRLs and signatures.
///
/// Built once per test process (``shared``) with TestSupport's `OpenSSLTool`; RSA keys are cached across runs in the
/// temporary directory, because generating them is the slow part.
final class TestPKI: Sendable {
    static let shared: Result<TestPKI, any Error> = Result { try TestPKI() }

    static func get() throws -> TestPKI { try shared.get() }

    static let authRootDN =
        "/C=JP/O=JPKI/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems"
    static let signRootDN =
        "/C=JP/O=JPKI/OU=JPKI for digital signature/OU=Japan Agency for Local Authority Information Systems"

    static let identityName = "山田 太郎"
    static let identityAddress = "東京都千代田区霞が関2丁目1番2号"

    let directory: URL

    /// PEM files.
    let authRoot, signRoot, foreignRoot: URL
    let authLeaf, signLeaf, revokedLeaf, expiredLeaf, notYetValidLeaf, foreignLeaf, selfSignedLeaf, caFlagLeaf: URL
    let authCRL, signCRL, foreignCRL: URL
    /// The leaf private key (PEM) and its public key.
    let leafKey, leafPublicKey: URL
    /// Data signed with the leaf key, and its signatures per hash.
    let data: URL
    let signatures: [HashAlgorithm: URL]
    /// When the CRLs were made (their thisUpdate is about now; nextUpdate 30 days later).
    let crlTime: Date

    func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }
    func certificate(_ url: URL) throws -> Certificate { try Certificate(bytes: bytes(url)) }
    func crl(_ url: URL) throws -> RevocationList { try RevocationList(bytes: bytes(url)) }

    private init() throws {
        let fileManager = FileManager.default
        // The shared PKI lives until the process ends, so nothing deletes its directory: clear out those of earlier
        // runs that are more than an hour old.
        let temporary = fileManager.temporaryDirectory
        for name in (try? fileManager.contentsOfDirectory(atPath: temporary.path)) ?? []
        where name.hasPrefix("mynaverify-pki-") {
            let old = temporary.appendingPathComponent(name)
            let modified = (try? fileManager.attributesOfItem(atPath: old.path))?[.modificationDate] as? Date
            if let modified, modified < Date(timeIntervalSinceNow: -3600) { try? fileManager.removeItem(at: old) }
        }
        let directory = fileManager.temporaryDirectory.appendingPathComponent("mynaverify-pki-\(UUID().uuidString)")
        self.directory = directory
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        func key(_ name: String) throws -> URL { try OpenSSLTool.cachedRSAKey(name, cache: "mynaverify-test-keys-v1") }
        let authRootKey = try key("auth-root")
        let signRootKey = try key("sign-root")
        let foreignRootKey = try key("foreign-root")
        let leafKey = try key("leaf")
        self.leafKey = leafKey

        let config = directory.appendingPathComponent("openssl.cnf")
        try Self.configuration.write(to: config, atomically: true, encoding: .utf8)
        func path(_ name: String) -> URL { directory.appendingPathComponent(name) }
        let authRoot: URL

        func makeRoot(_ name: String, key: URL, dn: String) throws -> URL {
            let out = path("\(name).pem")
            try OpenSSLTool.run([
                "req", "-new", "-x509", "-config", config.path, "-key", key.path, "-subj", dn, "-days", "7300",
                "-sha256", "-extensions", "v3_root", "-set_serial", "1", "-out", out.path,
            ])
            let caDirectory = path(name + "-ca")
            try fileManager.createDirectory(
                at: caDirectory.appendingPathComponent("newcerts"),
                withIntermediateDirectories: true
            )
            try "".write(to: caDirectory.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
            try "1000\n".write(to: caDirectory.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
            try "01\n".write(to: caDirectory.appendingPathComponent("crlnumber"), atomically: true, encoding: .utf8)
            return out
        }
        authRoot = try makeRoot("auth-root", key: authRootKey, dn: Self.authRootDN)
        self.authRoot = authRoot
        signRoot = try makeRoot("sign-root", key: signRootKey, dn: Self.signRootDN)
        foreignRoot = try makeRoot("foreign-root", key: foreignRootKey, dn: Self.authRootDN)

        let request = directory.appendingPathComponent("leaf.csr")
        func issue(
            _ name: String,
            ca: String,
            caKey: URL,
            extensions: String,
            subject: String,
            start: String = "20240101000000Z",
            end: String = "20391231235959Z"
        ) throws -> URL {
            try OpenSSLTool.run([
                "req", "-new", "-config", config.path, "-key", leafKey.path, "-subj", subject, "-out", request.path,
            ])
            let out = path("\(name).pem")
            try OpenSSLTool.run(
                [
                    "ca", "-batch", "-config", config.path, "-name", "ca_\(ca)", "-cert", path("\(ca).pem").path,
                    "-keyfile", caKey.path, "-in", request.path, "-out", out.path, "-extensions", extensions,
                    "-startdate", start, "-enddate", end, "-notext", "-preserveDN", "-md", "sha256",
                ],
                in: directory
            )
            return out
        }
        authLeaf = try issue(
            "auth-leaf", ca: "auth-root", caKey: authRootKey, extensions: "auth_leaf", subject: "/CN=AUTH0001/C=JP")
        let revokedLeaf = try issue(
            "revoked-leaf", ca: "auth-root", caKey: authRootKey, extensions: "auth_leaf", subject: "/CN=AUTH0002/C=JP")
        expiredLeaf = try issue(
            "expired-leaf", ca: "auth-root", caKey: authRootKey, extensions: "auth_leaf", subject: "/CN=AUTH0003/C=JP",
            start: "20150101000000Z", end: "20200101000000Z")
        notYetValidLeaf = try issue(
            "not-yet-valid-leaf", ca: "auth-root", caKey: authRootKey, extensions: "auth_leaf",
            subject: "/CN=AUTH0004/C=JP", start: "20400101000000Z", end: "20450101000000Z")
        caFlagLeaf = try issue(
            "ca-flag-leaf", ca: "auth-root", caKey: authRootKey, extensions: "ca_leaf", subject: "/CN=AUTH0005/C=JP")
        signLeaf = try issue(
            "sign-leaf", ca: "sign-root", caKey: signRootKey, extensions: "sign_leaf", subject: "/CN=SIGN0001/C=JP")
        foreignLeaf = try issue(
            "foreign-leaf", ca: "foreign-root", caKey: foreignRootKey, extensions: "auth_leaf",
            subject: "/CN=AUTH0006/C=JP")

        self.revokedLeaf = revokedLeaf
        let selfSignedLeaf = path("self-signed-leaf.pem")
        self.selfSignedLeaf = selfSignedLeaf
        try OpenSSLTool.run([
            "req", "-new", "-x509", "-config", config.path, "-key", leafKey.path, "-subj", "/CN=SELF0001/C=JP",
            "-days", "3650", "-sha256", "-extensions", "self_leaf", "-out", selfSignedLeaf.path,
        ])

        try OpenSSLTool.run(
            [
                "ca", "-config", config.path, "-name", "ca_auth-root", "-cert", authRoot.path, "-keyfile",
                authRootKey.path, "-revoke", revokedLeaf.path, "-crl_reason", "keyCompromise",
            ],
            in: directory
        )
        crlTime = Date()
        func makeCRL(_ ca: String, key: URL) throws -> URL {
            let out = path("\(ca).crl.pem")
            try OpenSSLTool.run(
                [
                    "ca", "-gencrl", "-config", config.path, "-name", "ca_\(ca)", "-cert", path("\(ca).pem").path,
                    "-keyfile", key.path, "-crldays", "30", "-out", out.path,
                ],
                in: directory
            )
            return out
        }
        authCRL = try makeCRL("auth-root", key: authRootKey)
        signCRL = try makeCRL("sign-root", key: signRootKey)
        foreignCRL = try makeCRL("foreign-root", key: foreignRootKey)

        let leafPublicKey = path("leaf.pub.pem")
        self.leafPublicKey = leafPublicKey
        try OpenSSLTool.run(["pkey", "-in", leafKey.path, "-pubout", "-out", leafPublicKey.path])
        let data = path("data.bin")
        self.data = data
        try Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: data)
        var signatures: [HashAlgorithm: URL] = [:]
        for hash in HashAlgorithm.allCases {
            let out = path("data.\(hash.rawValue).sig")
            try OpenSSLTool.run(["dgst", "-\(hash.rawValue)", "-sign", leafKey.path, "-out", out.path, data.path])
            signatures[hash] = out
        }
        self.signatures = signatures
    }

    /// `openssl verify` exit status 0 or not, for cross-checking verdicts.
    func opensslVerifies(
        _ leaf: URL,
        roots: [URL],
        untrusted: [URL] = [],
        crls: [URL] = [],
        crlCheck: Bool,
        at time: Date
    ) throws -> Bool {
        let bundle = directory.appendingPathComponent("roots-\(UUID().uuidString).pem")
        defer { try? FileManager.default.removeItem(at: bundle) }
        try Data(roots.map { try Data(contentsOf: $0) }.joined()).write(to: bundle)
        var arguments = ["verify", "-CAfile", bundle.path, "-attime", String(Int(time.timeIntervalSince1970))]
        for url in untrusted { arguments += ["-untrusted", url.path] }
        if crlCheck { arguments.append("-crl_check") }
        for url in crls { arguments += ["-CRLfile", url.path] }
        arguments.append(leaf.path)
        return try OpenSSLTool.run(arguments, allowFailure: true).status == 0
    }

    private static let configuration = OpenSSLConfiguration.file(
        cas: ["auth-root", "sign-root", "foreign-root"].map { OpenSSLConfiguration.CA(name: "ca_\($0)", directory: "\($0)-ca") },
        extensions: [
            OpenSSLConfiguration.root(),
            OpenSSLConfiguration.authenticationLeaf(),
            OpenSSLConfiguration.section("ca_leaf", [
                "basicConstraints = critical, CA:TRUE", "keyUsage = critical, digitalSignature",
                "certificatePolicies = \(OpenSSLConfiguration.authenticationPolicy)", "subjectKeyIdentifier = hash",
                "authorityKeyIdentifier = keyid",
            ]),
            OpenSSLConfiguration.authenticationLeaf("self_leaf", authorityKeyIdentifier: nil),
            OpenSSLConfiguration.section("sign_leaf", [
                "basicConstraints = CA:FALSE", "keyUsage = critical, nonRepudiation",
                "certificatePolicies = 1.2.392.200149.8.5.1.1.20", "subjectKeyIdentifier = hash",
                "authorityKeyIdentifier = keyid", "subjectAltName = @sign_identity",
            ]),
            OpenSSLConfiguration.section("sign_identity", [
                "otherName.0 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8String:\(identityName)",
                "otherName.1 = 1.2.392.200149.8.5.5.2;FORMAT:UTF8,UTF8String:山田 太郎",
                "otherName.2 = 1.2.392.200149.8.5.5.3;PRINTABLESTRING:1",
                "otherName.3 = 1.2.392.200149.8.5.5.4;IA5STRING:19800102",
                "otherName.4 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8String:\(identityAddress)",
                "otherName.5 = 1.2.392.200149.8.5.5.6;FORMAT:UTF8,UTF8String:東京都千代田区霞が関2丁目1番2号",
            ]),
        ])
}
