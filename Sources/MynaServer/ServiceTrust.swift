//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import Foundation
public import MynaVerify

/// What the service trusts: the trust anchors chains must end in, and the CRLs revocation is checked against.
///
/// Nothing a terminal sends is ever added to it: a certificate from the card is verified against these anchors and
/// never becomes one.
public struct ServiceTrust: Sendable {
    /// The anchors.
    public let store: TrustStore
    /// The CRLs; empty when revocation is not checked.
    public let crls: [RevocationList]
    /// The files the trust came from, for the log.
    public let sources: [String]

    public init(store: TrustStore, crls: [RevocationList], sources: [String] = []) {
        self.store = store
        self.crls = crls
        self.sources = sources
    }

    /// The trust directory used when neither `--trust-dir` nor `--roots` is given: `MYNAKIT_TRUST_DIR`, else
    /// `/etc/mynakit/trust`.
    public static func defaultTrustDirectory(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        environment["MYNAKIT_TRUST_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/etc/mynakit/trust"
    }

    /// Loads the anchors from `trustDirectories` and `roots` (PEM or DER files, bundles, directories) and the CRLs
    /// from `crlFiles`.
    ///
    /// This is the one place the service turns its options into trust; with neither directories nor roots it reads
    /// ``defaultTrustDirectory(environment:)``.
    ///
    /// - Throws: ``MynaVerifyError`` naming the file that cannot be read or parsed, or
    ///   ``MynaVerifyError/Code/noTrustAnchors`` when no anchor was found.
    public static func load(
        trustDirectories: [String],
        roots: [String],
        crlFiles: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServiceTrust {
        var paths = trustDirectories + roots
        if paths.isEmpty { paths = [defaultTrustDirectory(environment: environment)] }
        let store = try TrustStore(contentsOf: paths)
        let crls = try crlFiles.map { try RevocationList(contentsOfFile: $0) }
        return ServiceTrust(store: store, crls: crls, sources: paths + crlFiles)
    }
}
