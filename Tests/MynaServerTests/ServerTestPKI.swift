//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import TestSupport
import XCTest

/// The certificates the service is tested with, made by the `openssl` CLI (an implementation independent of
/// MynaVerify): J-LIS-shaped authentication and signing roots, a foreign root with the same DN as the authentication
/// root, an authentication leaf, a revoked one with the CRL that revokes it, a signing leaf with the four attributes,
/// and a leaf under the foreign root. Every leaf has the same key, whose private half signs the challenges (with
/// `openssl dgst -sign`, so the signatures are not made by MynaKit either).
final class ServerTestPKI: Sendable {
    static let shared: Result<ServerTestPKI, any Error> = Result { try ServerTestPKI() }
    static func get() throws -> ServerTestPKI { try shared.get() }

    static let authRootDN =
        "/C=JP/O=JPKI/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems"
    static let signRootDN =
        "/C=JP/O=JPKI/OU=JPKI for digital signature/OU=Japan Agency for Local Authority Information Systems"
    static let name = "番号 花子"
    static let address = "北海道札幌市中央区北1条西2丁目"

    let directory: URL
    let authRoot, signRoot, foreignRoot: URL
    let authLeaf, revokedLeaf, signLeaf, foreignLeaf: URL
    let authCRL: URL
    let leafKey: URL

    func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    /// The DER of a PEM certificate file.
    func der(_ url: URL) throws -> [UInt8] {
        let out = directory.appendingPathComponent("der-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try OpenSSLTool.run(["x509", "-in", url.path, "-outform", "DER", "-out", out.path])
        return try bytes(out)
    }

    /// `openssl dgst -HASH -sign` with the leaf key over `data`.
    func sign(_ data: [UInt8], hash: String = "sha256") throws -> [UInt8] {
        let input = directory.appendingPathComponent("data-\(UUID().uuidString)")
        let output = directory.appendingPathComponent("sig-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        try Data(data).write(to: input)
        try OpenSSLTool.run(["dgst", "-\(hash)", "-sign", leafKey.path, "-out", output.path, input.path])
        return try bytes(output)
    }

    private init() throws {
        let files = FileManager.default
        let directory = files.temporaryDirectory.appendingPathComponent("mynaserver-pki-\(UUID().uuidString)")
        self.directory = directory
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        func key(_ name: String) throws -> URL { try OpenSSLTool.cachedRSAKey(name, cache: "mynaserver-test-keys-v1") }
        func path(_ name: String) -> URL { directory.appendingPathComponent(name) }
        let config = path("openssl.cnf")
        try Self.configuration.write(to: config, atomically: true, encoding: .utf8)

        func root(_ name: String, key: URL, dn: String) throws -> URL {
            let out = path("\(name).pem")
            try OpenSSLTool.run([
                "req", "-new", "-x509", "-config", config.path, "-key", key.path, "-subj", dn, "-days", "3650",
                "-sha256", "-extensions", "root", "-set_serial", "1", "-out", out.path,
            ])
            let ca = path("ca-\(name)")
            try files.createDirectory(at: ca.appendingPathComponent("newcerts"), withIntermediateDirectories: true)
            try "".write(to: ca.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
            try "2000\n".write(to: ca.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
            try "01\n".write(to: ca.appendingPathComponent("crlnumber"), atomically: true, encoding: .utf8)
            return out
        }
        let authRootKey = try key("auth-root"), signRootKey = try key("sign-root")
        let foreignRootKey = try key("foreign-root")
        let leafKey = try key("leaf")
        self.leafKey = leafKey
        let authRoot = try root("auth-root", key: authRootKey, dn: Self.authRootDN)
        self.authRoot = authRoot
        signRoot = try root("sign-root", key: signRootKey, dn: Self.signRootDN)
        foreignRoot = try root("foreign-root", key: foreignRootKey, dn: Self.authRootDN)

        let request = path("leaf.csr")
        func leaf(_ name: String, ca: String, caKey: URL, profile: String, cn: String) throws -> URL {
            try OpenSSLTool.run([
                "req", "-new", "-config", config.path, "-key", leafKey.path, "-subj", "/CN=\(cn)/C=JP",
                "-out", request.path,
            ])
            let out = path("\(name).pem")
            try OpenSSLTool.run(
                [
                    "ca", "-batch", "-config", config.path, "-name", "ca_\(ca)", "-cert", path("\(ca).pem").path,
                    "-keyfile", caKey.path, "-in", request.path, "-out", out.path, "-extensions", profile,
                    "-startdate", "20240101000000Z", "-enddate", "20391231235959Z", "-notext", "-preserveDN",
                    "-md", "sha256",
                ],
                in: directory)
            return out
        }
        authLeaf = try leaf("auth-leaf", ca: "auth-root", caKey: authRootKey, profile: "auth", cn: "SRVAUTH0001")
        let revokedLeaf = try leaf("revoked-leaf", ca: "auth-root", caKey: authRootKey, profile: "auth", cn: "SRVAUTH0002")
        signLeaf = try leaf("sign-leaf", ca: "sign-root", caKey: signRootKey, profile: "sign", cn: "SRVSIGN0001")
        foreignLeaf = try leaf("foreign-leaf", ca: "foreign-root", caKey: foreignRootKey, profile: "auth", cn: "SRVAUTH0003")
        self.revokedLeaf = revokedLeaf

        let authCRL = path("auth-root.crl.pem")
        self.authCRL = authCRL
        let caArguments = ["-config", config.path, "-name", "ca_auth-root", "-cert", authRoot.path, "-keyfile", authRootKey.path]
        try OpenSSLTool.run(
            ["ca"] + caArguments + ["-revoke", revokedLeaf.path, "-crl_reason", "keyCompromise"],
            in: directory)
        try OpenSSLTool.run(
            ["ca", "-gencrl"] + caArguments + ["-crldays", "30", "-out", authCRL.path],
            in: directory)
    }

    private static let configuration = OpenSSLConfiguration.file(
        cas: ["auth-root", "sign-root", "foreign-root"].map {
            OpenSSLConfiguration.CA(name: "ca_\($0)", directory: "ca-\($0)")
        },
        extensions: [
            OpenSSLConfiguration.root("root"),
            OpenSSLConfiguration.authenticationLeaf("auth"),
            OpenSSLConfiguration.section("sign", [
                "basicConstraints = CA:FALSE", "keyUsage = critical, digitalSignature, nonRepudiation",
                "certificatePolicies = 1.2.392.200149.8.5.1.1.20", "subjectKeyIdentifier = hash",
                "authorityKeyIdentifier = keyid", "subjectAltName = @identity",
            ]),
            OpenSSLConfiguration.section("identity", [
                "otherName.0 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8String:\(name)",
                "otherName.1 = 1.2.392.200149.8.5.5.3;PRINTABLESTRING:2",
                "otherName.2 = 1.2.392.200149.8.5.5.4;IA5STRING:19900315",
                "otherName.3 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8String:\(address)",
            ]),
        ])
}
