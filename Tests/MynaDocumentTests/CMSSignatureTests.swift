//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaDocument
import TestSupport
import XCTest

/// The SignedData this module writes is the one `openssl cms -sign` writes for the same inputs, byte for byte, and
/// `openssl cms -verify` accepts what the virtual card signs.
final class CMSSignatureTests: XCTestCase {
    /// Signs `content` with `openssl cms -sign` and the software copy of the card's signing key, then builds the same
    /// SignedData here at the signing time openssl chose, the signature made by the virtual card.
    func assertSameAsOpenSSL(
        content: [UInt8], hash: HashAlgorithm, attached: Bool, includeCA: Bool, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let directory = try pkiDirectory()
        let input = try write(content, "content.bin", in: directory)
        let reference = directory.appendingPathComponent("openssl.p7s")
        var arguments = [
            "cms", "-sign", "-binary", "-nosmimecap", "-md", hash.rawValue, "-in", input.path,
            "-signer", directory.appendingPathComponent("sign.pem").path,
            "-inkey", directory.appendingPathComponent("sign.key.pem").path, "-outform", "DER", "-out", reference.path,
        ]
        if attached { arguments.append("-nodetach") }
        if includeCA { arguments += ["-certfile", directory.appendingPathComponent("sign-root.pem").path] }
        try OpenSSLTool.run(arguments)
        let expected = try read(reference)
        let signingTime = try XCTUnwrap(Self.signingTime(in: expected), file: file, line: line)

        let request = try CMSSignatureRequest(
            contentDigest: try hash.digest(content), hash: hash, signingTime: signingTime)
        let card = try DocumentFixture.cardSignature(request.digestToSign, hash: hash)
        let ours = try request.signedData(
            signature: card.signature, certificate: card.certificate,
            additionalCertificates: includeCA ? [DocumentFixture.signingRoot] : [], content: attached ? content : nil)
        XCTAssertEqual(Hex(ours), Hex(expected), "hash \(hash), attached \(attached), CA \(includeCA)", file: file, line: line)
    }

    func testDetachedSHA256IsOpenSSLsEncoding() throws {
        try assertSameAsOpenSSL(content: Array("申請書 version 1\n".utf8), hash: .sha256, attached: false, includeCA: false)
    }

    func testAttachedWithTheCACertificateIsOpenSSLsEncoding() throws {
        try assertSameAsOpenSSL(content: Array(repeating: 0x5A, count: 70_000), hash: .sha256, attached: true, includeCA: true)
    }

    func testSHA384AndSHA512AreOpenSSLsEncoding() throws {
        try assertSameAsOpenSSL(content: Array("x".utf8), hash: .sha384, attached: false, includeCA: true)
        try assertSameAsOpenSSL(content: [], hash: .sha512, attached: true, includeCA: false)
    }

    func testOpenSSLVerifiesTheCardsSignatureAgainstTheSigningRoot() throws {
        let directory = try pkiDirectory()
        let content = Array("an application to the Legal Affairs Bureau".utf8)
        let request = try CMSSignatureRequest(contentDigest: try HashAlgorithm.sha256.digest(content), hash: .sha256)
        let card = try DocumentFixture.cardSignature(request.digestToSign)
        let p7s = try write(
            try request.signedData(signature: card.signature, certificate: card.certificate), "s.p7s", in: directory)
        let data = try write(content, "content.txt", in: directory)
        let root = directory.appendingPathComponent("sign-root.pem").path
        let verified = try OpenSSLTool.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", p7s.path, "-content", data.path, "-CAfile", root,
             "-purpose", "any", "-out", "/dev/null"], allowFailure: true)
        XCTAssertEqual(verified.status, 0, verified.combinedOutput)
        XCTAssertTrue(verified.standardError.contains("Verification successful"), verified.combinedOutput)
        // The other root does not anchor it.
        let foreign = try OpenSSLTool.run(
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", p7s.path, "-content", data.path, "-CAfile",
             directory.appendingPathComponent("auth-root.pem").path, "-purpose", "any", "-out", "/dev/null"],
            allowFailure: true)
        XCTAssertNotEqual(foreign.status, 0)
    }

    func testASignatureFromAnotherKeyIsRefusedBeforeItBecomesASignedData() throws {
        let request = try CMSSignatureRequest(contentDigest: Array(repeating: 1, count: 32), hash: .sha256)
        let card = try DocumentFixture.cardSignature(request.digestToSign)
        // The authentication certificate's key did not make this signature.
        let authentication = try Certificate(derEncoded: DocumentFixture.pki.authCertificate)
        XCTAssertThrowsError(try request.signedData(signature: card.signature, certificate: authentication)) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .signatureMismatch)
        }
        var tampered = card.signature
        tampered[10] ^= 1
        XCTAssertThrowsError(try request.signedData(signature: tampered, certificate: card.certificate))
    }

    func testSignedAttributesAreSortedAndTheCardSignsTheirDigest() throws {
        let time = Date(timeIntervalSince1970: 1_769_860_800)  // 2026-01-31T12:00:00Z
        let request = try CMSSignatureRequest(
            contentDigest: Array(repeating: 0xAB, count: 32), hash: .sha256, signingTime: time)
        // content-type (30 18), signing-time (30 1C), message-digest (30 2F): DER orders the SET by encoding.
        let hex = Hex(request.signedAttributes).text
        XCTAssertTrue(hex.hasPrefix("31 69 30 18 06 09 2A 86 48 86 F7 0D 01 09 03 31 0B 06 09 2A 86 48 86 F7 0D 01 07 01 "
            + "30 1C 06 09 2A 86 48 86 F7 0D 01 09 05 31 0F 17 0D 32 36 30 31 33 31 31 32 30 30 30 30 5A "
            + "30 2F 06 09 2A 86 48 86 F7 0D 01 09 04 31 22 04 20 AB"), hex)
        XCTAssertEqual(request.digestToSign, try HashAlgorithm.sha256.digest(request.signedAttributes))
        XCTAssertThrowsError(try CMSSignatureRequest(contentDigest: Array(repeating: 0, count: 20), hash: .sha1))
        XCTAssertThrowsError(try CMSSignatureRequest(contentDigest: Array(repeating: 0, count: 31), hash: .sha256))
        XCTAssertThrowsError(
            try CMSSignatureRequest(contentDigest: Array(repeating: 0, count: 32), hash: .sha256, attributes: .cades))
    }

    /// The UTCTime after the signing-time OID in a DER SignedData.
    static func signingTime(in der: [UInt8]) -> Date? {
        let marker: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05, 0x31, 0x0F, 0x17, 0x0D]
        guard let range = der.firstRange(of: marker), range.upperBound + 13 <= der.count else { return nil }
        let text = String(decoding: der[range.upperBound..<(range.upperBound + 12)], as: UTF8.self)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyMMddHHmmss"
        return formatter.date(from: text)
    }
}

/// Bytes shown as spaced hex in assertion messages.
struct Hex: Equatable, CustomStringConvertible {
    var text: String
    init(_ bytes: [UInt8]) { text = bytes.map { String(format: "%02X", $0) }.joined(separator: " ") }
    var description: String { text }
}
