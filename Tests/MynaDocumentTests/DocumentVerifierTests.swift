//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
@testable import MynaDocument
import MynaSimulator
import TestSupport
import XCTest

/// Every verdict of the document verifier, on signatures the virtual card made and on altered copies.
final class DocumentVerifierTests: XCTestCase {
    let content = Array("申請書: 住民票の写し 1通\n".utf8)

    func signedData(
        attached: Bool = false, includeCA: Bool = false, attributes: CMSSignatureRequest.Attributes = .pkcs9
    ) throws -> [UInt8] {
        let request = try CMSSignatureRequest(
            contentDigest: try HashAlgorithm.sha256.digest(content), hash: .sha256, attributes: attributes,
            signingCertificate: DocumentFixture.signingCertificate)
        let card = try DocumentFixture.cardSignature(request.digestToSign)
        return try request.signedData(
            signature: card.signature, certificate: card.certificate,
            additionalCertificates: includeCA ? [DocumentFixture.signingRoot] : [], content: attached ? content : nil)
    }

    func testAValidDetachedSignatureReportsTheSignerAndTime() throws {
        let before = Date(timeIntervalSinceNow: -1).timeIntervalSince1970.rounded(.down)
        let result = try DocumentFixture.verifier.verifyCMS(try signedData(), content: content)
        XCTAssertTrue(result.isValid, "\(result.failures)")
        XCTAssertTrue(result.isDetached)
        XCTAssertEqual(result.hash, .sha256)
        XCTAssertEqual(result.signer, DocumentFixture.signingCertificate)
        XCTAssertEqual(result.identity?.name, Identity.sample.name)
        XCTAssertEqual(result.identity?.address, Identity.sample.address)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(result.signingTime).timeIntervalSince1970, before)
        XCTAssertEqual(result.certificateVerification?.isValid, true)
    }

    func testAttachedAndCAdESSignaturesVerify() throws {
        let attached = try DocumentFixture.verifier.verifyCMS(try signedData(attached: true, includeCA: true), content: nil)
        XCTAssertTrue(attached.isValid, "\(attached.failures)")
        XCTAssertEqual(attached.content, content)
        let cades = try DocumentFixture.verifier.verifyCMS(try signedData(attributes: .cades), content: content)
        XCTAssertTrue(cades.isValid, "\(cades.failures)")
        XCTAssertNil(cades.signingTime)
    }

    func testTamperedContentIsAMessageDigestMismatch() throws {
        var changed = content
        changed[0] ^= 0x01
        let result = try DocumentFixture.verifier.verifyCMS(try signedData(), content: changed)
        XCTAssertEqual(result.failures, [.messageDigestMismatch])
        // Content given beside an attached signature must be the attached content.
        let attached = try DocumentFixture.verifier.verifyCMS(try signedData(attached: true), content: changed)
        XCTAssertEqual(attached.failures, [.messageDigestMismatch])
        XCTAssertThrowsError(try DocumentFixture.verifier.verifyCMS(try signedData(), content: nil)) {
            XCTAssertEqual(($0 as? MynaVerifyError)?.code, .unsupportedDocument)
        }
    }

    func testAChangedSignatureOrSignedAttributeIsABadSignature() throws {
        var der = try signedData()
        der[der.count - 5] ^= 0x40  // inside the signature value, the last field
        XCTAssertEqual(try DocumentFixture.verifier.verifyCMS(der, content: content).failures, [.badSignature])
        // The signing-time digits are inside the signed attributes: the signature no longer covers them.
        var time = try signedData()
        let marker: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05, 0x31, 0x0F, 0x17, 0x0D]
        let at = try XCTUnwrap(time.firstRange(of: marker)).upperBound
        time[at] = time[at] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        XCTAssertEqual(try DocumentFixture.verifier.verifyCMS(time, content: content).failures, [.badSignature])
    }

    func testAReplacedCertificateIsCaught() throws {
        // The authentication certificate swapped in for the signing certificate: it is not the signer the SignerInfo
        // names (issuer and serial differ), so the signature has no signer certificate.
        let der = try signedData()
        // The enclosing lengths change with the certificate's: the CMS is re-read and written again around it.
        let swapped = try XCTUnwrap(
            Self.reencode(der, replacing: DocumentFixture.pki.signCertificate, with: DocumentFixture.pki.authCertificate))
        XCTAssertNotEqual(swapped, der)
        let result = try DocumentFixture.verifier.verifyCMS(swapped, content: content)
        XCTAssertEqual(result.failures, [.signerCertificateMissing])
    }

    func testAnUntrustedRootAndAWrongProfileAreRejected() throws {
        let foreign = DocumentVerifier(trustStore: try TrustStore(anchors: [DocumentFixture.authenticationRoot]))
        let result = try foreign.verifyCMS(try signedData(), content: content)
        guard case .certificateRejected(let failures)? = result.failures.first else {
            return XCTFail("\(result.failures)")
        }
        XCTAssertTrue(failures.contains { if case .unknownIssuer = $0 { true } else { false } }, "\(failures)")
        XCTAssertNil(result.identity, "no identity from a certificate that did not verify")
        // Judged after the certificate expired.
        let late = DocumentVerifier(
            trustStore: try TrustStore(anchors: [DocumentFixture.signingRoot]), at: Date(timeIntervalSinceNow: 20 * 365 * 86_400))
        XCTAssertFalse(try late.verifyCMS(try signedData(), content: content).isValid)
    }

    func testMalformedInputThrows() throws {
        XCTAssertThrowsError(try DocumentFixture.verifier.verifyCMS([0x30, 0x03, 0x02, 0x01, 0x01], content: content))
        XCTAssertThrowsError(try DocumentFixture.verifier.verifyCMS(Array((try signedData()).dropLast(3)), content: content))
        XCTAssertThrowsError(try SignedDataFile.der(Array("not a signature".utf8)))
        let der = try signedData()
        let pem = "-----BEGIN CMS-----\n" + Data(der).base64EncodedString(options: .lineLength64Characters)
            + "\n-----END CMS-----\n"
        XCTAssertEqual(try SignedDataFile.der(Array(pem.utf8)), der)
    }

    /// `der` with the element `old` replaced by `new` and every enclosing length fixed (the CMS is re-read with the
    /// module's DER reader and written again).
    static func reencode(_ der: [UInt8], replacing old: [UInt8], with new: [UInt8]) -> [UInt8]? {
        func walk(_ element: DER.Element) -> [UInt8] {
            if Array(element.encoding) == old { return new }
            guard element.tag & 0x20 != 0 else { return Array(element.encoding) }
            var reader = DER.Reader(element.content)
            var children: [UInt8] = []
            while let child = reader.read() { children += walk(child) }
            guard reader.isAtEnd else { return Array(element.encoding) }
            return DER.element(element.tag, children)
        }
        return DER.parse(der[...]).map(walk)
    }
}
