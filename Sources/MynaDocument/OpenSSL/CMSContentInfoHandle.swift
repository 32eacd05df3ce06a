//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

/// Owns an OpenSSL `CMS_ContentInfo` parsed from DER, and reads and checks its SignedData with OpenSSL's CMS code:
/// the parser and the signature check are OpenSSL's, independent of this module's DER writer.
///
/// The SignerInfo pointers belong to the ContentInfo; they never leave this file. Values come out as Swift arrays
/// (DER encodings that ``CMSVerifier`` reads with ``DER/Reader``).
///
/// Not `Sendable`: `CMS_SignerInfo_set1_signer_cert` changes the structure; each verification parses its own.
final class CMSContentInfoHandle {
    private let pointer: OpaquePointer

    /// The fields of one SignerInfo, as DER.
    struct SignerFields {
        /// The digestAlgorithm's OBJECT IDENTIFIER encoding.
        var digestAlgorithm: [UInt8]
        /// The signatureAlgorithm's OBJECT IDENTIFIER encoding.
        var signatureAlgorithm: [UInt8]
        /// Each signed attribute, `SEQUENCE { type, SET OF value }`.
        var signedAttributes: [[UInt8]]
        /// The signature value.
        var signature: [UInt8]
    }

    /// Parses a ContentInfo that spans all of `der` (BER too, as other signers write it: NSS uses indefinite
    /// lengths).
    ///
    /// - Parameter zeroPadded: whether zero bytes may follow the ContentInfo (a PDF's `/Contents` is padded so).
    /// - Throws: ``MynaVerifyError/Code/malformedCMS`` with OpenSSL's reasons.
    init(der: [UInt8], zeroPadded: Bool = false) throws {
        pointer = try Self.decode(der, zeroPadded: zeroPadded)
    }

    private static func decode(_ der: [UInt8], zeroPadded: Bool) throws -> OpaquePointer {
        do throws(DERDecodingError) {
            return try decodeWholeDER(der, with: { d2i_CMS_ContentInfo(nil, $0, $1) }, free: CMS_ContentInfo_free)
        } catch .trailingBytes(let count) {
            guard zeroPadded, der.suffix(count).allSatisfy({ $0 == 0 }) else {
                throw MynaVerifyError(code: .malformedCMS, reason: "CMS: \(count) bytes after the ContentInfo")
            }
            return try decode(Array(der.dropLast(count)), zeroPadded: false)
        } catch {
            throw MynaVerifyError(
                code: .malformedCMS, reason: "CMS: the ContentInfo does not decode (\(der.count) bytes)",
                openSSLErrors: OpenSSLErrorQueue.drain())
        }
    }

    deinit {
        CMS_ContentInfo_free(pointer)
    }

    /// The ContentInfo's contentType, as an OBJECT IDENTIFIER encoding.
    var contentType: [UInt8]? { Self.objectDER(CMS_get0_type(pointer)) }

    /// The SignedData's eContentType, as an OBJECT IDENTIFIER encoding.
    var encapsulatedContentType: [UInt8]? { Self.objectDER(CMS_get0_eContentType(pointer)) }

    /// The encapsulated content of an attached signature; `nil` when the signature is detached.
    var encapsulatedContent: [UInt8]? {
        guard let slot = CMS_get0_content(pointer), let content = slot.pointee else { return nil }
        return Self.bytes(of: content)
    }

    /// The DER of every certificate in the SignedData, in the order OpenSSL holds them.
    func certificates() -> [[UInt8]] {
        guard let stack = CMS_get1_certs(pointer) else {
            ERR_clear_error()
            return []
        }
        defer { COpenSSL_sk_X509_pop_free(stack) }
        return (0..<COpenSSL_sk_X509_num(stack)).compactMap { index in
            encodeDER { i2d_X509(COpenSSL_sk_X509_value(stack, index), $0) }
        }
    }

    /// The number of SignerInfos.
    var signerCount: Int {
        guard let signers = CMS_get0_SignerInfos(pointer) else { return 0 }
        return Int(COpenSSL_sk_CMS_SignerInfo_num(signers))
    }

    /// The fields of the SignerInfo at `index` (below ``signerCount``).
    func signer(at index: Int) -> SignerFields? {
        guard let info = signerInfo(at: index) else { return nil }
        var digest: UnsafeMutablePointer<X509_ALGOR>?
        var signature: UnsafeMutablePointer<X509_ALGOR>?
        withUnsafeMutablePointer(to: &digest) { digestSlot in
            withUnsafeMutablePointer(to: &signature) { signatureSlot in
                CMS_SignerInfo_get0_algs(info, nil, nil, digestSlot, signatureSlot)
            }
        }
        var attributes: [[UInt8]] = []
        let count = CMS_signed_get_attr_count(info)
        if count > 0 {
            for location in 0..<count {
                guard let attribute = CMS_signed_get_attr(info, location),
                    let der = encodeDER({ i2d_X509_ATTRIBUTE(attribute, $0) })
                else { return nil }
                attributes.append(der)
            }
        }
        guard let digestOID = Self.algorithmDER(digest), let signatureOID = Self.algorithmDER(signature),
            let value = CMS_SignerInfo_get0_signature(info)
        else { return nil }
        return SignerFields(
            digestAlgorithm: digestOID, signatureAlgorithm: signatureOID, signedAttributes: attributes,
            signature: Self.bytes(of: value))
    }

    /// Whether the SignerInfo at `index` names `certificateDER` (issuer and serial number, or subject key id).
    func signer(at index: Int, isIdentifiedBy certificate: X509Handle) -> Bool {
        guard let info = signerInfo(at: index) else { return false }
        return CMS_SignerInfo_cert_cmp(info, certificate.pointer) == 0
    }

    /// Whether the signature of the SignerInfo at `index` verifies over its signed attributes with the key of
    /// `certificate` (`CMS_SignerInfo_verify`). The message digest is not part of this check.
    func verifySignature(at index: Int, with certificate: X509Handle) -> Bool {
        guard let info = signerInfo(at: index) else { return false }
        CMS_SignerInfo_set1_signer_cert(info, certificate.pointer)
        let verified = CMS_SignerInfo_verify(info) == 1
        if !verified { ERR_clear_error() }
        return verified
    }

    private func signerInfo(at index: Int) -> OpaquePointer? {
        guard let signers = CMS_get0_SignerInfos(pointer), index >= 0,
            index < Int(COpenSSL_sk_CMS_SignerInfo_num(signers))
        else { return nil }
        return COpenSSL_sk_CMS_SignerInfo_value(signers, Int32(index))
    }

    private static func objectDER(_ object: OpaquePointer?) -> [UInt8]? {
        guard let object else { return nil }
        return encodeDER { i2d_ASN1_OBJECT(object, $0) }
    }

    private static func algorithmDER(_ algorithm: UnsafeMutablePointer<X509_ALGOR>?) -> [UInt8]? {
        guard let algorithm else { return nil }
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        return objectDER(object)
    }

    private static func bytes(of string: UnsafeMutablePointer<ASN1_OCTET_STRING>) -> [UInt8] {
        guard let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }
}
