//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport
import XCTest

/// The trust store on disk: what gets in, with which flag, what the files look like (checked with `openssl`), and
/// what is refused.
final class TrustDirectoryTests: XCTestCase {
    private var base: URL!
    private var directory: TrustDirectory!

    override func setUpWithError() throws {
        base = try makeTemporaryDirectory("trust-directory")
        // A directory that does not exist yet: adding creates it.
        directory = TrustDirectory(path: base.appendingPathComponent("etc/mynakit/trust").path)
    }

    private func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    func testPinnedRootsGoInAtOnceAsFilesNamedByFingerprint() throws {
        let roots = try JLISReferenceRoots.certificates(JLISReferenceRoots.files)
        let added = try directory.add(roots, accepting: [])
        XCTAssertEqual(added.map(\.wasPresent), [false, false, false, false])
        XCTAssertEqual(try files(), roots.map { $0.sha256Fingerprint.map { String(format: "%02x", $0) }.joined() + ".pem" }.sorted())
        for addition in added {
            let attributes = try FileManager.default.attributesOfItem(atPath: addition.file)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o644)
            let openssl = try OpenSSLTool.run(["x509", "-in", addition.file, "-noout", "-fingerprint", "-sha256"])
            let fingerprint = openssl.standardOutput.split(separator: "=")[1].filter { $0.isHexDigit }
            XCTAssertEqual(String(fingerprint), addition.admission.anchor.fingerprint)
            XCTAssertEqual(URL(fileURLWithPath: addition.file).lastPathComponent, fingerprint.lowercased() + ".pem")
        }
        let entries = try directory.entries()
        XCTAssertEqual(Set(entries.map(\.anchor.certificate)), Set(roots))
        XCTAssertEqual(Set(entries.map(\.anchor.classification.code)), ["jlis-production"])
        let store = try TrustStore(directory: directory)
        XCTAssertEqual(Set(store.anchors), Set(roots))

