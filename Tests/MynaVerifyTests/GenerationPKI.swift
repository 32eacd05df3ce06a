//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport

/// Three generations of an authentication root that share J-LIS's DN byte for byte, as J-LIS's do, each with its own
/// key and the validity of the real generation (1: 2015-10-20 to 2025-10-19, expired; 2: 2019-09-14 to 2029-09-14;
/// 3: 2023-07-16 to 2033-07-15), made with the `openssl` CLI (`openssl ca -selfsign`), and a root of the JPKI test
/// hierarchy (`O=JPKI-TEST`).
///
/// Leaves come in two kinds: `akid` ones carry an authorityKeyIdentifier naming their root's key, `bare` ones carry
/// no key identifier at all, so only the signature tells which generation issued them. Each generation has a CRL
/// without an authorityKeyIdentifier, as `openssl ca -gencrl` makes them by default; generation 3's revokes its
/// `bare` leaf.
final class GenerationPKI: Sendable {
    static let shared: Result<GenerationPKI, any Error> = Result { try GenerationPKI() }

    static func get() throws -> GenerationPKI { try shared.get() }

    static let jlisAuthenticationDN =
        "/C=JP/O=JPKI/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems"
    static let testAuthenticationDN =
        "/C=JP/O=JPKI-TEST/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems"

    /// Validity of the generations, as `openssl ca` takes it.
    static let validity: [Int: (start: String, end: String)] = [
        1: ("20151020030813Z", "20251019145959Z"),
        2: ("20190914000000Z", "20290914145959Z"),
        3: ("20230716010104Z", "20330715145959Z"),
    ]

    let directory: URL

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
    func certificate(_ name: String) throws -> Certificate {
        try Certificate(bytes: [UInt8](Data(contentsOf: url(name))))
    }
    func crl(_ name: String) throws -> RevocationList {
        try RevocationList(bytes: [UInt8](Data(contentsOf: url(name))))
    }

    /// `gen1.pem`, `gen2.pem`, `gen3.pem`: the roots.
    func root(_ generation: Int) throws -> Certificate { try certificate("gen\(generation).pem") }

