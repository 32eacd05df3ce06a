//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import MynaVerify
import TestSupport
import XCTest

/// Signatures made with `openssl dgst -<hash> -sign leaf.key`, checked here and cross-checked with
/// `openssl dgst -<hash> -verify leaf.pub.pem -signature data.<hash>.sig data.bin`.
final class SignatureVerifierTests: XCTestCase {
    func testValidSignaturesForEveryHashAgreeWithOpenSSL() throws {
        let pki = try TestPKI.get()
        let leaf = try pki.certificate(pki.authLeaf)
        let data = try pki.bytes(pki.data)
        for hash in HashAlgorithm.allCases {
            let signatureFile = try XCTUnwrap(pki.signatures[hash])
            let signature = try pki.bytes(signatureFile)
            XCTAssertTrue(try SignatureVerifier.isValidSignature(signature, for: data, hash: hash, publicKeyOf: leaf))
            XCTAssertTrue(
                try SignatureVerifier.isValidSignature(
                    signature, forDigest: hash.digest(data), hash: hash, publicKeyOf: leaf))
            XCTAssertTrue(
                try OpenSSLTool.verifiesSignature(
                    signatureFile, over: pki.data, publicKey: pki.leafPublicKey, hash: hash.rawValue),
                "openssl dgst -\(hash.rawValue) -verify rejects the signature")
        }
    }

    func testWrongSignaturesAreFalseAndAgreeWithOpenSSL() throws {
        let pki = try TestPKI.get()
        let leaf = try pki.certificate(pki.authLeaf)
        let data = try pki.bytes(pki.data)
        let signature = try pki.bytes(XCTUnwrap(pki.signatures[.sha256]))
        var flipped = signature
        flipped[100] ^= 0x01
        var otherData = data
        otherData[0] ^= 0x80
        let key = leaf.publicKey
        XCTAssertFalse(try SignatureVerifier.isValidSignature(flipped, for: data, hash: .sha256, publicKey: key))
        XCTAssertFalse(try SignatureVerifier.isValidSignature(signature, for: otherData, hash: .sha256, publicKey: key))
        XCTAssertFalse(try SignatureVerifier.isValidSignature(signature, for: data, hash: .sha512, publicKey: key))
        XCTAssertFalse(try SignatureVerifier.isValidSignature([], for: data, hash: .sha256, publicKey: key))
        XCTAssertFalse(
            try SignatureVerifier.isValidSignature(Array(signature.dropLast()), for: data, hash: .sha256, publicKey: key))
        XCTAssertFalse(
            try SignatureVerifier.isValidSignature(
                signature, for: data, hash: .sha256, publicKeyOf: pki.certificate(pki.authRoot)))

        let flippedFile = pki.directory.appendingPathComponent("flipped-\(UUID().uuidString).sig")
        try Data(flipped).write(to: flippedFile)
        let openssl = try OpenSSLTool.run(
            ["dgst", "-sha256", "-verify", pki.leafPublicKey.path, "-signature", flippedFile.path, pki.data.path],
            allowFailure: true)
        XCTAssertNotEqual(openssl.status, 0)
    }

    func testMalformedKeyInputThrows() throws {
        let pki = try TestPKI.get()
        let signature = try pki.bytes(XCTUnwrap(pki.signatures[.sha256]))
        XCTAssertThrowsError(try PublicKey(bytes: [0x30, 0x03, 0x02, 0x01, 0x01])) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .unsupportedKey)
        }
        XCTAssertThrowsError(try PublicKey(bytes: [])) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .emptyInput)
        }
        let ecKey = pki.directory.appendingPathComponent("ec.pem")
        try OpenSSLTool.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ecKey.path])
        let ecPublic = try OpenSSLTool.run(["pkey", "-in", ecKey.path, "-pubout"]).standardOutput
        let key = try PublicKey(bytes: Array(ecPublic.utf8))
        XCTAssertFalse(key.isRSA)
        XCTAssertThrowsError(try SignatureVerifier.isValidSignature(signature, for: [1], hash: .sha256, publicKey: key)) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .unsupportedKey)
        }
        let rsaKey = try PublicKey(bytes: pki.bytes(pki.leafPublicKey))
        XCTAssertThrowsError(
            try SignatureVerifier.isValidSignature(signature, forDigest: [1, 2, 3], hash: .sha256, publicKey: rsaKey)
        ) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .invalidDigestLength)
        }
    }

    func testChallengeResponseWithVerifiedCertificate() throws {
        let pki = try TestPKI.get()
        let challenge = try ChallengeResponse.makeChallenge()
        XCTAssertEqual(challenge.count, 32)
        XCTAssertNotEqual(challenge, try ChallengeResponse.makeChallenge(), "fresh every time")
        XCTAssertEqual(try ChallengeResponse.makeChallenge(byteCount: 8).count, 8)

        // The card's part, played by openssl with the leaf key.
        let challengeFile = pki.directory.appendingPathComponent("challenge-\(UUID().uuidString)")
        let signatureFile = challengeFile.appendingPathExtension("sig")
        try Data(challenge).write(to: challengeFile)
        try OpenSSLTool.run(["dgst", "-sha256", "-sign", pki.leafKey.path, "-out", signatureFile.path, challengeFile.path])
        let signature = try pki.bytes(signatureFile)

        let verifier = CertificateVerifier(
            trustStore: try TrustStore(anchors: [pki.certificate(pki.authRoot)]),
            profile: .authentication
        )
        let verified = try XCTUnwrap(verifier.verify(leaf: pki.certificate(pki.authLeaf)).verifiedCertificate)
        XCTAssertTrue(
            try ChallengeResponse.verify(challenge: challenge, signature: signature, hash: .sha256, certificate: verified))
        XCTAssertFalse(
            try ChallengeResponse.verify(
                challenge: challenge.reversed(), signature: signature, hash: .sha256, certificate: verified))
        XCTAssertNil(verifier.verify(leaf: try pki.certificate(pki.expiredLeaf)).verifiedCertificate)
    }
}
