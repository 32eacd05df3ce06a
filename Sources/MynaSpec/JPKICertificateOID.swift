//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// The object identifiers in JPKI certificates (J-LIS's arc `1.2.392.200149.8.5`), shared by the verifier (which
/// checks them) and the virtual card's test PKI (which issues them).
public enum JPKICertificateOID {
    /// Certificate policies of signing certificates (署名用電子証明書) lie under this arc.
    public static let signingPolicyArc = "1.2.392.200149.8.5.1.1"
    /// Certificate policies of authentication certificates (利用者証明用電子証明書) lie under this arc.
    public static let authenticationPolicyArc = "1.2.392.200149.8.5.1.3"
    /// The policy J-LIS issues signing certificates under.
    public static let signingPolicy = signingPolicyArc + ".20"
    /// The policy J-LIS issues authentication certificates under.
    public static let authenticationPolicy = authenticationPolicyArc + ".30"

    /// The arc of the otherName entries that carry the four basic attributes in a signing certificate's
    /// subjectAltName, with a trailing dot.
    public static let attributeArc = "1.2.392.200149.8.5.5."

    /// The otherName OIDs of the attributes.
    public enum Attribute {
        /// 氏名.
        public static let name = attributeArc + "1"
        /// 氏名代替文字.
        public static let nameSubstituteCharacters = attributeArc + "2"
        /// 性別, an ISO 5218 code.
        public static let sex = attributeArc + "3"
        /// 生年月日, `YYYYMMDD`.
        public static let dateOfBirth = attributeArc + "4"
        /// 住所.
        public static let address = attributeArc + "5"
        /// 住所代替文字.
        public static let addressSubstituteCharacters = attributeArc + "6"
    }
}