    private init() throws {
        let fileManager = FileManager.default
        let temporary = fileManager.temporaryDirectory
        for name in (try? fileManager.contentsOfDirectory(atPath: temporary.path)) ?? []
        where name.hasPrefix("mynaverify-generations-") {
            let old = temporary.appendingPathComponent(name)
            let modified = (try? fileManager.attributesOfItem(atPath: old.path))?[.modificationDate] as? Date
            if let modified, modified < Date(timeIntervalSinceNow: -3600) { try? fileManager.removeItem(at: old) }
        }
        directory = temporary.appendingPathComponent("mynaverify-generations-\(UUID().uuidString)")
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        func key(_ name: String) throws -> URL { try OpenSSLTool.cachedRSAKey(name, cache: "mynaverify-test-keys-v1") }
        let config = url("openssl.cnf")
        try Self.configuration.write(to: config, atomically: true, encoding: .utf8)
        let leafKey = try key("leaf")
        let request = url("leaf.csr")
        try OpenSSLTool.run(["req", "-new", "-config", config.path, "-key", leafKey.path, "-subj", "/CN=GEN0001/C=JP",
                             "-out", request.path])

        func makeCA(_ name: String, dn: String, start: String, end: String) throws -> URL {
            let database = url(name)
            try fileManager.createDirectory(at: database.appendingPathComponent("newcerts"), withIntermediateDirectories: true)
            try "".write(to: database.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
            try "01\n".write(to: database.appendingPathComponent("crlnumber"), atomically: true, encoding: .utf8)
            let rootKey = try key("\(name)-root")
            let rootRequest = url("\(name).csr")
            try OpenSSLTool.run(["req", "-new", "-config", config.path, "-key", rootKey.path, "-subj", dn,
                                 "-out", rootRequest.path])
            try OpenSSLTool.run(
                ["ca", "-batch", "-config", config.path, "-name", "ca_\(name)", "-selfsign", "-keyfile", rootKey.path,
                 "-in", rootRequest.path, "-extensions", "v3_root", "-startdate", start, "-enddate", end,
                 "-notext", "-preserveDN", "-out", url("\(name).pem").path],
                in: directory)
            return rootKey
        }
        func issue(_ name: String, ca: String, key: URL, extensions: String, start: String, end: String) throws {
            try OpenSSLTool.run(
                ["ca", "-batch", "-config", config.path, "-name", "ca_\(ca)", "-cert", url("\(ca).pem").path,
                 "-keyfile", key.path, "-in", request.path, "-extensions", extensions, "-startdate", start,
                 "-enddate", end, "-notext", "-preserveDN", "-out", url("\(name).pem").path],
                in: directory)
        }
        var rootKeys: [Int: URL] = [:]
        for generation in 1...3 {
            let (start, end) = Self.validity[generation]!
            rootKeys[generation] = try makeCA("gen\(generation)", dn: Self.jlisAuthenticationDN, start: start, end: end)
        }
        // Generation 1's leaves: one of its time (expired with it), one that outlives it.
        for kind in ["akid", "bare"] {
            try issue("gen1-\(kind)", ca: "gen1", key: rootKeys[1]!, extensions: "leaf_\(kind)",
                      start: "20160101000000Z", end: "20201231235959Z")
        }
        try issue("gen1-long", ca: "gen1", key: rootKeys[1]!, extensions: "leaf_akid",
                  start: "20240101000000Z", end: "20281231235959Z")
        for generation in 2...3 {
            for kind in ["akid", "bare"] {
                try issue("gen\(generation)-\(kind)", ca: "gen\(generation)", key: rootKeys[generation]!,
                          extensions: "leaf_\(kind)", start: "20240101000000Z", end: "20281231235959Z")
            }
        }
        let testKey = try makeCA("test", dn: Self.testAuthenticationDN, start: "20240101000000Z", end: "20340101000000Z")
        try issue("test-leaf", ca: "test", key: testKey, extensions: "leaf_akid",
                  start: "20240101000000Z", end: "20281231235959Z")

        try OpenSSLTool.run(
            ["ca", "-config", config.path, "-name", "ca_gen3", "-cert", url("gen3.pem").path, "-keyfile",
             rootKeys[3]!.path, "-revoke", url("gen3-bare.pem").path, "-crl_reason", "keyCompromise"],
            in: directory)
        for generation in 1...3 {
            try OpenSSLTool.run(
                ["ca", "-gencrl", "-config", config.path, "-name", "ca_gen\(generation)", "-cert",
                 url("gen\(generation).pem").path, "-keyfile", rootKeys[generation]!.path, "-crldays", "30",
                 "-out", url("gen\(generation).crl.pem").path],
                in: directory)
        }
    }

    /// `openssl verify` with `roots` concatenated in the order given (a bundle, as `-CAfile` reads it), at `time`.
    func opensslVerifies(_ leaf: String, roots: [URL], crls: [String] = [], at time: Date) throws -> Bool {
        let bundle = url("bundle-\(UUID().uuidString).pem")
        defer { try? FileManager.default.removeItem(at: bundle) }
        try Data(roots.map { try Data(contentsOf: $0) }.joined()).write(to: bundle)
        var arguments = ["verify", "-CAfile", bundle.path, "-attime", String(Int(time.timeIntervalSince1970))]
        if !crls.isEmpty { arguments.append("-crl_check") }
        for crl in crls { arguments += ["-CRLfile", url(crl).path] }
        return try OpenSSLTool.run(arguments + [url(leaf).path], allowFailure: true).status == 0
    }

    private static let configuration = OpenSSLConfiguration.file(
        cas: ["gen1", "gen2", "gen3", "test"].map {
            OpenSSLConfiguration.CA(name: "ca_\($0)", directory: $0, randomSerial: true)
        },
        extensions: [
            OpenSSLConfiguration.root(noAuthorityKeyIdentifier: true),
            OpenSSLConfiguration.authenticationLeaf("leaf_akid"),
            OpenSSLConfiguration.authenticationLeaf("leaf_bare", subjectKeyIdentifier: "none", authorityKeyIdentifier: "none"),
        ])
}
