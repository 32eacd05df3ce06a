//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a certificate is, as a root of the JPKI: a J-LIS production root pinned by its fingerprint, a root that only
/// carries J-LIS's name, a JPKI test root, or none of these.
///
/// The fingerprint decides; a name never does. All generations of a J-LIS hierarchy share one subject DN, and anyone
/// can make a certificate with that DN.
///
/// ```swift
/// let root = try Certificate(bytes: bytes)
/// print(RootClassification(root))   // J-LIS production root, authentication hierarchy, generation 3
/// ```
public enum RootClassification: Sendable, Hashable, CustomStringConvertible {
    /// A J-LIS production root: its SHA-256 fingerprint is one of ``JLISRoots/pinned``.
    case jlisProduction(JLISRoot)
    /// Self-issued with the subject DN of a J-LIS production hierarchy, but a fingerprint that is not pinned:
    /// generation 2 (J-LIS's file was not available to pin), a root J-LIS issued after this release, or an
    /// impostor. `published` is the known unpinned generation whose serial number and validity dates it carries.
    case jlisUnpinned(hierarchy: JLISRoot.Hierarchy, published: JLISRoot?)
    /// The JPKI test hierarchy (`O=JPKI-TEST` in its subject or issuer), which test cards are issued under; the
    /// hierarchy when its `OU` names one.
    case jpkiTest(hierarchy: JLISRoot.Hierarchy?)
    /// Not a JPKI root this library knows.
    case unknown

    /// Classifies `certificate`.
    public init(_ certificate: Certificate) {
        let fingerprint = certificate.sha256Fingerprint.hexadecimal
        if let pinned = JLISRoots.pinned.first(where: { $0.sha256Fingerprint == fingerprint }) {
            self = .jlisProduction(pinned)
            return
        }
        for name in [certificate.subject, certificate.issuer]
        where name.values(of: JLISRoots.organizationNameOID).contains(JLISRoots.testOrganization) {
            let units = name.values(of: JLISRoots.organizationalUnitNameOID)
            self = .jpkiTest(hierarchy: JLISRoot.Hierarchy.allCases.first { units.contains($0.organizationalUnit) })
            return
        }
        for hierarchy in JLISRoot.Hierarchy.allCases
        where Self.isJLISName(certificate.subject, of: hierarchy) && certificate.issuer == certificate.subject {
            let published = JLISRoots.all.first { root in
                !root.isPinned && root.hierarchy == hierarchy && root.serialNumber == certificate.serialNumber
                    && Self.japanDate(certificate.notBefore) == root.notBefore
                    && Self.japanDate(certificate.notAfter) == root.notAfter
            }
            self = .jlisUnpinned(hierarchy: hierarchy, published: published)
            return
        }
        self = .unknown
    }

    /// `jlis-production`, `jlis-unpinned`, `jpki-test` or `unknown`, for JSON output and scripts.
    public var code: String {
        switch self {
        case .jlisProduction: return "jlis-production"
        case .jlisUnpinned: return "jlis-unpinned"
        case .jpkiTest: return "jpki-test"
        case .unknown: return "unknown"
        }
    }

    /// Whether this is the JPKI test hierarchy.
    public var isTestHierarchy: Bool {
        if case .jpkiTest = self { return true }
        return false
    }

    /// The hierarchy, when the classification knows it.
    public var hierarchy: JLISRoot.Hierarchy? {
        switch self {
        case .jlisProduction(let root): return root.hierarchy
        case .jlisUnpinned(let hierarchy, _): return hierarchy
        case .jpkiTest(let hierarchy): return hierarchy
        case .unknown: return nil
        }
    }

    public var description: String {
        switch self {
        case .jlisProduction(let root):
            return root.description
        case .jlisUnpinned(let hierarchy, let published):
            let match = published.map { "subject, serial and validity of generation \($0.generation)" }
                ?? "matches no published generation"
            return "J-LIS name, \(hierarchy.phrase), fingerprint NOT pinned (\(match))"
        case .jpkiTest(let hierarchy):
            return "JPKI test hierarchy" + (hierarchy.map { ", \($0.phrase)" } ?? "")
        case .unknown:
            return "unknown (not a J-LIS root)"
        }
    }

    /// Whether `name` is, attribute for attribute, the subject DN of J-LIS's roots of `hierarchy`.
    static func isJLISName(_ name: DistinguishedName, of hierarchy: JLISRoot.Hierarchy) -> Bool {
        let expected = JLISRoots.subject(of: hierarchy)
        return name.rdns.count == expected.count
            && zip(name.rdns, expected).allSatisfy { rdn, attribute in
                rdn.count == 1 && rdn[0].oid == attribute.oid && rdn[0].value == attribute.value
            }
    }

    /// The calendar date in Japan (UTC+9) of `date`, `YYYY-MM-DD`: how J-LIS publishes the validity of the roots it
    /// lists without a file.
    static func japanDate(_ date: Date) -> String {
        date.addingTimeInterval(9 * 3600).formatted(.iso8601.year().month().day())
    }
}

/// A trust anchor of a ``TrustStore`` with what it is.
public struct TrustAnchor: Sendable, Hashable, CustomStringConvertible {
    /// The anchor certificate.
    public let certificate: Certificate
    /// What the certificate is.
    public let classification: RootClassification

    /// Classifies `certificate` as an anchor.
    public init(_ certificate: Certificate) {
        self.certificate = certificate
        classification = RootClassification(certificate)
    }

    /// The SHA-256 fingerprint of the anchor, 64 upper-case hexadecimal digits: how the trust store names it.
    public var fingerprint: String { certificate.sha256Fingerprint.hexadecimal }

    /// `J-LIS production root, authentication hierarchy, generation 3 (SHA-256 64114F29…)`.
    public var description: String { "\(classification) (SHA-256 \(fingerprint))" }
}

extension [UInt8] {
    /// The bytes as upper-case hexadecimal without separators.
    var hexadecimal: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
