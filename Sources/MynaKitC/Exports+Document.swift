//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CMynaKit
import FoundationEssentials
import MynaCard
import MynaDocument

// Document signatures (MYNAKIT_1.1): MynaDocument builds the CMS, the card signs its signed attributes.

@c @implementation
public func mynakit_sign_cms(
    _ session: OpaquePointer?, _ pin: UnsafePointer<CChar>?, _ allow_last_try: Int32, _ data: UnsafePointer<UInt8>?,
    _ data_len: Int, _ hash: Int32, _ include_ca: Int32, _ cms: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
    _ cms_len: UnsafeMutablePointer<Int>?, _ err: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    COutput.clear(cms, cms_len)
    return reportingErrors(err) {
        let function: StaticString = "mynakit_sign_cms"
        try COutput.require(cms, cms_len, names: ("cms", "cms_len"), in: function)
        let session = try openSession(session, in: function)
        let algorithm = try HashAlgorithm(abiValue: hash, in: function)
        guard HashAlgorithm.documentAlgorithms.contains(algorithm) else {
            throw ABIFailure.usage(
                function, "hash \(hash): document signatures use MYNAKIT_HASH_SHA256 (2), _SHA384 (3) or _SHA512 (4)")
        }
        let content = try CInput.bytes(data, count: data_len, name: "data", in: function)
        let digest = try algorithm.digest(content)
        let password = try CInput.pin(pin, kind: .signing, name: "pin", in: function)
        let allowLastTry = allow_last_try != 0
        let includeCA = include_ca != 0
        let signer = DocumentSigner(hash: algorithm)
        let signingTime = Date()
        let bytes = try session.run(function) { card in
            try signer.signCMS(contentDigest: digest, signingTime: signingTime) { signedAttributesDigest in
                let value = try card.jpki.sign(
                    digest: signedAttributesDigest, algorithm: algorithm, key: .signing, pin: password,
                    allowLastTry: allowLastTry)
                // Read after the signature, while the password is verified: no second VERIFY. The certificate is
                // not trusted for coming from the card: DocumentSigner checks the signature with its key.
                let certificate = try Certificate(derEncoded: card.jpki.readCertificate(.signing))
                let ca = includeCA ? [try Certificate(derEncoded: card.jpki.readCertificate(.signingCA))] : []
                return DocumentSigner.Signature(value: value, certificate: certificate, additionalCertificates: ca)
            }
        }
        try COutput.give(bytes, to: cms, length: cms_len, what: "the CMS signature")
    }
}
