//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

extension GeneralName {
    /// Reads one entry of a decoded subjectAltName (an OpenSSL `GENERAL_NAME`, borrowed from its stack).
    init(_ name: UnsafeMutablePointer<GENERAL_NAME>) throws {
        let type = name.pointee.type
        switch type {
        case GEN_OTHERNAME:
            var typeID: OpaquePointer?
            var value: UnsafeMutablePointer<ASN1_TYPE>?
            guard GENERAL_NAME_get0_otherName(name, &typeID, &value) == 1, let typeID, let value else {
                throw MynaVerifyError.malformedDER("certificate: an otherName entry does not decode")
            }
            guard let valueDER = encodeDER({ i2d_ASN1_TYPE(value, $0) }) else {
                throw MynaVerifyError.malformedDER("certificate: an otherName value does not encode")
            }
            self = .otherName(oid: ASN1.text(of: typeID), value: DERString.decode(valueDER), valueDER: valueDER)
        case GEN_EMAIL:
            self = .email(ASN1.asciiString(name.pointee.d.rfc822Name))
        case GEN_DNS:
            self = .dnsName(ASN1.asciiString(name.pointee.d.dNSName))
        case GEN_URI:
            self = .uri(ASN1.asciiString(name.pointee.d.uniformResourceIdentifier))
        case GEN_IPADD:
            self = .ipAddress(ASN1.bytes(of: name.pointee.d.iPAddress))
        case GEN_DIRNAME:
            guard let directory = name.pointee.d.directoryName else {
                self = .unsupported(tag: Int(type))
                return
            }
            self = .directoryName(DistinguishedName(x509Name: directory))
        case GEN_RID:
            guard let object = name.pointee.d.registeredID else {
                self = .unsupported(tag: Int(type))
                return
            }
            self = .registeredID(ASN1.text(of: object))
        default:
            self = .unsupported(tag: Int(type))
        }
    }
}
