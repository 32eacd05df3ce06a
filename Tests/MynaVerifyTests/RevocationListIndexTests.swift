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

/// The serial-number index of a ``RevocationList``: it must find exactly what OpenSSL's own revocation check finds,
/// for serial numbers of every length and sign, for removeFromCRL entries, and while OpenSSL's CRL code is using the
/// same list on other threads. `openssl verify -crl_check` is the judge.
final class RevocationListIndexTests: XCTestCase {
    static let thisUpdate = Date(timeIntervalSince1970: 1_800_000_000)

    /// Serials whose edges the hash reads differently: one byte, exactly eight, nine (one whole word and a tail),
    /// twenty (the RFC 5280 maximum), a high first byte, zero and a negative one.
    static let listed: [(SerialNumber, RevokedCertificate.Reason?)] = [
        (SerialNumber(magnitude: [0x05]), .keyCompromise),
        (SerialNumber(magnitude: [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]), nil),
        (SerialNumber(magnitude: [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09]), .superseded),
        (SerialNumber(magnitude: Array(1...20)), .cessationOfOperation),
        (SerialNumber(magnitude: [0xFF, 0xEE]), .affiliationChanged),
        (SerialNumber(magnitude: [0]), .unspecified),
        (SerialNumber(magnitude: [0x33], isNegative: true), .keyCompromise),
        (SerialNumber(magnitude: [0x44, 0x44]), .removeFromCRL),
    ]

    /// Near misses of the listed serials: another sign, one byte longer or shorter, the last byte changed.
    static let unlisted: [SerialNumber] = [
        SerialNumber(magnitude: [0x05], isNegative: true),
        SerialNumber(magnitude: [0x05, 0x00]),
        SerialNumber(magnitude: [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]),
        SerialNumber(magnitude: [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0A]),
        SerialNumber(magnitude: Array(1...19) + [0x15]),
        SerialNumber(magnitude: [0x33]),
        SerialNumber(magnitude: [0xFF]),
    ]

    /// A list with the edge serials among `filler` ordinary entries (so that probes collide and wrap).
    static func makeList(filler: Int) throws -> (list: RevocationList, issuer: RevocationListIssuer, der: [UInt8]) {
        let issuer = try RevocationListIssuer(commonName: "Index test CA")
        let entries = listed.map { serial, reason in
            RevocationListIssuer.Entry(serialNumber: serial, revocationDate: thisUpdate, reason: reason)
        }
        let der = try issuer.issue(
            count: entries.count + filler,
            entry: { k in
                k < entries.count
                    ? entries[k]
                    : RevocationListIssuer.Entry(
                        serialNumber: RevocationListScaleTests.serial(k), revocationDate: thisUpdate, reason: nil)
            },
            thisUpdate: thisUpdate, nextUpdate: thisUpdate.addingTimeInterval(86_400))
        return (try RevocationList(derEncoded: der), issuer, der)
    }

    func testEdgeSerialsAreFoundExactlyAsListed() throws {
        let (list, _, _) = try Self.makeList(filler: 3_000)
        for (serial, reason) in Self.listed {
            let revokes = reason != .removeFromCRL
            XCTAssertEqual(list.contains(serial), revokes, "\(serial)")
            let entry = list.revocation(ofSerialNumber: serial)
            XCTAssertEqual(entry?.serialNumber, revokes ? serial.hexadecimal : nil, "\(serial)")
            XCTAssertEqual(entry?.reason, revokes ? reason : nil, "\(serial)")
        }
        for serial in Self.unlisted {
            XCTAssertFalse(list.contains(serial), "\(serial)")
            XCTAssertNil(list.revocation(ofSerialNumber: serial), "\(serial)")
        }
        // The listing still shows the removeFromCRL entry, with its reason.
        let removed = list.revokedCertificates.first { $0.serialNumber == "4444" }
        XCTAssertEqual(removed?.reason, .removeFromCRL)
        for k in stride(from: Self.listed.count, to: 3_000, by: 13) {
            XCTAssertTrue(list.contains(RevocationListScaleTests.serial(k)))
        }
        // An empty list indexes nothing and finds nothing.
        let empty = try RevocationListIssuer(commonName: "Empty CA").issue(
            count: 0, entry: { _ in Self.listed.map { RevocationListIssuer.Entry(serialNumber: $0.0, revocationDate: Self.thisUpdate, reason: nil) }[0] },
            thisUpdate: Self.thisUpdate, nextUpdate: nil)
        XCTAssertFalse(try RevocationList(derEncoded: empty).contains(SerialNumber(magnitude: [0x05])))
    }

