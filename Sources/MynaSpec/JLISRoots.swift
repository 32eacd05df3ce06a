//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// One generation of one J-LIS root certificate, as J-LIS publishes it (jpki.go.jp, the "ca" page).
///
/// The pinned generations carry the SHA-256 fingerprint of the certificate's DER encoding: that fingerprint, not the
/// name, is what identifies the root. Every generation of a hierarchy has the same subject DN byte for byte
/// (``JLISRoots/subject(of:)``), so a name never identifies a root.
public struct JLISRoot: Sendable, Hashable, CustomStringConvertible {
    /// The two JPKI hierarchies, each with roots of its own.
    public enum Hierarchy: String, Sendable, Hashable, CaseIterable {
        /// User authentication (利用者証明用): the roots of authentication certificates.
        case authentication
        /// Digital signature (署名用): the roots of signing certificates.
        case signing

        /// How J-LIS's DN names the hierarchy, in its first `OU`.
        public var organizationalUnit: String {
            switch self {
            case .authentication: return "JPKI for user authentication"
            case .signing: return "JPKI for digital signature"
            }
        }

        /// `authentication hierarchy` or `signature hierarchy`, for sentences.
        public var phrase: String {
            switch self {
            case .authentication: return "authentication hierarchy"
            case .signing: return "signature hierarchy"
            }
        }
    }

    /// The hierarchy the root anchors.
    public let hierarchy: Hierarchy
    /// The generation, 1 for the first roots of 2015.
    public let generation: Int
    /// The serial number as upper-case hexadecimal with an even number of digits (`01`, `06D18006`).
    public let serialNumber: String
    /// The start of validity: RFC 3339 in UTC to the second for pinned roots; a calendar date (Japan time, as
    /// published) for roots known only from J-LIS's page.
    public let notBefore: String
    /// The end of validity, in the form of ``notBefore``.
    public let notAfter: String
    /// The SHA-256 fingerprint of the DER certificate, 64 upper-case hexadecimal digits; `nil` when J-LIS's
    /// certificate file was not available to pin (generation 2).
    public let sha256Fingerprint: String?

    /// Whether the root is pinned by its fingerprint.
    public var isPinned: Bool { sha256Fingerprint != nil }

    /// `J-LIS production root, authentication hierarchy, generation 3`.
    public var description: String {
        "J-LIS production root, \(hierarchy.phrase), generation \(generation)"
    }
}

/// The J-LIS production roots of the JPKI (公的個人認証サービス) and the facts that identify them.
///
/// The library trusts a root because its fingerprint is one of ``pinned``, or because an operator added it to the
/// trust store on purpose; never because of its name.
public enum JLISRoots {
    /// The subject (and issuer) DN attributes of the roots of `hierarchy`, in encoding order, as (attribute type OID,
    /// value): `C=JP, O=JPKI, OU=<hierarchy>, OU=Japan Agency for Local Authority Information Systems`.
    public static func subject(of hierarchy: JLISRoot.Hierarchy) -> [(oid: String, value: String)] {
        [
            (countryNameOID, "JP"), (organizationNameOID, organization),
            (organizationalUnitNameOID, hierarchy.organizationalUnit),
            (organizationalUnitNameOID, "Japan Agency for Local Authority Information Systems"),
        ]
    }

    /// The `O` of the production roots.
    public static let organization = "JPKI"
    /// The `O` of the JPKI test hierarchy that test cards are issued under. J-LIS does not publish its roots, and
    /// production code never accepts them as production roots.
    public static let testOrganization = "JPKI-TEST"

    /// X.520 attribute types of the DNs above.
    public static let countryNameOID = "2.5.4.6"
    public static let organizationNameOID = "2.5.4.10"
    public static let organizationalUnitNameOID = "2.5.4.11"

    /// Every generation known, pinned or not, oldest first per hierarchy.
    public static let all: [JLISRoot] = [
        JLISRoot(
            hierarchy: .authentication, generation: 1, serialNumber: "01",
            notBefore: "2015-10-20T03:08:13Z", notAfter: "2025-10-19T14:59:59Z",
            sha256Fingerprint: "4DCFC4CA0AAF9FB2A3081B3F0C991C320B3ACC008667A341EEAEC5AF1D58CA7D"),
        JLISRoot(
            hierarchy: .authentication, generation: 2, serialNumber: "0133C349",
            notBefore: "2019-09-14", notAfter: "2029-09-14", sha256Fingerprint: nil),
        JLISRoot(
            hierarchy: .authentication, generation: 3, serialNumber: "06D18006",
            notBefore: "2023-07-16T01:01:04Z", notAfter: "2033-07-15T14:59:59Z",
            sha256Fingerprint: "64114F29620C24ED2631D46476A040E7EE740D956089C00B036A6A8118C322B5"),
        JLISRoot(
            hierarchy: .signing, generation: 1, serialNumber: "01",
            notBefore: "2015-10-20T02:40:28Z", notAfter: "2025-10-19T14:59:59Z",
            sha256Fingerprint: "19645405A1FE14377434BD55957628AC4038557C542403A2243F21C706FC9355"),
        JLISRoot(
            hierarchy: .signing, generation: 2, serialNumber: "0132C4AB",
            notBefore: "2019-09-14", notAfter: "2029-09-14", sha256Fingerprint: nil),
        JLISRoot(
            hierarchy: .signing, generation: 3, serialNumber: "067C6A21",
            notBefore: "2023-07-16T00:50:27Z", notAfter: "2033-07-15T14:59:59Z",
            sha256Fingerprint: "D227F6CDE11D35C5252178F106F843D24651944975413B539FA2FB68DBFA365F"),
    ]

    /// The generations pinned by fingerprint.
    public static var pinned: [JLISRoot] { all.filter(\.isPinned) }

    /// The pinned root with this SHA-256 fingerprint (hexadecimal, any case, colons allowed), if any.
    public static func pinnedRoot(sha256Fingerprint fingerprint: String) -> JLISRoot? {
        let normalized = String(fingerprint.filter { $0 != ":" }).uppercased()
        return all.first { $0.sha256Fingerprint == normalized }
    }

    /// Where J-LIS publishes the roots (its certification authority page), for messages that tell an operator how to
    /// install them.
    public static let publisher = "J-LIS, https://www.jpki.go.jp (certification authority page)"
}
