//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport
import XCTest

/// The four published J-LIS root certificates, read from `../shared/reference/jlis-roots/` next to the repository
/// (never committed to it). Missing files skip the tests on a developer machine and fail them under `CI=true`.
enum JLISReferenceRoots {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("../shared/reference/jlis-roots").standardized
    }

    static let files = ["auth_ca_2015.pem", "auth_ca_2023.pem", "sign_ca_2015.pem", "sign_ca_2023.pem"]

    static func url(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                throw TestSupportError("\(url.path) is missing: the J-LIS reference roots are needed under CI")
            }
            throw XCTSkip("\(url.path) is missing")
        }
        return url
    }

    static func certificates(_ names: [String]) throws -> [Certificate] {
        try names.map { try Certificate(bytes: [UInt8](Data(contentsOf: url($0)))) }
    }
}

/// The pinned J-LIS roots against the real files: parsed, classified, pinned, accepted as CA certificates, with the
/// `openssl` CLI and the reference README as independent sources of every fact.
final class JLISRootsTests: XCTestCase {
    /// The README's table: file, generation, serial, validity (dates), fingerprint.
    private func readmeRows() throws -> [String: (generation: Int, serial: String, from: String, to: String, sha256: String)] {
        let text = try String(contentsOf: try JLISReferenceRoots.url("README.md"), encoding: .utf8)
        var rows: [String: (Int, String, String, String, String)] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") && line.contains(".pem") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let dates = cells[4].components(separatedBy: " .. ")
            rows[cells[0]] = (Int(cells[2])!, cells[3], dates[0], dates[1], cells[5])
        }
        return rows
    }

    func testEveryPinnedFactMatchesTheFileOpenSSLAndTheReadme() throws {
        let rows = try readmeRows()
        XCTAssertEqual(Set(rows.keys), Set(JLISReferenceRoots.files))
        var seen: [JLISRoot] = []
        for file in JLISReferenceRoots.files {
            let url = try JLISReferenceRoots.url(file)
            let certificate = try JLISReferenceRoots.certificates([file])[0]
            guard case .jlisProduction(let root) = RootClassification(certificate) else {
                XCTFail("\(file) is \(RootClassification(certificate))")
                continue
            }
            seen.append(root)
            let row = try XCTUnwrap(rows[file])
            XCTAssertEqual(root.hierarchy, file.hasPrefix("auth") ? .authentication : .signing)
            XCTAssertEqual(root.generation, row.generation)
            XCTAssertEqual(root.serialNumber, row.serial)
            XCTAssertEqual(root.sha256Fingerprint, row.sha256)
            XCTAssertEqual(root.serialNumber, certificate.serialNumber)
            XCTAssertEqual(root.notBefore, ISO8601DateFormatter().string(from: certificate.notBefore))
            XCTAssertEqual(root.notAfter, ISO8601DateFormatter().string(from: certificate.notAfter))
            XCTAssertTrue(root.notBefore.hasPrefix(row.from) && root.notAfter.hasPrefix(row.to), file)

            // openssl's own fingerprint and serial of the file.
            let openssl = try OpenSSLTool.run(
                ["x509", "-in", url.path, "-noout", "-fingerprint", "-sha256", "-serial"]).standardOutput
            XCTAssertTrue(openssl.contains("serial=\(row.serial)"), openssl)
            let fingerprint = openssl.split(separator: "\n").first { $0.lowercased().hasPrefix("sha256 fingerprint=") }
            XCTAssertEqual(
                fingerprint.map { String($0.split(separator: "=")[1]).replacingOccurrences(of: ":", with: "") },
                row.sha256)
            XCTAssertEqual(JLISRoots.pinnedRoot(sha256Fingerprint: fingerprint.map { String($0.split(separator: "=")[1]) } ?? ""), root)
            XCTAssertEqual(
                "\(RootClassification(certificate))",
                "J-LIS production root, \(file.hasPrefix("auth") ? "authentication" : "signature") hierarchy, generation \(row.generation)")
        }
        XCTAssertEqual(Set(seen), Set(JLISRoots.pinned), "every pinned root has its file, and no other is pinned")
    }

    func testTheRealRootsAreAcceptedAsCACertificates() throws {
        for file in JLISReferenceRoots.files {
            let certificate = try JLISReferenceRoots.certificates([file])[0]
            XCTAssertEqual(TrustAnchorProfile.problems(of: certificate), [], file)
            XCTAssertEqual(certificate.basicConstraints?.isCA, true)
            XCTAssertEqual(certificate.keyUsage, [.keyCertSign, .cRLSign])
            XCTAssertEqual(certificate.publicKey.bits, 2048)
            XCTAssertEqual(TrustDirectory.admission(of: certificate).requirement, .none)
            XCTAssertTrue(TrustDirectory.admission(of: certificate).isGranted(by: []))
            // openssl: strict X.509 rules and the self-signature, at a time inside the root's validity.
            let url = try JLISReferenceRoots.url(file)
            let middle = certificate.notBefore.addingTimeInterval(certificate.notAfter.timeIntervalSince(certificate.notBefore) / 2)
            let result = try OpenSSLTool.run(
                ["verify", "-x509_strict", "-check_ss_sig", "-attime", String(Int(middle.timeIntervalSince1970)),
                 "-CAfile", url.path, url.path], allowFailure: true)
            XCTAssertEqual(result.status, 0, result.combinedOutput)
        }
        // Generation 1 has expired; generation 3 has not.
        let roots = try JLISReferenceRoots.certificates(JLISReferenceRoots.files)
        XCTAssertEqual(roots.map { $0.notAfter < Date() }, [true, false, true, false])
    }

    /// All generations of a hierarchy share one subject DN, which is exactly the one in MynaSpec; so a certificate
    /// with that DN and another key is recognised as J-LIS-named, and not pinned.
    func testOneNamePerHierarchyAndAForgeryIsNotPinned() throws {
        let roots = try JLISReferenceRoots.certificates(JLISReferenceRoots.files)
        XCTAssertEqual(roots[0].subject, roots[1].subject)
        XCTAssertEqual(roots[2].subject, roots[3].subject)
        XCTAssertNotEqual(roots[0].subject, roots[2].subject)
        func pairs(_ name: DistinguishedName) -> [String] { name.attributes.map { "\($0.oid)=\($0.value)" } }
        XCTAssertEqual(pairs(roots[0].subject), JLISRoots.subject(of: .authentication).map { "\($0.oid)=\($0.value)" })
        XCTAssertEqual(pairs(roots[2].subject), JLISRoots.subject(of: .signing).map { "\($0.oid)=\($0.value)" })
        XCTAssertEqual(roots[0].subject.rdns.map(\.count), [1, 1, 1, 1])

        // One bit of the signature flipped: the fingerprint changes, the name stays, the self-signature fails.
        var der = roots[1].derBytes
        der[der.count - 1] ^= 0x01
        let forged = try Certificate(derEncoded: der)
        XCTAssertEqual(RootClassification(forged), .jlisUnpinned(hierarchy: .authentication, published: nil))
        XCTAssertEqual(TrustAnchorProfile.problems(of: forged), [.selfSignatureInvalid])
        let admission = TrustDirectory.admission(of: forged)
        XCTAssertEqual(admission.requirement, .force, "an unpinned J-LIS name with a bad self-signature needs --force")
        XCTAssertFalse(admission.isGranted(by: [.acceptUnpinned, .testHierarchy]))
    }

    /// Generation 2 is known by serial and validity, not by fingerprint: a root with its serial and dates is named
    /// as generation 2, still unpinned.
    func testGenerationTwoIsRecognisedButNotPinned() throws {
        let generation2 = try XCTUnwrap(JLISRoots.all.first { $0.hierarchy == .authentication && $0.generation == 2 })
        XCTAssertFalse(generation2.isPinned)
        let directory = try makeTemporaryDirectory("jlis-gen2")
        let key = directory.appendingPathComponent("key.pem")
        let config = directory.appendingPathComponent("openssl.cnf")
        try """
            [ req ]
            distinguished_name = dn
            prompt = no
            string_mask = utf8only
            [ dn ]
            CN = unused
            [ ca ]
            default_ca = ca_x
            [ ca_x ]
            dir = .
            database = index.txt
            new_certs_dir = .
            serial = serial
            default_md = sha256
            policy = any
            [ any ]
            countryName = optional
            organizationName = optional
            organizationalUnitName = optional
            [ v3_root ]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            subjectKeyIdentifier = hash
            """.write(to: config, atomically: true, encoding: .utf8)
        try "".write(to: directory.appendingPathComponent("index.txt"), atomically: true, encoding: .utf8)
        try "\(generation2.serialNumber)\n".write(to: directory.appendingPathComponent("serial"), atomically: true, encoding: .utf8)
        try OpenSSLTool.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.path])
        try OpenSSLTool.run(["req", "-new", "-config", config.path, "-key", key.path, "-subj",
                             GenerationPKI.jlisAuthenticationDN, "-out", directory.appendingPathComponent("r.csr").path])
        // 2019-09-14 and 2029-09-14 in Japan.
        try OpenSSLTool.run(
            ["ca", "-batch", "-config", config.path, "-selfsign", "-keyfile", key.path, "-in", "r.csr",
             "-extensions", "v3_root", "-startdate", "20190914010000Z", "-enddate", "20290914145959Z", "-notext",
             "-preserveDN", "-out", "gen2.pem"], in: directory)
        let root = try Certificate(bytes: [UInt8](Data(contentsOf: directory.appendingPathComponent("gen2.pem"))))
        XCTAssertEqual(root.serialNumber, "0133C349")
        let classification = RootClassification(root)
        XCTAssertEqual(classification, .jlisUnpinned(hierarchy: .authentication, published: generation2))
        XCTAssertEqual(
            classification.description,
            "J-LIS name, authentication hierarchy, fingerprint NOT pinned (subject, serial and validity of generation 2)")
        let admission = TrustDirectory.admission(of: root)
        XCTAssertEqual(admission.requirement, .acceptUnpinned)
        XCTAssertFalse(admission.isGranted(by: [.force, .testHierarchy]), "--force does not stand in for --accept-unpinned")
        XCTAssertTrue(admission.isGranted(by: .acceptUnpinned))
    }
}
