//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import MynaVerify

/// What the service trusts: the trust anchors chains must end in, and the CRL files revocation is checked against.
///
/// The anchors are those of `mynakit trust`: the trust directory (``TrustDirectory``: `--trust-dir`, else
/// `MYNAKIT_TRUST_DIR`, else `/etc/mynakit/trust`) unless `--roots` names files, plus `--roots` files and
/// directories, exactly as `mynakit auth` and `cert verify` take them. CRLs come from a ``RevocationListCache``: each
/// file is parsed once and again only after it changes on disk (a new CRL renamed over the old one), so a large CRL is
/// not parsed per request.
///
/// Nothing a terminal sends is ever added: a certificate from the card is verified against these anchors and never
/// becomes one.
public struct ServiceTrust: Sendable {
    /// The anchors.
    public let store: TrustStore
    /// The CRL files, in the order of `--crl`; empty when revocation is not checked.
    public let crlFiles: [String]
    /// Whether a leaf whose revocation was not checked fails (`--require-revocation`).
    public let revocationPolicy: CertificateVerifier.RevocationPolicy
    /// Where the anchors came from (the trust directory, `--roots` files), for the log.
    public let sources: [String]
    private let cache: RevocationListCache

    /// Loads the anchors and parses every CRL once, so that a file that cannot be read stops the service at start
    /// (or a `SIGHUP` reload) rather than failing requests.
    ///
    /// - Parameters:
    ///   - trustDirectory: the trust directory; `nil` for the default one (``TrustDirectory/default``), which is read
    ///     only when `roots` is empty.
    ///   - roots: more anchors: PEM or DER files, bundles, directories.
    ///   - crlFiles: CRL files (PEM or DER).
    ///   - cache: the parsed CRLs; a reload passes the running trust's cache, so unchanged files are not parsed again.
    /// - Throws: ``MynaVerifyError`` naming the file that cannot be read or parsed, an insecure trust directory, or
    ///   ``MynaVerifyError/Code/noTrustAnchors`` (saying how to add the J-LIS roots) when no anchor was found.
    public init(
        trustDirectory: TrustDirectory?,
        roots: [String],
        crlFiles: [String],
        requireRevocation: Bool = false,
        cache: RevocationListCache = RevocationListCache()
    ) throws {
        var anchors: [Certificate] = []
        var sources: [String] = []
        if trustDirectory != nil || roots.isEmpty {
            let directory = trustDirectory ?? .default
            anchors += try directory.trustStore().anchors
            sources.append(directory.path)
        }
        if !roots.isEmpty {
            anchors += try TrustStore(contentsOf: roots).anchors
            sources += roots
        }
        store = try TrustStore(anchors: anchors)
        self.crlFiles = crlFiles
        self.revocationPolicy = requireRevocation ? .require : .checkWhenCRLsGiven
        self.sources = sources
        self.cache = cache
        _ = try cache.revocationLists(atPaths: crlFiles)
    }

    /// The CRLs now: the parsed lists, each re-read only if its file changed since it was parsed.
    ///
    /// - Throws: ``MynaVerifyError`` when a file cannot be read or parsed any more: the service then refuses to
    ///   verify (503) rather than pretend it checked revocation.
    public func revocationLists() throws -> [RevocationList] {
        try cache.revocationLists(atPaths: crlFiles)
    }

    /// A new trust from the same options, sharing this one's CRL cache (`SIGHUP`).
    public var cacheForReload: RevocationListCache { cache }

    /// How often CRL files were parsed and reused (for the log and tests).
    public var crlStatistics: RevocationListCache.Statistics { cache.statistics }
}