    /// Certificates with listed and unlisted serials, checked by ``RevocationList/revocation(of:)`` and by
    /// `openssl verify -crl_check` against the same list: the verdicts must be the same.
    func testVerdictsAgreeWithOpenSSLVerify() throws {
        let directory = try makeTemporaryDirectory("mynaverify-crl-index")
        let (list, issuer, der) = try Self.makeList(filler: 200)
        let crlFile = directory.appendingPathComponent("list.crl")
        let issuerFile = directory.appendingPathComponent("issuer.pem")
        try Data(der).write(to: crlFile)
        try Data(issuer.certificate.pem.utf8).write(to: issuerFile)
        let positive = Self.listed.map(\.0).filter { !$0.isNegative && $0.magnitude != [0] }
        let serials = positive + Self.unlisted.filter { !$0.isNegative }
        for (number, serial) in serials.enumerated() {
            let leaf = try issuer.issueAuthenticationCertificate(serialNumber: serial, commonName: "Leaf \(number)")
            let leafFile = directory.appendingPathComponent("leaf-\(number).pem")
            try Data(leaf.pem.utf8).write(to: leafFile)
            let judged = try OpenSSLTool.run(
                [
                    "verify", "-crl_check", "-attime", String(Int(Self.thisUpdate.timeIntervalSince1970) + 60),
                    "-CAfile", issuerFile.path, "-CRLfile", crlFile.path, leafFile.path,
                ], allowFailure: true)
            let openSSLRevoked = judged.combinedOutput.contains("certificate revoked")
            XCTAssertEqual(
                openSSLRevoked || judged.status == 0, true, "openssl judged: \(judged.combinedOutput)")
            XCTAssertEqual(list.revocation(of: leaf) != nil, openSSLRevoked, "\(serial): \(judged.combinedOutput)")
        }
    }

    /// Lookups through the index on eight threads while other threads run OpenSSL's own CRL check with the same
    /// list (which sorts OpenSSL's stack of entries once, under the list's lock): every answer stays right.
    func testLookupsDuringOpenSSLChecksOfTheSameList() throws {
        let (list, issuer, _) = try Self.makeList(filler: 20_000)
        let leaf = try issuer.issueAuthenticationCertificate(
            serialNumber: RevocationListScaleTests.serial(40_000), commonName: "Unlisted leaf")
        let store = try TrustStore(anchors: [issuer.certificate])
        let verifier = CertificateVerifier(trustStore: store, profile: .authentication, revocationPolicy: .require)
        let time = Self.thisUpdate.addingTimeInterval(60)
        let errors = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 10) { worker in
            if worker == 0 {
                for _ in 0..<20 {
                    let result = verifier.verify(leaf: leaf, at: time, crls: [list])
                    if !result.isValid { errors.add() }
                }
            } else if worker == 1 {
                // OpenSSL's own CRL check, whatever path the verifier takes.
                for _ in 0..<20 {
                    let outcome = try? store.handle.verifyChain(
                        leaf: leaf.handle, untrusted: [], crls: [list.handle], checkRevocation: true, at: time)
                    if outcome == nil || outcome?.errors.isEmpty == false { errors.add() }
                }
            } else {
                for k in 0..<4_000 {
                    let index = (worker * 4_000 + k) % 40_000
                    if list.contains(RevocationListScaleTests.serial(index)) != (index >= 8 && index < 20_008) {
                        errors.add()
                    }
                }
            }
        }
        XCTAssertEqual(errors.value, 0)
    }
}