        let again = try directory.add([roots[1]], accepting: [])
        XCTAssertEqual(again.map(\.wasPresent), [true])
        XCTAssertEqual(try files().count, 4)
    }

    func testEachKindOfRootNeedsItsOwnFlagAndNothingIsWrittenOnRefusal() throws {
        let generations = try GenerationPKI.get()
        let pinned = try JLISReferenceRoots.certificates(["auth_ca_2023.pem"])[0]
        let unpinned = try generations.root(3)
        let test = try generations.certificate("test.pem")
        let leaf = try generations.certificate("gen3-akid.pem")

        XCTAssertEqual(TrustDirectory.admission(of: unpinned).requirement, .acceptUnpinned)
        XCTAssertEqual(TrustDirectory.admission(of: test).requirement, .testHierarchy)
        XCTAssertEqual(TrustDirectory.admission(of: leaf).requirement, .force)
        XCTAssertEqual(
            TrustDirectory.admission(of: leaf).problems.map(\.description),
            ["not a root: issued by C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority Information Systems",
             "not a CA certificate (basicConstraints CA:TRUE missing)",
             "keyUsage does not allow keyCertSign"])

        // All or nothing: the pinned root does not go in alone.
        XCTAssertThrowsError(try directory.add([pinned, unpinned], accepting: [])) { error in
            XCTAssertEqual((error as? MynaVerifyError)?.code, .rootNotAdmitted)
            XCTAssertTrue("\(error)".contains("needs accept-unpinned"), "\(error)")
        }
        XCTAssertThrowsError(try directory.add([test], accepting: [.force, .acceptUnpinned]))
        XCTAssertThrowsError(try directory.add([leaf], accepting: [.acceptUnpinned, .testHierarchy]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path), "nothing written, not even the directory")

        XCTAssertEqual(try directory.add([pinned, unpinned], accepting: .acceptUnpinned).count, 2)
        XCTAssertEqual(try directory.add([test], accepting: .testHierarchy).count, 1)
        XCTAssertEqual(try directory.add([leaf], accepting: .force).count, 1)
        XCTAssertEqual(
            try directory.entries().map(\.anchor.classification.code).sorted(),
            ["jlis-production", "jlis-unpinned", "jpki-test", "unknown"])
    }

    func testNoRootsSaysHowToAddTheJLISRoots() throws {
        for target in [directory!, TrustDirectory(path: base.path)] {  // missing, then empty
            XCTAssertEqual(try target.entries(), [])
            XCTAssertThrowsError(try TrustStore(directory: target)) { error in
                let error = error as? MynaVerifyError
                XCTAssertEqual(error?.code, .noTrustAnchors)
                XCTAssertTrue(error?.reason.contains("mynakit trust add auth_ca_2023.pem sign_ca_2023.pem") == true)
                XCTAssertTrue(error?.reason.contains(target.path) == true)
                XCTAssertTrue(error?.reason.contains("MYNAKIT_TRUST_DIR") == true)
            }
        }
    }

    func testAWorldWritableDirectoryOrFileIsRefused() throws {
        let roots = try JLISReferenceRoots.certificates(["auth_ca_2023.pem"])
        let added = try directory.add(roots, accepting: [])
        XCTAssertEqual(try directory.entries().count, 1)
        for mode in [0o777, 0o1777] {
            XCTAssertEqual(chmod(directory.path, mode_t(mode)), 0)
            XCTAssertThrowsError(try directory.entries(), String(mode, radix: 8)) { error in
                XCTAssertEqual((error as? MynaVerifyError)?.code, .insecureTrustDirectory)
            }
            XCTAssertThrowsError(try directory.add(roots, accepting: []))
        }
        XCTAssertEqual(chmod(directory.path, 0o755), 0)
        XCTAssertEqual(chmod(added[0].file, 0o666), 0)
        XCTAssertThrowsError(try TrustStore(directory: directory)) { error in
            XCTAssertEqual((error as? MynaVerifyError)?.code, .insecureTrustDirectory)
        }
        XCTAssertEqual(chmod(added[0].file, 0o644), 0)
        XCTAssertEqual(try TrustStore(directory: directory).anchors, roots)
    }

    func testFilesCopiedInByHandAreReadAndOthersIgnored() throws {
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let der = URL(fileURLWithPath: directory.path).appendingPathComponent("auth-2015.CER")
        try OpenSSLTool.run(["x509", "-in", try JLISReferenceRoots.url("auth_ca_2015.pem").path, "-outform", "DER",
                             "-out", der.path])
        let bundle = URL(fileURLWithPath: directory.path).appendingPathComponent("sign.crt")
        try Data(JLISReferenceRoots.certificates(["sign_ca_2015.pem", "sign_ca_2023.pem"]).map(\.pem).joined().utf8)
            .write(to: bundle)
        for ignored in ["README", ".hidden.pem", "notes.txt"] {
            try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: directory.path).appendingPathComponent(ignored))
        }
        let entries = try directory.entries()
        XCTAssertEqual(entries.map(\.file.lastPathComponentForTest), ["auth-2015.CER", "sign.crt", "sign.crt"])
        XCTAssertEqual(entries.map { $0.anchor.classification.description }, [
            "J-LIS production root, authentication hierarchy, generation 1",
            "J-LIS production root, signature hierarchy, generation 1",
            "J-LIS production root, signature hierarchy, generation 3",
        ])

        // A root in a bundle is not removed by deleting the bundle.
        let signing1 = entries[1].anchor.fingerprint
        XCTAssertThrowsError(try directory.remove(fingerprint: signing1)) { error in
            XCTAssertEqual((error as? MynaVerifyError)?.code, .unwritableFile)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: bundle.path))
    }

    func testLookupAndRemovalByFingerprint() throws {
        let roots = try JLISReferenceRoots.certificates(JLISReferenceRoots.files)
        _ = try directory.add(roots, accepting: [])
        let fingerprint = TrustAnchor(roots[2]).fingerprint
        XCTAssertEqual(try directory.entries(matching: String(fingerprint.prefix(8)).lowercased()).map(\.anchor.certificate), [roots[2]])
        for wrong in [String(fingerprint.prefix(7)), "not-hex-at-all", String(repeating: "0", count: 64)] {
            XCTAssertThrowsError(try directory.entries(matching: wrong), wrong) { error in
                XCTAssertEqual((error as? MynaVerifyError)?.code, .unknownRoot)
            }
        }
        // Colons and lower case, as `openssl x509 -fingerprint` prints it.
        var colons = ""
        for (index, character) in fingerprint.lowercased().enumerated() {
            if index > 0, index % 2 == 0 { colons += ":" }
            colons.append(character)
        }
        let removed = try directory.remove(fingerprint: colons)
        XCTAssertEqual(removed.map(\.anchor.certificate), [roots[2]])
        XCTAssertEqual(Set(try directory.entries().map(\.anchor.certificate)), Set([roots[0], roots[1], roots[3]]))
        XCTAssertThrowsError(try directory.remove(fingerprint: fingerprint))
    }

    func testTheDefaultDirectoryComesFromTheEnvironment() throws {
        let saved = getenv(TrustDirectory.environmentVariable).map { String(cString: $0) }
        defer {
            if let saved { setenv(TrustDirectory.environmentVariable, saved, 1) } else {
                unsetenv(TrustDirectory.environmentVariable)
            }
        }
        unsetenv(TrustDirectory.environmentVariable)
        XCTAssertEqual(TrustDirectory.default.path, "/etc/mynakit/trust")
        setenv(TrustDirectory.environmentVariable, "", 1)
        XCTAssertEqual(TrustDirectory.default.path, "/etc/mynakit/trust")
        setenv(TrustDirectory.environmentVariable, directory.path, 1)
        XCTAssertEqual(TrustDirectory.default, directory)
        _ = try directory.add(try JLISReferenceRoots.certificates(["sign_ca_2023.pem"]), accepting: [])
        XCTAssertEqual(try TrustStore().trustAnchors.map(\.classification.description),
                       ["J-LIS production root, signature hierarchy, generation 3"])
    }
}

extension String {
    fileprivate var lastPathComponentForTest: String { URL(fileURLWithPath: self).lastPathComponent }
}
