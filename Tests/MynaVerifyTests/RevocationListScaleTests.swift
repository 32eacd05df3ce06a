//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch
import Foundation
@testable import MynaVerify
import TestSupport
import XCTest

/// Large CRLs: parsed once, indexed once, looked up by hash probes; the cache that re-reads a file only when it
/// changes; the big CRL inside chain verification. The `openssl` CLI judges the CRLs and the verdicts.
final class RevocationListScaleTests: XCTestCase {
    /// Serial k of the test lists: 12 pseudo-random bytes, positive, no leading zero (as BenchCRL's, shorter).
    static func serial(_ k: Int) -> SerialNumber {
        var state = UInt64(k) &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678
        var bytes: [UInt8] = []
        for _ in 0..<12 {
            state ^= state >> 29
            state = state &* 0xBF58_476D_1CE4_E5B9
            bytes.append(UInt8(truncatingIfNeeded: state >> 56))
        }
        bytes[0] = 0x10 + bytes[0] % 0x60
        return SerialNumber(magnitude: bytes)
    }

    static let reasons: [RevokedCertificate.Reason] = [.keyCompromise, .superseded, .cessationOfOperation]
    static let thisUpdate = Date(timeIntervalSince1970: 1_800_000_000)

    static func entry(_ k: Int) -> RevocationListIssuer.Entry {
        RevocationListIssuer.Entry(
            serialNumber: serial(k), revocationDate: thisUpdate.addingTimeInterval(-Double(k)),
            reason: k % 4 == 3 ? nil : reasons[k % reasons.count])
    }

    /// Writes a CRL of `count` entries (in index order, so not sorted by serial) and its issuer.
    func makeCRL(count: Int, in directory: URL, name: String = "list") throws -> (crl: URL, issuer: URL, der: [UInt8]) {
        let issuer = try RevocationListIssuer(commonName: "Scale test CA")
        let der = try issuer.issue(
            count: count, entry: Self.entry, thisUpdate: Self.thisUpdate,
            nextUpdate: Self.thisUpdate.addingTimeInterval(86_400))
        let crl = directory.appendingPathComponent("\(name).crl")
        let issuerFile = directory.appendingPathComponent("\(name)-issuer.pem")
        try Data(der).write(to: crl)
        try Data(issuer.certificate.pem.utf8).write(to: issuerFile)
        return (crl, issuerFile, der)
    }

    func testSerialNumberForms() throws {
        XCTAssertEqual(SerialNumber(hexadecimal: "00FF")?.hexadecimal, "FF")
        XCTAssertEqual(SerialNumber(hexadecimal: "abc")?.hexadecimal, "0ABC")
        XCTAssertEqual(SerialNumber(hexadecimal: "1a:2b 3c")?.magnitude, [0x1A, 0x2B, 0x3C])
        XCTAssertEqual(SerialNumber(hexadecimal: "-0F")?.isNegative, true)
        XCTAssertEqual(SerialNumber(hexadecimal: "-0F")?.hexadecimal, "-0F")
        XCTAssertEqual(SerialNumber(hexadecimal: "0")?.magnitude, [0])
        XCTAssertEqual(SerialNumber(hexadecimal: "-0")?.isNegative, false)
        XCTAssertEqual(SerialNumber(magnitude: [0, 0, 1]), SerialNumber(magnitude: [1]))
        XCTAssertNil(SerialNumber(hexadecimal: ""))
        XCTAssertNil(SerialNumber(hexadecimal: "-"))
        XCTAssertNil(SerialNumber(hexadecimal: "0x12"))
        // The form of Certificate.serialNumber, for every certificate of the test PKI.
        let pki = try TestPKI.get()
        for url in [pki.authRoot, pki.authLeaf, pki.revokedLeaf, pki.signLeaf, pki.foreignLeaf] {
            let certificate = try pki.certificate(url)
            XCTAssertEqual(SerialNumber(hexadecimal: certificate.serialNumber)?.hexadecimal, certificate.serialNumber)
        }
    }

