//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import TestSupport
import XCTest

/// Roots, leaves and CRLs for the trust tests, made with the `openssl` CLI (`openssl ca`, so that validity can lie in
/// the past), and the facts `openssl` reports about files, to judge the CLI's output by.
struct TrustTestCA {
    static let environmentVariable = "MYNAKIT_TRUST_DIR"
    static let jlisDN =
        "/C=JP/O=JPKI/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems"
    static let testDN =
        "/C=JP/O=JPKI-TEST/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems"

    let directory: URL
    private let config: URL

    init(in directory: URL) throws {
        self.directory = directory
        config = directory.appendingPathComponent("openssl.cnf")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.configuration.write(to: config, atomically: true, encoding: .utf8)
    }

    private func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// An RSA-2048 key per name, cached across runs (generating it is the slow part).
    private func key(_ name: String) throws -> URL {
        try OpenSSLTool.cachedRSAKey(name, cache: "mynakit-trust-test-keys-v1")
    }

    /// An `openssl ca` database in `name/`.
    private func database(_ name: String) throws {
        let base = url(name)
        try FileManager.default.createDirectory(at: base.appendingPathComponent("newcerts"), withIntermediateDirectories: true)
        try "".write(to: base.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
        try "01\n".write(to: base.appendingPathComponent("crlnumber"), atomically: true, encoding: .utf8)
        try "unique_subject = no\n".write(to: base.appendingPathComponent("index.txt.attr"), atomically: true, encoding: .utf8)
    }

    private func ca(_ name: String, _ arguments: [String]) throws {
        try OpenSSLTool.run(
            ["ca", "-batch", "-config", config.path, "-name", "ca_section", "-notext", "-preserveDN"] + arguments,
            in: url(name))
    }

    /// A self-signed CA `name.pem` with subject `dn`, valid `from` to `to` (`YYYYMMDDHHMMSSZ`).
    func root(_ name: String, dn: String, from: String, to: String) throws -> URL {
        try database(name)
        let request = url("\(name).csr")
        try OpenSSLTool.run(["req", "-new", "-config", config.path, "-key", try key(name).path, "-subj", dn,
                             "-out", request.path])
        try ca(name, ["-selfsign", "-keyfile", try key(name).path, "-in", request.path, "-extensions", "v3_root",
                      "-startdate", from, "-enddate", to, "-out", url("\(name).pem").path])
        return url("\(name).pem")
    }

    /// A JPKI-shaped authentication leaf `name.pem` issued by root `issuer`.
    func leaf(_ name: String, issuer: String, from: String, to: String) throws -> URL {
        let request = url("\(name).csr")
        try OpenSSLTool.run(["req", "-new", "-config", config.path, "-key", try key("leaf").path, "-subj",
                             "/CN=TRUST0001/C=JP", "-out", request.path])
        try ca(issuer, ["-cert", url("\(issuer).pem").path, "-keyfile", try key(issuer).path, "-in", request.path,
                        "-extensions", "auth_leaf", "-startdate", from, "-enddate", to, "-out", url("\(name).pem").path])
        return url("\(name).pem")
    }

    /// An empty CRL of the root in `issuer` signed with `key`, valid 30 days from now.
    func crl(issuer: String, key: String) throws -> URL {
        try database("crl")
        let out = url("issuer.crl.pem")
        try OpenSSLTool.run(
            ["ca", "-config", config.path, "-name", "ca_section", "-gencrl", "-cert", issuer, "-keyfile", key, "-crldays", "30",
             "-out", out.path],
            in: url("crl"))
        return out
    }

    /// The SHA-256 fingerprint `openssl x509` prints for a certificate file, as 64 upper-case hexadecimal digits.
    static func opensslFingerprint(_ path: String) throws -> String {
        let output = try OpenSSLTool.run(["x509", "-in", path, "-noout", "-fingerprint", "-sha256"]).standardOutput
        return String(output.split(separator: "=").last?.filter { $0.isHexDigit } ?? "")
    }

    /// `lastUpdate` and `nextUpdate` as `openssl crl` prints them, turned into RFC 3339 (UTC).
    static func opensslUpdateTimes(_ path: String) throws -> (String, String) {
        let output = try OpenSSLTool.run(["crl", "-in", path, "-noout", "-lastupdate", "-nextupdate"]).standardOutput
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "GMT")
        parser.dateFormat = "MMM d HH:mm:ss yyyy 'GMT'"
        var times: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let date = parser.date(from: parts[1].replacingOccurrences(of: "  ", with: " ")) else {
                continue
            }
            times[parts[0]] = ISO8601DateFormatter().string(from: date)
        }
        return (try XCTUnwrap(times["lastUpdate"], output), try XCTUnwrap(times["nextUpdate"], output))
    }

    /// A J-LIS reference root from `../shared/reference/jlis-roots/` (never committed here): missing, it skips the
    /// test on a developer machine and fails it under `CI=true`.
    static func referenceRoot(_ name: String) throws -> URL {
        let url = CLI.repositoryRoot.appendingPathComponent("../shared/reference/jlis-roots/\(name)").standardized
        guard FileManager.default.fileExists(atPath: url.path) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestSupportError("\(url.path) is missing") }
            throw XCTSkip("\(url.path) is missing")
        }
        return url
    }

    private static let configuration = OpenSSLConfiguration.file(
        cas: [OpenSSLConfiguration.CA(name: "ca_section", directory: ".", randomSerial: true)],
        extensions: [
            OpenSSLConfiguration.root(noAuthorityKeyIdentifier: true), OpenSSLConfiguration.authenticationLeaf(),
        ])
}
