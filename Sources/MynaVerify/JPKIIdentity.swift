//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The four basic attributes (基本4情報) that a JPKI signing certificate carries in its subjectAltName.
///
/// J-LIS puts them into `otherName` entries with the OIDs `1.2.392.200149.8.5.5.1` to `.6`; each value is a string
/// (UTF8String, PrintableString or IA5String). Only the signing certificate (署名用電子証明書) has them: the
/// authentication certificate identifies a card, not a person, and ``init(certificate:)`` throws
/// ``MynaVerifyError/Code/identityNotPresent`` for it.
///
/// - Important: decode the identity of a certificate only after ``CertificateVerifier`` accepted it; the
///   attributes are as trustworthy as the certificate's chain.
public struct JPKIIdentity: Sendable, Hashable, Codable {
    /// The otherName OIDs of the attributes.
    public typealias AttributeOID = JPKICertificateOID.Attribute

    /// The name (氏名).
    public var name: String
    /// The substitute characters for the name (氏名代替文字), when present.
    public var nameSubstituteCharacters: String?
    /// The sex code (性別) as written in the certificate.
    public var sex: String
    /// The date of birth (生年月日) as written in the certificate, for example `"1980-01-02"` style or a
    /// `YYYYMMDD` string, depending on the issuer's encoding.
    public var dateOfBirth: String
    /// The address (住所).
    public var address: String
    /// The substitute characters for the address (住所代替文字), when present.
    public var addressSubstituteCharacters: String?

    public init(
        name: String,
        nameSubstituteCharacters: String?,
        sex: String,
        dateOfBirth: String,
        address: String,
        addressSubstituteCharacters: String?
    ) {
        self.name = name
        self.nameSubstituteCharacters = nameSubstituteCharacters
        self.sex = sex
        self.dateOfBirth = dateOfBirth
        self.address = address
        self.addressSubstituteCharacters = addressSubstituteCharacters
    }

    /// Reads the identity from a signing certificate's subjectAltName.
    ///
    /// - Parameter certificate: a JPKI signing certificate.
    /// - Throws: ``MynaVerifyError`` with code ``MynaVerifyError/Code/identityNotPresent`` when the certificate has
    ///   none of the JPKI otherNames (an authentication certificate) or lacks one of name, sex, date of birth and
    ///   address; ``MynaVerifyError/Code/malformedDER`` when such an otherName is not a string.
    public init(certificate: Certificate) throws {
        var values: [String: String] = [:]
        for case .otherName(let oid, let value, _) in certificate.subjectAlternativeNames
        where oid.hasPrefix(JPKICertificateOID.attributeArc) {
            guard let value else {
                throw MynaVerifyError(
                    code: .malformedDER,
                    reason: "the JPKI otherName \(oid) does not hold a UTF8String, PrintableString or IA5String"
                )
            }
            values[oid] = value
        }
        guard !values.isEmpty else {
            throw MynaVerifyError(
                code: .identityNotPresent,
                reason: "the certificate carries no JPKI identity (authentication certificates never do; "
                    + "only the signing certificate has the name, sex, date of birth and address)"
            )
        }
        func required(_ oid: String, _ label: String) throws -> String {
            guard let value = values[oid] else {
                throw MynaVerifyError(code: .identityNotPresent, reason: "the JPKI otherName \(label) (\(oid)) is missing")
            }
            return value
        }
        self.init(
            name: try required(AttributeOID.name, "name"),
            nameSubstituteCharacters: values[AttributeOID.nameSubstituteCharacters],
            sex: try required(AttributeOID.sex, "sex"),
            dateOfBirth: try required(AttributeOID.dateOfBirth, "date of birth"),
            address: try required(AttributeOID.address, "address"),
            addressSubstituteCharacters: values[AttributeOID.addressSubstituteCharacters]
        )
    }

    /// The identity in `certificate`, or `nil` when it carries none (an authentication certificate).
    ///
    /// - Throws: ``MynaVerifyError`` when the certificate has JPKI otherNames but they are incomplete or not strings.
    public static func ifPresent(in certificate: Certificate) throws -> JPKIIdentity? {
        do {
            return try JPKIIdentity(certificate: certificate)
        } catch let error as MynaVerifyError where error.code == .identityNotPresent
            && !certificate.subjectAlternativeNames.contains(where: Self.isJPKIOtherName)
        {
            return nil
        }
    }

    private static func isJPKIOtherName(_ name: GeneralName) -> Bool {
        if case .otherName(let oid, _, _) = name { return oid.hasPrefix(JPKICertificateOID.attributeArc) }
        return false
    }
}