    func testALargeListAgreesWithOpenSSL() throws {
        let directory = try makeTemporaryDirectory("mynaverify-crl-scale")
        let count = 20_000
        let (file, issuerFile, der) = try makeCRL(count: count, in: directory)
        let list = try RevocationList(contentsOfFile: file.path)
        XCTAssertEqual(list.count, count)
        XCTAssertEqual(list.derBytes, der, "written back byte for byte")
        XCTAssertEqual(list.thisUpdate, Self.thisUpdate)

        // OpenSSL reads the same list, verifies its signature, and lists the entries in file order.
        let verified = try OpenSSLTool.run(["crl", "-inform", "DER", "-in", file.path, "-CAfile", issuerFile.path, "-noout"])
        XCTAssertTrue(verified.combinedOutput.contains("verify OK"), verified.combinedOutput)
        XCTAssertTrue(list.isSigned(by: try Certificate(bytes: Array(try Data(contentsOf: issuerFile)))))
        let text = try OpenSSLTool.run(["crl", "-inform", "DER", "-in", file.path, "-noout", "-text"]).standardOutput
        let fileOrder = text.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("Serial Number: ") ? String(trimmed.dropFirst("Serial Number: ".count)) : nil
        }
        XCTAssertEqual(fileOrder.count, count)
        XCTAssertEqual(fileOrder.first, Self.serial(0).hexadecimal)

        // The listing is in serial order although the file is not.
        let ours = list.revokedSerialNumbers
        XCTAssertEqual(Set(ours), Set(fileOrder))
        let sorted = list.revokedCertificates.map { SerialNumber(hexadecimal: $0.serialNumber)! }
        XCTAssertTrue(zip(sorted, sorted.dropFirst()).allSatisfy { Self.less($0, $1) }, "entries sorted by serial")
        XCTAssertFalse(fileOrder == ours, "the file order is not the serial order")

