//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaSimulator
import TestSupport
import XCTest

/// COMPUTE DIGITAL SIGNATURE, checked against the leaf certificates with the `openssl` CLI.
final class SigningTests: XCTestCase {
    /// Computes SHA-256 of `message` with `openssl dgst` and returns (message file, DigestInfo).
    private func digestInfo(for message: String, in directory: URL) throws -> (URL, [UInt8]) {
        let messageFile = directory.appendingPathComponent("message.txt")
        try Data(message.utf8).write(to: messageFile)
        let hashFile = directory.appendingPathComponent("message.sha256")
        let result = try OpenSSLTool.run(
            ["dgst", "-sha256", "-binary", "-out", hashFile.path, messageFile.path],
            in: directory
        )
        XCTAssertEqual(result.status, 0, result.standardError)
        let hash = try [UInt8](Data(contentsOf: hashFile))
        XCTAssertEqual(hash.count, 32)
        return (messageFile, Fixture.sha256DigestInfoPrefix + hash)
    }

    /// Verifies `signature` over `messageFile` with the public key of `certificate` (`openssl dgst -verify`).
    private func assertVerifies(
        _ signature: [UInt8],
        message messageFile: URL,
        certificate: [UInt8],
        in directory: URL,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let certificateFile = directory.appendingPathComponent("leaf.pem")
        try Data(TestPKI.pem(fromDER: certificate).utf8).write(to: certificateFile)
        let publicKeyFile = directory.appendingPathComponent("leaf.pub.pem")
        try OpenSSLTool.extractPublicKey(fromCertificate: certificateFile, to: publicKeyFile)
        let signatureFile = directory.appendingPathComponent("signature.bin")
        try Data(signature).write(to: signatureFile)
        XCTAssertTrue(
            try OpenSSLTool.verifiesSignature(signatureFile, over: messageFile, publicKey: publicKeyFile, hash: "sha256"),
            "openssl dgst -verify rejects the signature", file: file, line: line)
    }

    private func pso(_ digestInfo: [UInt8], le: Bool = true) -> String {
        "80 2A 00 80 " + hexString([UInt8(digestInfo.count)] + digestInfo) + (le ? " 00" : "")
    }

    func testSignatureWithTheSigningKeyVerifies() throws {
        let directory = try makeTemporaryDirectory("MynaSimulatorTests")
        let (message, info) = try digestInfo(for: "JPKI signing test", in: directory)
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 1B"), "90 00")
        exchange(card, Fixture.verify("ABC123"), "90 00")
        exchange(card, Fixture.selectEF("00 1A"), "90 00")
        let response = exchange(card, pso(info), sw: "90 00")
        XCTAssertEqual(response.count, 258)
        try assertVerifies(data(response), message: message, certificate: Fixture.pki().signCertificate, in: directory)
        // PKCS#1 v1.5 signatures are deterministic, and the verification holds for a second signature.
        exchange(card, pso(info), hexString(response))
    }

    func testSignatureWithTheAuthenticationKeyVerifies() throws {
        let directory = try makeTemporaryDirectory("MynaSimulatorTests")
        let (message, info) = try digestInfo(for: "challenge 0123456789", in: directory)
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        exchange(card, Fixture.verify("1234"), "90 00")
        exchange(card, Fixture.selectEF("00 17"), "90 00")
        let response = exchange(card, pso(info), sw: "90 00")
        XCTAssertEqual(data(response).count, 256)
        try assertVerifies(data(response), message: message, certificate: Fixture.pki().authCertificate, in: directory)
    }

    func testSigningNeedsTheMatchingPINAndAKeyEF() throws {
        let info = Fixture.sha256DigestInfoPrefix + [UInt8](repeating: 0xAB, count: 32)
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, pso(info), "69 82")  // nothing selected
        exchange(card, Fixture.selectEF("00 1A"), "90 00")
        exchange(card, pso(info), "69 82")  // no PIN verified
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        exchange(card, Fixture.verify("1234"), "90 00")
        exchange(card, Fixture.selectEF("00 1A"), "90 00")
        exchange(card, pso(info), "69 82")  // the auth PIN does not open the signing key
        exchange(card, Fixture.selectEF("00 0A"), "90 00")
        exchange(card, pso(info), "69 82")  // a certificate EF is not a key
        exchange(card, Fixture.selectEF("00 17"), "90 00")
        exchange(card, pso(info), sw: "90 00")
        // Re-selecting the applet logs out.
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 17"), "90 00")
        exchange(card, pso(info), "69 82")
    }

    func testSigningInputLengths() throws {
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        exchange(card, Fixture.verify("1234"), "90 00")
        exchange(card, Fixture.selectEF("00 17"), "90 00")
        // 245 bytes is the most PKCS#1 v1.5 padding leaves room for in 256; 246 is too long.
        exchange(card, pso([UInt8](repeating: 0x11, count: 245)), sw: "90 00")
        exchange(card, pso([UInt8](repeating: 0x11, count: 246)), "67 00")
        // No data at all.
        exchange(card, "80 2A 00 80 00", "67 00")
        // Le smaller than the signature.
        exchange(card, "80 2A 00 80 03 01 02 03 80", "6C 00")
    }

    func testSigningWithoutLeAnnounces6100ThenGetResponse() throws {
        let directory = try makeTemporaryDirectory("MynaSimulatorTests")
        let (message, info) = try digestInfo(for: "T=0 style", in: directory)
        let card = try Fixture.card()
        exchange(card, Fixture.selectJPKI, "90 00")
        exchange(card, Fixture.selectEF("00 18"), "90 00")
        exchange(card, Fixture.verify("1234"), "90 00")
        exchange(card, Fixture.selectEF("00 17"), "90 00")
        exchange(card, pso(info, le: false), "61 00")
        let first = exchange(card, "00 C0 00 00 80", sw: "61 80")
        let second = exchange(card, "00 C0 00 00 80", sw: "90 00")
        exchange(card, "00 C0 00 00 80", "69 85")
        let signature = data(first) + data(second)
        XCTAssertEqual(signature.count, 256)
        try assertVerifies(signature, message: message, certificate: Fixture.pki().authCertificate, in: directory)
    }
}
