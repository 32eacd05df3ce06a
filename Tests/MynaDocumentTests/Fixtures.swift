//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaCard
import MynaDocument
import MynaSimulator
import SmartCard
import TestSupport
import XCTest

/// The test PKI, a virtual card holding its signing key, and files written for the openssl CLI.
enum DocumentFixture {
    static let pki: TestPKI = {
        do { return try TestPKI.cached() } catch { fatalError("test PKI: \(error)") }
    }()

    static var signingCertificate: Certificate { try! Certificate(derEncoded: pki.signCertificate) }
    static var signingRoot: Certificate { try! Certificate(derEncoded: pki.signRootCertificate) }
    static var authenticationRoot: Certificate { try! Certificate(derEncoded: pki.authRootCertificate) }

    /// A verifier trusting the signing root.
    static var verifier: DocumentVerifier { DocumentVerifier(trustStore: try! TrustStore(anchors: [signingRoot])) }

    /// A session on a fresh in-memory virtual card and its APDU count.
    static func card() throws -> MyNumberCard {
        let virtual = try VirtualMyNumberCard(configuration: SimulatorConfiguration(), pki: pki)
        return MyNumberCard(channel: CardChannel(transport: InMemoryTransport(card: virtual)))
    }

    /// The card signs `digest` with its signing key (password `abc123`, the simulator's default) and the signing
    /// certificate is read in the same session, after the signature, with no second VERIFY.
    static func cardSignature(_ digest: [UInt8], hash: HashAlgorithm = .sha256) throws -> (signature: [UInt8], certificate: Certificate, apdus: Int) {
        let card = try card()
        let signature = try card.jpki.sign(
            digest: digest, algorithm: hash, key: .signing, pin: try PIN(kind: .signing, "abc123"))
        let certificate = try Certificate(derEncoded: card.jpki.readCertificate(.signing))
        return (signature, certificate, card.apduCount)
    }
}

extension XCTestCase {
    /// A directory with the test PKI's files (`sign.pem`, `sign.key.pem`, `sign-root.pem`, …).
    func pkiDirectory() throws -> URL {
        let directory = try makeTemporaryDirectory("mynadocument")
        try DocumentFixture.pki.write(to: directory)
        return directory
    }

    func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func read(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }
}
