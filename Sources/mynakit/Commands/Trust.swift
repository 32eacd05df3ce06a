//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaVerify

/// `mynakit trust …`: the trust store on disk.
struct Trust: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Manage the trust directory: the roots auth and cert verify trust when --roots is not given.",
        discussion: """
            The directory is \(TrustDirectory.defaultPath), or the one $\(TrustDirectory.environmentVariable) names. \
            It holds one PEM file per root, named by its SHA-256 fingerprint. The J-LIS production roots are pinned \
            by fingerprint and go in at once; a root with J-LIS's name and an unpinned fingerprint (generation 2) \
            needs --accept-unpinned, a JPKI test root --test, anything else --force.
            """,
        subcommands: [TrustAdd.self, TrustList.self, TrustShow.self, TrustRemove.self]
    )
}

/// Runs `body` on the trust directory (`MYNAKIT_TRUST_DIR` or `/etc/mynakit/trust`); its errors take their exit
/// statuses from the one table in Support/ErrorMapping.swift.
func withTrustDirectory<T>(_ body: (TrustDirectory) throws -> T) throws -> T {
    try body(TrustDirectory.default)
}

/// One root as the `trust` commands print it, as text or JSON.
struct TrustRootReport: Encodable {
    /// The SHA-256 fingerprint, 64 upper-case hexadecimal digits: the root's name in the store.
    var sha256Fingerprint: String
    /// `jlis-production`, `jlis-unpinned`, `jpki-test` or `unknown`.
    var classification: String
    /// `J-LIS production root, authentication hierarchy, generation 3`, …
    var description: String
    /// Whether the fingerprint is one of the pinned J-LIS roots.
    var pinned: Bool
    var hierarchy: String?
    var generation: Int?
    var subject: String
    var issuer: String
    var serialNumber: String
    var notBefore: String
    var notAfter: String
    /// Whether the root has expired now (an expired generation still verifies at past times, `--at`).
    var expired: Bool
    /// How the certificate falls short of a trust anchor (not a root, not a CA, …); empty for a good root.
    var problems: [String]
    /// The file that holds it.
    var file: String?

    init(_ anchor: TrustAnchor, file: String?, now: Date = Date()) {
        let certificate = anchor.certificate
        sha256Fingerprint = anchor.fingerprint
        classification = anchor.classification.code
        description = anchor.classification.description
        if case .jlisProduction(let root) = anchor.classification {
            pinned = true
            generation = root.generation
        } else {
            pinned = false
            if case .jlisUnpinned(_, let published?) = anchor.classification { generation = published.generation }
        }
        hierarchy = anchor.classification.hierarchy?.rawValue
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        serialNumber = certificate.serialNumber
        notBefore = RFC3339.format(certificate.notBefore)
        notAfter = RFC3339.format(certificate.notAfter)
        expired = certificate.notAfter < now
        problems = TrustAnchorProfile.problems(of: certificate).map(\.description)
        self.file = file
    }

    /// The root's facts, one per line, indented by `indent`: what an operator compares with J-LIS's publication.
    func details(indent: String = "  ") -> [String] {
        var lines = [
            "sha256: \(sha256Fingerprint)",
            "subject: \(subject)",
            "serial: \(serialNumber)",
            "validity: \(notBefore) to \(notAfter)" + (expired ? " (EXPIRED)" : ""),
        ]
        if issuer != subject { lines.append("issuer: \(issuer)") }
        lines += problems.map { "problem: \($0)" }
        if let file { lines.append("file: \(file)") }
        return lines.map { indent + $0 }
    }
}