        // Every listed serial is found with its date and reason, unlisted ones are not.
        for k in stride(from: 0, to: count, by: 7) {
            XCTAssertTrue(list.contains(Self.serial(k)))
            let entry = try XCTUnwrap(list.revocation(ofSerialNumber: Self.serial(k)))
            XCTAssertEqual(entry.serialNumber, Self.serial(k).hexadecimal)
            XCTAssertEqual(entry.revocationDate, Self.thisUpdate.addingTimeInterval(-Double(k)))
            XCTAssertEqual(entry.reason, k % 4 == 3 ? nil : Self.reasons[k % Self.reasons.count])
        }
        for k in count..<(count + 500) {
            XCTAssertFalse(list.contains(Self.serial(k)))
            XCTAssertNil(list.revocation(ofSerialNumber: Self.serial(k)))
        }
        XCTAssertFalse(list.contains(SerialNumber(magnitude: Self.serial(1).magnitude, isNegative: true)))
    }

    /// Serial-number order as OpenSSL sorts (`X509_REVOKED_cmp`): shorter encodings first, then bytes.
    static func less(_ a: SerialNumber, _ b: SerialNumber) -> Bool {
        a.magnitude.count != b.magnitude.count
            ? a.magnitude.count < b.magnitude.count : a.magnitude.lexicographicallyPrecedes(b.magnitude)
    }

    func testALookupCostsFarLessThanOneLookAtEveryEntry() throws {
        let directory = try makeTemporaryDirectory("mynaverify-crl-scale")
        let count = 200_000
        let list = try RevocationList(contentsOfFile: try makeCRL(count: count, in: directory).crl.path)
        let serials = (0..<count).map(Self.serial)
        let queries = (0..<2_000).map { Self.serial($0 % 2 == 0 ? $0 * 97 % count : count + $0) }

        func best(of rounds: Int, _ body: () -> Int) -> (seconds: Double, result: Int) {
            var fastest = Double.infinity
            var result = 0
            for _ in 0..<rounds {
                let start = DispatchTime.now().uptimeNanoseconds
                result = body()
                fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return (fastest, result)
        }
        let lookups = best(of: 3) { queries.reduce(0) { $0 + (list.contains($1) ? 1 : 0) } }
        XCTAssertEqual(lookups.result, 1_000)
        // One look at every entry: comparing the query with each serial number once.
        let target = Self.serial(count + 1)
        let scan = best(of: 3) { serials.reduce(0) { $0 + ($1 == target ? 1 : 0) } }
        XCTAssertEqual(scan.result, 0)
        let perLookup = lookups.seconds / Double(queries.count)
        XCTAssertLessThan(perLookup * 20, scan.seconds, "a lookup (\(perLookup * 1e6) µs) against a scan (\(scan.seconds * 1e6) µs)")
    }

    func testTheCacheReparsesOnlyAChangedFile() throws {
        let directory = try makeTemporaryDirectory("mynaverify-crl-cache")
        let path = directory.appendingPathComponent("current.crl").path
        let first = try makeCRL(count: 100, in: directory, name: "first")
        let second = try makeCRL(count: 200, in: directory, name: "second")
        try FileManager.default.copyItem(atPath: first.crl.path, toPath: path)

        let cache = RevocationListCache()
        let a = try cache.revocationList(atPath: path)
        let b = try cache.revocationList(atPath: path)
        XCTAssertEqual(a.count, 100)
        XCTAssertTrue(a.handle === b.handle, "an unchanged file is not parsed again")
        XCTAssertEqual(cache.statistics, .init(loads: 1, reuses: 1))

        // Installed by rename, as CRLs are: a new inode.
        let staged = directory.appendingPathComponent("staged.crl").path
        try FileManager.default.copyItem(atPath: second.crl.path, toPath: staged)
        XCTAssertEqual(rename(staged, path), 0)
        XCTAssertEqual(try cache.revocationList(atPath: path).count, 200)
        XCTAssertEqual(cache.statistics, .init(loads: 2, reuses: 1))

        // Rewritten in place with the same size: the modification time differs.
        let before = try cache.revocationList(atPath: path)
        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, path, &times, 0), 0)
        let after = try cache.revocationList(atPath: path)
        XCTAssertFalse(before.handle === after.handle)
        XCTAssertEqual(before, after, "the same content parses to an equal list")
        XCTAssertEqual(cache.statistics, .init(loads: 3, reuses: 2))

        // Gone: an error, never the old list; back: parsed again.
        try FileManager.default.removeItem(atPath: path)
        XCTAssertThrowsError(try cache.revocationList(atPath: path)) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .unreadableFile)
        }
        try FileManager.default.copyItem(atPath: first.crl.path, toPath: path)
        XCTAssertEqual(try cache.revocationList(atPath: path).count, 100)
        // Replaced by garbage: a parse error.
        try Data("not a CRL".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try cache.revocationList(atPath: path)) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .malformedPEM)
        }
        XCTAssertThrowsError(try cache.revocationList(atPath: directory.path)) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .unreadableFile)
        }
        // Forgotten: parsed again on the next call.
        try Data(first.der).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try cache.revocationList(atPath: path).count, 100)
        let loads = cache.statistics.loads
        cache.removeAll()
        XCTAssertEqual(try cache.revocationList(atPath: path).count, 100)
        XCTAssertEqual(cache.statistics.loads, loads + 1)
    }

    func testManyThreadsShareOneListAndOneCache() throws {
        let directory = try makeTemporaryDirectory("mynaverify-crl-threads")
        let count = 5_000
        let file = try makeCRL(count: count, in: directory).crl.path
        let cache = RevocationListCache()
        let errors = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in 0..<2_000 {
                guard let list = try? cache.revocationList(atPath: file) else { return errors.add() }
                let k = (worker * 2_000 + index) % (2 * count)
                if list.contains(Self.serial(k)) != (k < count) { errors.add() }
            }
        }
        XCTAssertEqual(errors.value, 0)
        XCTAssertEqual(cache.statistics.loads, 1, "one parse for all threads")
        XCTAssertEqual(cache.statistics.reuses, 8 * 2_000 - 1)
    }

    func testChainVerificationWithALargeListAgreesWithOpenSSL() throws {
        let directory = try makeTemporaryDirectory("mynaverify-crl-verify")
        let issuer = try RevocationListIssuer(commonName: "Scale test CA")
        let issuerFile = directory.appendingPathComponent("issuer.pem")
        let keyFile = directory.appendingPathComponent("issuer.key")
        try Data(issuer.certificate.pem.utf8).write(to: issuerFile)
        try Data(try issuer.privateKeyPEM()).write(to: keyFile)
        let extensions = directory.appendingPathComponent("leaf.cnf")
        try """
            [ req ]
            distinguished_name = dn
            prompt = no
            [ dn ]
            CN = unused
            [ auth ]
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature
            certificatePolicies = 1.2.392.200149.8.5.1.3.30
            authorityKeyIdentifier = keyid
            """.write(to: extensions, atomically: true, encoding: .utf8)
        func leaf(_ name: String, serial: SerialNumber) throws -> URL {
            let key = directory.appendingPathComponent("\(name).key").path
            let csr = directory.appendingPathComponent("\(name).csr").path
            let out = directory.appendingPathComponent("\(name).pem")
            try OpenSSLTool.run(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-config",
                extensions.path, "-subj", "/CN=\(name)/C=JP", "-out", csr])
            try OpenSSLTool.run(["x509", "-req", "-in", csr, "-CA", issuerFile.path, "-CAkey", keyFile.path,
                "-set_serial", "0x" + serial.hexadecimal, "-days", "365", "-sha256", "-extfile", extensions.path,
                "-extensions", "auth", "-out", out.path])
            return out
        }
        let count = 100_000
        let revokedLeaf = try leaf("revoked", serial: Self.serial(4_242))
        let goodLeaf = try leaf("good", serial: Self.serial(count + 3))
        let now = Date()
        let der = try issuer.issue(
            count: count, entry: Self.entry, thisUpdate: now.addingTimeInterval(-60),
            nextUpdate: now.addingTimeInterval(86_400))
        let crlFile = directory.appendingPathComponent("big.crl")
        try Data(der).write(to: crlFile)

        let list = try RevocationListCache().revocationList(atPath: crlFile.path)
        let verifier = CertificateVerifier(
            trustStore: try TrustStore(anchors: [issuer.certificate]), profile: .authentication,
            revocationPolicy: .require)
        let revoked = verifier.verify(leaf: try Certificate(bytes: Array(try Data(contentsOf: revokedLeaf))), crls: [list])
        XCTAssertEqual(revoked.failures, [.revoked(
            serialNumber: Self.serial(4_242).hexadecimal,
            revocationDate: Self.thisUpdate.addingTimeInterval(-4_242), reason: Self.reasons[4_242 % 3])])
        let good = verifier.verify(leaf: try Certificate(bytes: Array(try Data(contentsOf: goodLeaf))), crls: [list])
        XCTAssertTrue(good.isValid, "\(good.failures)")
        XCTAssertEqual(list.revocation(of: try Certificate(bytes: Array(try Data(contentsOf: revokedLeaf))))?.reason,
            .keyCompromise)

        // The same verdicts from the list directly, as a long-lived process checks many leaves after building
        // their chains: the signature is verified once per issuer key, then each check is a binary search.
        let revokedCertificate = try Certificate(bytes: Array(try Data(contentsOf: revokedLeaf)))
        let goodCertificate = try Certificate(bytes: Array(try Data(contentsOf: goodLeaf)))
        XCTAssertEqual(list.revocationFailures(of: revokedCertificate, issuer: issuer.certificate, at: now), revoked.failures)
        XCTAssertEqual(list.revocationFailures(of: goodCertificate, issuer: issuer.certificate, at: now), [])
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<1_000 { XCTAssertEqual(list.revocationFailures(of: goodCertificate, issuer: issuer.certificate, at: now), []) }
        let perCheck = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / 1_000
        XCTAssertLessThan(perCheck, 0.002, "after the first, a check does not hash the list again (\(perCheck * 1e3) ms)")
        XCTAssertEqual(list.revocationFailures(of: goodCertificate, issuer: issuer.certificate, at: now.addingTimeInterval(2 * 86_400)),
            [.staleCRL(issuer: list.issuer.description, nextUpdate: list.nextUpdate)])
        XCTAssertEqual(list.revocationFailures(of: goodCertificate, issuer: issuer.certificate, at: now.addingTimeInterval(-3_600)),
            [.crlNotYetValid(issuer: list.issuer.description, thisUpdate: list.thisUpdate)])
        // Another CA with the same name: the signature does not verify.
        let impostor = try RevocationListIssuer(commonName: "Scale test CA")
        let failures = list.revocationFailures(of: goodCertificate, issuer: impostor.certificate, at: now)
        XCTAssertEqual(failures.map(\.code), ["crl-invalid"], "\(failures)")

        for (leaf, expected) in [(revokedLeaf, false), (goodLeaf, true)] {
            let output = try OpenSSLTool.run(
                ["verify", "-CAfile", issuerFile.path, "-crl_check", "-CRLfile", crlFile.path, leaf.path], allowFailure: true)
            XCTAssertEqual(output.status == 0, expected, output.combinedOutput)
        }
    }
}

/// A counter many threads add to.
final class LockedCounter: @unchecked Sendable {
    // @unchecked: `count` is guarded by `lock`.
    private let lock = NSLock()
    private var count = 0

    func add() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
