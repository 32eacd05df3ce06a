//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// The code between "// snippet: NAME" and "// end snippet" appears verbatim in a ```swift block of
// Docs/DocumentSigning.md; DocSnippetsTests fails when the two differ.

import Foundation
import MynaCard
import MynaDocument
import SmartCard

// snippet: document-sign-pdf
/// Signs an application PDF on the terminal: the card makes the signature, the PDF gets an invisible signature
/// field by incremental update. Everything that can fail without the card is done before the first APDU.
func signApplication(pdf: [UInt8], reader: String, password: PIN) async throws -> [UInt8] {
    let prepared = try PDFSignaturePreparation(
        pdf: pdf, options: PDFSignatureOptions(reason: "申請", location: "札幌市役所"))
    let signer = DocumentSigner(hash: .sha256)
    let connection = try await CardConnection.connect(reader: reader)
    let signed = try await connection.withTransaction { channel in
        let card = MyNumberCard(channel: channel)
        return try signer.signPDF(prepared) { digest in
            let value = try card.jpki.sign(digest: digest, algorithm: .sha256, key: .signing, pin: password)
            // The password is verified in this session now: the certificate reads without a second VERIFY.
            let certificate = try Certificate(derEncoded: card.jpki.readCertificate(.signing))
            return DocumentSigner.Signature(value: value, certificate: certificate)
        }
    }
    try await connection.disconnect(.reset)  // no verified password survives for the next customer
    return signed
}
// end snippet

// snippet: document-verify-pdf
/// The back end: every signature of an uploaded PDF, checked against the J-LIS signing root and a current CRL.
func acceptApplication(pdf: [UInt8], signingRoot: Certificate, crl: RevocationList) throws -> JPKIIdentity? {
    let verifier = DocumentVerifier(
        trustStore: try TrustStore(anchors: [signingRoot]), crls: [crl], revocationPolicy: .require)
    let signatures = try verifier.verifyPDF(pdf)
    // The applicant's signature must be valid and cover the whole file: nothing added after signing.
    guard let last = signatures.last, last.isValid, last.coversWholeFile else { return nil }
    return last.cms.identity  // name, address, date of birth, sex, from the verified certificate
}
// end snippet

// snippet: document-cms
/// A detached CMS signature over a file of any size (hashed as it is read), and its verification.
func signAndVerify(file path: String, card: MyNumberCard, password: PIN, trustStore: TrustStore) throws -> Bool {
    let (digest, _) = try StreamingDigest.digest(ofFileAt: path, hash: .sha256)
    let p7s = try DocumentSigner(hash: .sha256).signCMS(contentDigest: digest) { digestToSign in
        let value = try card.jpki.sign(digest: digestToSign, algorithm: .sha256, key: .signing, pin: password)
        return DocumentSigner.Signature(
            value: value, certificate: try Certificate(derEncoded: card.jpki.readCertificate(.signing)))
    }
    let result = try DocumentVerifier(trustStore: trustStore).verifyCMS(p7s, contentOfFileAt: path)
    return result.isValid
}
// end snippet
